// Messages between the language server's main thread and its analysis worker (analysisWorker.ts). Plain
// data: they are copied. The worker handles them in the order they were posted.
import type { AnalyzeOptions, DocumentChange, Finding, FunctionSummary, LanguageId } from '../../../core/src/index';

/** The worker's workerData. */
export interface AnalysisThreadSetup {
  grammarDir: string;
  /** Languages to warm up (grammar, query, rules' code) as soon as the thread starts, in this order. */
  warmUp: LanguageId[];
}

export type WorkerRequest =
  | { kind: 'warmUp'; language: LanguageId }
  /** Edits of a document the worker keeps (see `kept`), in order. */
  | { kind: 'edit'; uri: string; changes: DocumentChange[] }
  /**
   * Analyse the document's current version. `text` comes when the main thread knows the worker keeps no
   * analysis of it (first analysis, or after a drop): the worker opens one.
   */
  | { kind: 'analyse'; id: number; uri: string; language: LanguageId; text?: string; options: AnalyzeOptions }
  /** Free the document's tree: closed, or evicted by the main thread's memory budget. */
  | { kind: 'drop'; uri: string };

/**
 * Findings a result carries at most. Beyond a few hundred a list of diagnostics helps nobody, and copying,
 * converting and sending tens of thousands held the main thread for seconds: the rest is counted, not sent.
 */
export const MAX_FINDINGS_SENT = 1000;

export interface AnalysisResult {
  kind: 'result';
  id: number;
  /** The findings that are not suppressed, the first MAX_FINDINGS_SENT of them. */
  findings: Finding[];
  /** What calling the file's functions does (core summaries.ts), for the files that import it. */
  summaries: FunctionSummary[];
  /** How many findings are not suppressed, sent or not. */
  total: number;
  incremental: boolean;
  /** The worker keeps the document's analysis (and tree) after this: later versions arrive as edits. */
  kept: boolean;
  /** Source characters of the kept tree (0 when not kept). */
  size: number;
  /** Why the file is not analysed: a NotAnalysedError's message (it names what to change), or another failure. */
  error?: { message: string; notAnalysed: boolean };
}

export type WorkerReply = AnalysisResult | { kind: 'warmedUp'; error?: string };
