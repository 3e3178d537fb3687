// The one way our worker threads start (host workerThread.ts): a thread that dies says which thread, what
// happened and what to do, once; one that is stopped, or stops itself once it has answered, is no failure.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { WorkerThread, WorkerThreadFailure } from '../../host/src/index';

/** A worker from source: its body is `code`, run with `parentPort` and `workerData` in scope. */
function workerSource(code: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dbus-lint-worker-')), 'worker.js');
  writeFileSync(path, `const { parentPort, workerData } = require('node:worker_threads');\n${code}\n`);
  return path;
}

const NEXT_STEP = 'run again with --jobs 1';

/** Starts the worker and gathers what it reports; `firstFailure` and `answers(n)` resolve as those come. */
function start(code: string, workerData: unknown = undefined) {
  const messages: unknown[] = [];
  const failures: WorkerThreadFailure[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let failed!: () => void;
  const firstFailure = new Promise<void>((resolve) => (failed = resolve));
  const thread: WorkerThread<string, unknown> = new WorkerThread(
    { name: 'a test worker', bundle: 'noSuchBundle.js', source: workerSource(code), workerData, nextStep: NEXT_STEP },
    {
      message: (message) => {
        messages.push(message);
        for (const waiter of waiters) if (messages.length >= waiter.count) waiter.resolve();
      },
      failed: (failure) => {
        failures.push(failure);
        failed();
      },
    },
  );
  const answers = (count: number) => new Promise<void>((resolve) => waiters.push({ count, resolve }));
  return { thread, messages, failures, firstFailure, answers };
}

describe('a worker thread', () => {
  it('that crashes fails once, naming the thread, the error and what to do next', async () => {
    const { thread, failures, firstFailure } = start(
      "parentPort.on('message', (m) => { throw new Error(`cannot take ${m}`); });",
    );
    thread.post('this');
    await firstFailure;
    // The exit that follows the error is over when stop's termination resolves: it must not be a second failure.
    await thread.stop();
    assert.equal(failures.length, 1);
    const [failure] = failures;
    assert.ok(failure instanceof WorkerThreadFailure);
    assert.equal(failure.message, `a test worker crashed: cannot take this; ${NEXT_STEP}`);
    assert.ok('error' in failure.death);
  });

  it('that exits while it is needed fails with its exit code', async () => {
    const { thread, failures, firstFailure } = start("parentPort.on('message', () => process.exit(3));");
    thread.post('go');
    await firstFailure;
    assert.equal(failures[0]?.message, `a test worker exited (code 3) before its work was done; ${NEXT_STEP}`);
    assert.deepEqual(failures[0]?.death, { exitCode: 3 });
  });

  it('names what it was doing when a function names it', async () => {
    let doing = 'starting';
    const failures: WorkerThreadFailure[] = [];
    const failed = new Promise<void>((resolve) => {
      const thread = new WorkerThread<string, unknown>(
        {
          name: () => `the busy worker (${doing})`,
          bundle: 'noSuchBundle.js',
          source: workerSource("parentPort.on('message', () => { throw new Error('boom'); });"),
          workerData: undefined,
          nextStep: NEXT_STEP,
        },
        {
          message: () => undefined,
          failed: (failure) => {
            failures.push(failure);
            resolve();
          },
        },
      );
      doing = 'analysing a.rs';
      thread.post('go');
    });
    await failed;
    assert.equal(failures[0]?.thread, 'the busy worker (analysing a.rs)');
  });

  it('gets its workerData and answers; stopping it is no failure', async () => {
    const { thread, messages, failures, answers } = start(
      "parentPort.on('message', (m) => parentPort.postMessage(`${workerData.greeting} ${m}`));",
      { greeting: 'hello' },
    );
    thread.post('there');
    thread.post('world');
    await answers(2);
    // The worker still listens: only the stop ends it, and that is no failure.
    await thread.stop();
    assert.deepEqual(messages, ['hello there', 'hello world']);
    assert.deepEqual(failures, []);
  });

  it('that exits on its own after its last answer is no failure when that answer stops it', async () => {
    const failures: WorkerThreadFailure[] = [];
    // Settles once the thread the answer stopped has ended (the promise stop returns is adopted).
    await new Promise<void>((resolve) => {
      const thread: WorkerThread<never, string> = new WorkerThread(
        {
          name: 'a one-shot worker',
          bundle: 'noSuchBundle.js',
          source: workerSource("parentPort.postMessage('done');"),
          workerData: undefined,
          nextStep: NEXT_STEP,
        },
        { message: () => resolve(thread.stop()), failed: (failure) => failures.push(failure) },
      );
    });
    assert.deepEqual(failures, []);
  });
});
