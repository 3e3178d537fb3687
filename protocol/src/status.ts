/** `dbusLint/status` notification: what the VS Code language status item shows. */
export const STATUS_NOTIFICATION = 'dbusLint/status';

export interface ServerStatus {
  state: 'starting' | 'ready' | 'error';
  filesAnalysed: number;
  lastAnalysisMs?: number;
  /** Whether the last analysis reused the previous version's results (an edit re-analysed incrementally). */
  lastIncremental?: boolean;
  /** Open documents whose syntax tree the server keeps (those that can hold a finding). */
  treesHeld?: number;
  /** Analysis threads running: a second starts when a slow document would hold up the others. */
  threads?: number;
  lastFile?: string;
  /**
   * The workspace index (function summaries across files): `indexing` while it is built in the background, then
   * how many files it read, how long it took, and the summaries it holds.
   */
  index?: { state: 'indexing' | 'ready' | 'failed'; files?: number; ms?: number; summaries?: number };
  /** Set when something needs the user's attention (a file over the size cap, a grammar that failed to load). */
  message?: string;
}
