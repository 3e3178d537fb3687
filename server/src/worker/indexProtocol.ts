// Messages of the workspace index's thread (indexWorker.ts). Plain data: they are copied.
import type { FunctionSummary } from '../../../core/src/index';
import type { ResolvedImport } from '../../../host/src/index';

export interface IndexSetup {
  grammarDir: string;
  /** Workspace folders to index (paths). */
  folders: string[];
}

/** What the index keeps of one file: its function summaries and the files it imports. */
export interface IndexedFile {
  path: string;
  summaries: FunctionSummary[];
  imports: ResolvedImport[];
}

export type IndexMessage =
  | { kind: 'progress'; done: number; total: number }
  /** Only files with summaries or imports (the others tell the index nothing). */
  | { kind: 'done'; files: IndexedFile[]; analysed: number; ms: number }
  | { kind: 'failed'; message: string };
