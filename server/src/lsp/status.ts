/** `dbusLint/status` notification: what the VS Code language status item shows. */
export const STATUS_NOTIFICATION = 'dbusLint/status';

export interface ServerStatus {
  state: 'starting' | 'ready' | 'error';
  filesAnalysed: number;
  lastAnalysisMs?: number;
  lastFile?: string;
  /** Set when something needs the user's attention (a file over the size cap, a grammar that failed to load). */
  message?: string;
}
