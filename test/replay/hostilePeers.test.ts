// Hostile peers of our own (test/support/hostileBus.ts) against `dbus-lint call`, `dbus-lint replay` and the
// wire client: each ends with the exit code, the message and within the time the user asked for.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CallTimeoutError, Connection, isTimeout } from '../../wire/src/index';
import { REPO_ROOT } from '../support/analyzer';
import { runCli } from '../support/cli';
import { startHostileBus, type Hostility, type HostileBus } from '../support/hostileBus';

const PING = ['--dest', 'com.example.Echo', '--path', '/', '--method', 'Ping', '--signature', ''];
const REPLAY = ['replay', 'test/replay/fixtures/echo.js:8', '--yes'];

async function withBus<T>(hostility: Hostility, use: (bus: HostileBus) => Promise<T>): Promise<T> {
  const bus = await startHostileBus(hostility);
  try {
    return await use(bus);
  } finally {
    await bus.close();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('hostile peers', () => {
  it('call --timeout over what timers hold is a usage error, not a 1 ms timer', async () => {
    const run = await runCli(['call', '--address', 'unix:path=/nonexistent', ...PING, '--timeout', '2147483648']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--timeout 2147483648 is over the largest supported value, 2147483647 ms/);
    assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning/);
  });

  for (const [hostility, said] of [
    ['silent-auth', /authentication did not finish within \d+ ms .*raise --timeout/],
    ['no-hello', /no reply to Hello \(serial 1\) within \d+ ms.*raise --timeout/],
  ] as const) {
    it(`a bus that stalls (${hostility}): --timeout bounds the whole exchange, and it is exit 3`, async () => {
      await withBus(hostility, async (bus) => {
        const call = await timed(() => runCli(['call', '--address', bus.address, ...PING, '--timeout', '400']));
        assert.equal(call.result.code, 3, call.result.stderr);
        assert.match(call.result.stderr, said);
        // Process start-up and the CLI's own work on top of 400 ms; the fixed 10 s connect timeout is gone.
        assert.ok(call.ms < 4000, `call took ${call.ms.toFixed(0)} ms`);
        const replay = await timed(() => runCli([...REPLAY, '--address', bus.address, '--timeout', '400']));
        assert.equal(replay.result.code, 3, replay.result.stderr);
        assert.match(replay.result.stderr, said);
        assert.ok(replay.ms < 4000, `replay took ${replay.ms.toFixed(0)} ms`);
      });
    });
  }

  it('the wire client: one connect timeout over auth and Hello together, typed as a timeout', async () => {
    await withBus('no-hello', async (bus) => {
      const { result, ms } = await timed(() =>
        Connection.open({ address: bus.address, authTimeoutMs: 300 }).then(
          () => undefined,
          (error: unknown) => error,
        ),
      );
      assert.ok(result instanceof CallTimeoutError && isTimeout(result), String(result));
      assert.ok(ms < 1500, `open took ${ms.toFixed(0)} ms`);
    });
    await withBus('silent-auth', async (bus) => {
      const error = await Connection.open({ address: bus.address, authTimeoutMs: 200 }).catch((e: unknown) => e);
      assert.ok(isTimeout(error), String(error));
    });
  });

  it('an error reply holding ESC sequences reaches the terminal escaped, from call and from replay', async () => {
    await withBus('escape-error', async (bus) => {
      const call = await runCli(['call', '--address', bus.address, ...PING]);
      assert.equal(call.code, 1, call.stderr);
      const replay = await runCli([...REPLAY, '--address', bus.address]);
      assert.equal(replay.code, 1, replay.stderr);
      for (const output of [call.stdout, call.stderr, replay.stdout, replay.stderr])
        assert.ok(!output.includes('\u001b') && !output.includes('\u0007'), JSON.stringify(output));
      assert.match(call.stdout, /error reply: com\.example\.Error\.Hostile: denied\\x1b\[2J\\x1b\]0;owned\\x07/);
      assert.match(replay.stdout, /denied\\x1b\[2J\\x1b\]0;owned\\x07/);
    });
  });

  it('--repeat stops at a lost bus with the reason and the summary of what ran; no reply means no latency', async () => {
    await withBus('dies-after-one', async (bus) => {
      const { result: run, ms } = await timed(() =>
        runCli(['call', '--address', bus.address, ...PING, '--repeat', '2000', '--timeout', '2000']),
      );
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /the bus went away after 1 run: cannot connect to D-Bus/);
      const summary = JSON.parse(run.stdout) as { runs: number; ok: number; failed: number; stopped: string };
      assert.deepEqual([summary.runs, summary.ok, summary.failed], [2, 1, 1]);
      assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
    });
    await withBus('escape-error', async (bus) => {
      const run = await runCli(['call', '--address', bus.address, ...PING, '--repeat', '3']);
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(run.stdout) as { ok: number; latencyMs: { p50: unknown; p99: unknown } };
      assert.equal(summary.ok, 0);
      assert.deepEqual(summary.latencyMs, { p50: null, p99: null });
    });
  });

  it('Ctrl-C during --repeat prints the summary of the runs so far and exits 130', async () => {
    await withBus('answers', async (bus) => {
      const child = spawn(
        process.execPath,
        [join(REPO_ROOT, 'dist', 'cli.js'), 'call', '--address', bus.address, ...PING, '--repeat', '1000000'],
        { stdio: 'pipe' },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      // Interrupt once runs are under way (the progress line says so), as a user's Ctrl-C would.
      await new Promise<void>((resolve) =>
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/run \d+\/1000000/.test(stderr)) resolve();
        }),
      );
      child.kill('SIGINT');
      assert.equal(await exited, 130, stderr);
      const summary = JSON.parse(stdout) as { runs: number; ok: number };
      assert.ok(summary.runs >= 10 && summary.ok === summary.runs, stdout);
      assert.match(stderr, /interrupted after \d+ of 1000000 runs/);
    });
  });

  it('a peer that breaks the wire format is not blamed on a stopped bus', async () => {
    await withBus('garbage-reply', async (bus) => {
      const run = await runCli(['call', '--address', bus.address, ...PING]);
      assert.equal(run.code, 2, run.stderr);
      assert.doesNotMatch(run.stderr, /check that the bus and the destination are running/);
      assert.match(run.stderr, /broke the D-Bus wire format/);
    });
  });
});
