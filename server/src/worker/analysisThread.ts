// The main thread's side of the analysis worker (analysisWorker.ts): requests in order, answers by id.
import { join } from 'node:path';
import type { AnalyzeOptions, DocumentChange, LanguageId } from '../../../core/src/index';
import { WorkerThread, type WorkerThreadFailure } from '../../../host/src/index';
import type { AnalysisResult, AnalysisThreadSetup, WorkerReply, WorkerRequest } from './protocol';

/**
 * The analysis thread's young generation, in MB. V8's default lets it grow to 48 MB, as the main thread's
 * does; two isolates each at their largest were what took the server past its memory goal with 200 files open.
 * Its garbage is short-lived (parse and query results). Measured with the main thread's limit
 * (protocol/src/launch.ts): 200 files open 135–141 MB RSS (155–161 MB with neither limit), start to first
 * diagnostics 242–285 ms (218–240 ms with neither), keystrokes unchanged within their noise.
 */
const ANALYSIS_YOUNG_GENERATION_MB = 8;

export class AnalysisThread {
  private readonly worker: WorkerThread<WorkerRequest, WorkerReply>;
  private nextId = 0;
  /** Unanswered analyses in the order posted: the worker runs them in that order, so the first is running. */
  private readonly waiting = new Map<
    number,
    { uri: string; resolve: (result: AnalysisResult) => void; reject: (error: Error) => void }
  >();
  /** When the running analysis (the oldest unanswered) started: when it was posted to an idle thread, or the one before it was answered. */
  private runningSince = 0;
  /** Unanswered warm-ups, answered in the order posted. */
  private readonly warmUps: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Set once the thread died: what is posted after that is refused with it. */
  private failure: WorkerThreadFailure | undefined;

  /**
   * `onFailure`: the worker died; the server cannot analyse any more and should say so and exit. The
   * analyses and warm-ups it had are refused with the same error, so none waits for ever.
   */
  constructor(setup: AnalysisThreadSetup, onFailure: (failure: WorkerThreadFailure) => void) {
    this.worker = new WorkerThread<WorkerRequest, WorkerReply>(
      {
        // The document it was analysing is the likeliest cause: the user can close it, and report it.
        name: () => {
          const uri = this.running();
          return uri === undefined ? 'the analysis thread' : `the analysis thread (analysing ${uri})`;
        },
        bundle: 'analysisWorker.js',
        source: join(__dirname, 'analysisWorker.ts'),
        workerData: setup,
        resourceLimits: { maxYoungGenerationSizeMb: ANALYSIS_YOUNG_GENERATION_MB },
        nextStep:
          'the language server exits so that the editor can restart it; if it crashes again on the same file, close that file and report the crash with this message',
      },
      {
        message: (message) => {
          if (message.kind === 'warmedUp') {
            const warmUp = this.warmUps.shift();
            if (message.error === undefined) warmUp?.resolve();
            else warmUp?.reject(new Error(message.error));
          } else {
            this.waiting.get(message.id)?.resolve(message);
            this.waiting.delete(message.id);
            this.runningSince = performance.now();
          }
        },
        failed: (failure) => {
          this.failure = failure;
          onFailure(failure);
          for (const { reject } of [...this.waiting.values(), ...this.warmUps.splice(0)]) reject(failure);
          this.waiting.clear();
        },
      },
    );
    // The server exits when its client goes: a live worker must not keep the process up.
    this.worker.unref();
  }

  private post(request: WorkerRequest): void {
    this.worker.post(request);
  }

  warmUp(language: LanguageId): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.post({ kind: 'warmUp', language });
    return new Promise((resolve, reject) => this.warmUps.push({ resolve, reject }));
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
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.runningSince = performance.now();
    this.post({ kind: 'analyse', id, uri, language, options, text });
    return new Promise((resolve, reject) => this.waiting.set(id, { uri, resolve, reject }));
  }

  /** The document whose analysis the thread is running now (the oldest unanswered), if any. */
  running(): string | undefined {
    for (const { uri } of this.waiting.values()) return uri;
    return undefined;
  }

  /** How long the running analysis has been running, in ms (0 when the thread is idle). */
  runningFor(): number {
    return this.waiting.size === 0 ? 0 : performance.now() - this.runningSince;
  }

  /** Unanswered analyses: what a document posted here would wait behind. */
  get backlog(): number {
    return this.waiting.size;
  }

  drop(uri: string): void {
    this.post({ kind: 'drop', uri });
  }
}
