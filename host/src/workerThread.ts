// Starting one of our worker threads (the language server's analysis and index threads, the CLI's check
// workers): where its code is, and one clear failure when it dies. What the thread is sent and answers, and
// what becomes of the requests it had, stay with the caller: each protocol is its own.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface WorkerThreadSpec {
  /**
   * What the thread is, as a user reads it in an error: "a check worker". A function is asked when the thread
   * dies, so the name can say what the thread was doing.
   */
  name: string | (() => string);
  /** The worker's bundle, a file name: esbuild writes it next to the bundle that starts it (dist/). */
  bundle: string;
  /** The worker's source file (a path), for runs from source (tests, benches under tsx), where there is no bundle. */
  source: string;
  /** Copied to the thread as its `workerData`. */
  workerData: unknown;
  /** What the user can do when the thread dies; it ends the failure's message. */
  nextStep: string;
  /** V8 heap limits of the thread (`worker_threads` resourceLimits); unset, V8's defaults. */
  resourceLimits?: ResourceLimits;
}

export interface WorkerThreadEvents<Reply> {
  message(reply: Reply): void;
  /** The thread died: a crash, or an exit nobody asked for. Called at most once, and never after `stop`. */
  failed(failure: WorkerThreadFailure): void;
}

/** A worker thread that died: what happened (`message` says it, then what to do next). */
export class WorkerThreadFailure extends Error {
  override readonly name = 'WorkerThreadFailure';

  constructor(
    /** The thread, as its spec named it when it died. */
    readonly thread: string,
    /** The worker's uncaught error, or the code it exited with when it just exited. */
    readonly death: { error: Error } | { exitCode: number },
    readonly nextStep: string,
  ) {
    super(
      'error' in death
        ? `${thread} crashed: ${death.error.message}; ${nextStep}`
        : `${thread} exited (code ${death.exitCode}) before its work was done; ${nextStep}`,
    );
  }
}

/**
 * A bundle's __dirname is the folder of the running bundle, where its workers' bundles are too. From source
 * there is none, and the source file runs behind a shim that registers tsx first: a worker does not inherit
 * its parent's loader.
 */
function startWorker({ bundle, source, workerData, resourceLimits }: WorkerThreadSpec): Worker {
  const bundled = join(__dirname, bundle);
  if (existsSync(bundled)) return new Worker(bundled, { workerData, resourceLimits });
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData,
    resourceLimits,
  });
}

export class WorkerThread<Request, Reply> {
  private readonly worker: Worker;
  /** Failed or stopped: nothing more is reported. */
  private over = false;

  constructor(spec: WorkerThreadSpec, events: WorkerThreadEvents<Reply>) {
    this.worker = startWorker(spec);
    const fail = (death: WorkerThreadFailure['death']): void => {
      if (this.over) return;
      this.over = true;
      const name = typeof spec.name === 'string' ? spec.name : spec.name();
      events.failed(new WorkerThreadFailure(name, death, spec.nextStep));
    };
    this.worker.on('message', (reply: Reply) => {
      if (!this.over) events.message(reply);
    });
    // An uncaught error comes first and says more; the exit that follows it is then not reported again.
    this.worker.on('error', (error) => fail({ error }));
    this.worker.on('exit', (exitCode) => fail({ exitCode }));
  }

  post(request: Request): void {
    this.worker.postMessage(request);
  }

  /**
   * Ends the thread: its work is done, or no longer wanted. Its exit is not a failure, and a message it sent
   * meanwhile is not delivered. Node delivers the messages a worker sent before it exits first, so a thread
   * that exits on its own once it has answered is stopped from that answer's handler.
   */
  stop(): Promise<void> {
    this.over = true;
    return this.worker.terminate().then(() => undefined);
  }

  /** A live thread does not keep the process up (the language server exits when its client goes). */
  unref(): void {
    this.worker.unref();
  }
}
