// The "checked 1234/5678 files, 3 findings" line of a long `dbus-lint check` on a terminal. It goes to
// stderr (stdout may be JSON or SARIF), only when stderr is a terminal and not in CI, only once a scan
// has run for a while, and it is erased before the results are printed.
import type { CheckProgress } from './check';
import type { Io } from './usage';

/** A scan that ends sooner shows nothing. */
const DEFAULT_DELAY_MS = 1000;
/** Redraws at most this often: a terminal write per file would cost more than the files. */
const REDRAW_MS = 100;
const ERASE_LINE = '\r\x1b[K';

export interface ProgressLine {
  update(progress: CheckProgress): void;
  /** Erases the line if it was drawn. */
  finish(): void;
}

/** CI=true (or any value but false/0) marks a CI log, where a redrawn line is noise even on a pseudo-terminal. */
function inCi(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/**
 * DBUS_LINT_PROGRESS_DELAY_MS sets how long a scan runs before the line appears (default 1000): tests set
 * 0 to see it on a small scan without waiting.
 */
export function progressLine(io: Io, now: () => number = () => performance.now()): ProgressLine {
  if (!io.stderrIsTTY || inCi(io.env)) return { update: () => undefined, finish: () => undefined };
  const delay = Number(io.env.DBUS_LINT_PROGRESS_DELAY_MS ?? DEFAULT_DELAY_MS);
  const started = now();
  let lastDrawn = -Infinity;
  let drawn = false;
  return {
    update({ done, total, findings }) {
      const at = now();
      if (at - started < delay || (at - lastDrawn < REDRAW_MS && done < total)) return;
      lastDrawn = at;
      drawn = true;
      io.stderr(`${ERASE_LINE}checked ${done}/${total} files, ${findings} finding${findings === 1 ? '' : 's'}`);
    },
    finish() {
      if (drawn) io.stderr(ERASE_LINE);
    },
  };
}
