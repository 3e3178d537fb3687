// Messages between `dbus-lint check` and its worker threads (checkWorker.ts). Plain data: they are copied.
import type { AnalyzeOptions } from '../analysis/index';
import type { FileOutcome } from './checkFile';

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

/** Worker → main: one outcome per file of the batch. */
export interface BatchDone {
  batch: number;
  outcomes: { index: number; outcome: FileOutcome }[];
}
