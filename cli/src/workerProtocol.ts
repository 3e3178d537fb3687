// Messages between `dbus-lint check` and its worker threads (checkWorker.ts). Plain data: they are copied.
import type { AnalyzeOptions } from '../../core/src/index';
import type { FileOutcome } from '../../host/src/index';

/** Given to each worker at start. */
export interface WorkerSetup {
  grammarDir: string;
  options: AnalyzeOptions;
}

/** Main → worker: files to check; `index` is the file's place in the walk, which orders the output. */
export interface WorkerInput {
  batch: number;
  files: { index: number; file: string; path: string }[];
}

/**
 * Worker → main: one outcome per file of the batch. Most files have no finding: they come as bare indexes,
 * since copying an outcome object per file cost a worker more than reading the file.
 */
export interface BatchDone {
  batch: number;
  outcomes: { index: number; outcome: FileOutcome }[];
  /** Analysed, no finding, stopped at the prefilter. */
  clean: number[];
  /** Analysed, no finding, went through the rules. */
  cleanPastPrefilter: number[];
}
