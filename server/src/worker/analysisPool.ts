// The analysis threads of the language server. Each open document lives on one thread (its tree is there);
// a document whose analysis waits behind another document's long one (a hostile file working through its
// budget) moves to a thread that is free, started if need be, so one slow file never delays the others.
// Moving costs the moved document one full parse on its new thread; staying could cost the whole budget.
import { availableParallelism } from 'node:os';
import type { AnalyzeOptions, DocumentChange, LanguageId } from '../../../core/src/index';
import type { WorkerThreadFailure } from '../../../host/src/index';
import { AnalysisThread } from './analysisThread';
import type { AnalysisResult, AnalysisThreadSetup } from './protocol';

/** Threads at most: one per core, at least two (one can be stuck on a hostile file), at most four. */
const MAX_THREADS = Math.max(2, Math.min(4, availableParallelism()));

export class AnalysisPool {
  private readonly threads: AnalysisThread[];
  private readonly home = new Map<string, AnalysisThread>();
  private readonly languages: Set<LanguageId>;

  constructor(
    private readonly setup: AnalysisThreadSetup,
    private readonly onFailure: (failure: WorkerThreadFailure) => void,
    private readonly maxThreads = MAX_THREADS,
  ) {
    this.languages = new Set(setup.warmUp);
    this.threads = [new AnalysisThread(setup, onFailure)];
  }

  get threadCount(): number {
    return this.threads.length;
  }

  /** Resolves once the first thread has the language's grammar and query loaded. */
  warmUp(language: LanguageId): Promise<void> {
    return this.threads[0].warmUp(language);
  }

  private homeOf(uri: string): AnalysisThread {
    let thread = this.home.get(uri);
    if (!thread) {
      // A new document goes where it waits least: the first thread with nothing to do, else the shortest queue.
      thread = this.threads.reduce((best, candidate) => (candidate.backlog < best.backlog ? candidate : best));
      this.home.set(uri, thread);
    }
    return thread;
  }

  edit(uri: string, changes: readonly DocumentChange[]): void {
    this.home.get(uri)?.edit(uri, changes);
  }

  analyse(uri: string, language: LanguageId, options: AnalyzeOptions, text?: string): Promise<AnalysisResult> {
    this.languages.add(language);
    return this.homeOf(uri).analyse(uri, language, options, text);
  }

  drop(uri: string): void {
    this.home.get(uri)?.drop(uri);
    this.home.delete(uri);
  }

  /**
   * Moves the document to another thread when its own has been busy with one other document's analysis for
   * `slowMs` or more, to a free thread, or to a new one while there are fewer than the maximum. A queue of
   * ordinary files (200 opened at once) moves nothing: each thread holds its own grammars, trees and wasm
   * heap (tens of MB), worth paying for a slow file, not for a queue that drains in a second anyway. True
   * when it moved: its new thread holds nothing of it, so the next analysis must bring the text.
   */
  moveIfBlocked(uri: string, slowMs: number): boolean {
    const current = this.home.get(uri);
    const blocker = current?.running();
    if (!current || blocker === undefined || blocker === uri || current.runningFor() < slowMs) return false;
    let target = this.threads.find((thread) => thread !== current && thread.backlog === 0);
    if (!target && this.threads.length < this.maxThreads) {
      target = new AnalysisThread({ ...this.setup, warmUp: [...this.languages] }, this.onFailure);
      this.threads.push(target);
    }
    if (!target) return false;
    current.drop(uri);
    this.home.set(uri, target);
    return true;
  }
}
