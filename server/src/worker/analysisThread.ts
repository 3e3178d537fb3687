// The main thread's side of the analysis worker (analysisWorker.ts): requests in order, answers by id.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions, DocumentChange, LanguageId } from '../../../core/src/index';
import type { AnalysisResult, AnalysisThreadSetup, WorkerReply, WorkerRequest } from './protocol';

/**
 * The bundled worker next to dist/server.js; from source (tests under tsx) a shim that registers tsx in
 * the worker first, since a worker does not inherit the parent's loader.
 */
function startWorker(workerData: AnalysisThreadSetup): Worker {
  const bundled = join(__dirname, 'analysisWorker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData });
  const source = join(__dirname, 'analysisWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, workerData });
}

export class AnalysisThread {
  private readonly worker: Worker;
  private nextId = 0;
  /** Unanswered analyses in the order posted: the worker runs them in that order, so the first is running. */
  private readonly waiting = new Map<number, { uri: string; resolve: (result: AnalysisResult) => void }>();
  private readonly warmUps: ((error: string | undefined) => void)[] = [];

  /** `onFailure`: the worker died; the server cannot analyse any more and should say so and exit. */
  constructor(setup: AnalysisThreadSetup, onFailure: (reason: string) => void) {
    this.worker = startWorker(setup);
    this.worker.on('message', (message: WorkerReply) => {
      if (message.kind === 'warmedUp') this.warmUps.shift()?.(message.error);
      else {
        this.waiting.get(message.id)?.resolve(message);
        this.waiting.delete(message.id);
      }
    });
    this.worker.on('error', (error) => onFailure(`the analysis thread failed: ${error.message}`));
    this.worker.on('exit', (code) => onFailure(`the analysis thread exited (code ${code})`));
    // The server exits when its client goes: a live worker must not keep the process up.
    this.worker.unref();
  }

  private post(request: WorkerRequest): void {
    this.worker.postMessage(request);
  }

  warmUp(language: LanguageId): Promise<void> {
    this.post({ kind: 'warmUp', language });
    return new Promise((resolve, reject) =>
      this.warmUps.push((error) => (error === undefined ? resolve() : reject(new Error(error)))),
    );
  }

  /** Edits of a document the worker keeps; the whole text each change built stays here (it is rebuilt there). */
  edit(uri: string, changes: readonly DocumentChange[]): void {
    this.post({
      kind: 'edit',
      uri,
      changes: changes.map(({ start, end, text }) => ({ start, end, text }) as DocumentChange),
    });
  }

  analyse(uri: string, language: LanguageId, options: AnalyzeOptions, text?: string): Promise<AnalysisResult> {
    const id = this.nextId++;
    this.post({ kind: 'analyse', id, uri, language, options, text });
    return new Promise((resolve) => this.waiting.set(id, { uri, resolve }));
  }

  /** The document whose analysis the thread is running now (the oldest unanswered), if any. */
  running(): string | undefined {
    for (const { uri } of this.waiting.values()) return uri;
    return undefined;
  }

  /** Unanswered analyses: what a document posted here would wait behind. */
  get backlog(): number {
    return this.waiting.size;
  }

  drop(uri: string): void {
    this.post({ kind: 'drop', uri });
  }
}
