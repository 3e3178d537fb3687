import { readFileSync } from 'node:fs';
import { BaselineError, FINGERPRINT_KEY, parseBaseline, type BaselineEntry } from '../../core/src/index';

/** Reads a baseline SARIF file; a missing or unreadable one is a BaselineError that says so. */
export function readBaselineFile(path: string, shownAs = path): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BaselineError(
      code === 'ENOENT'
        ? `baseline ${shownAs} does not exist; create it with \`dbus-lint check --write-baseline ${shownAs} PATH…\``
        : `baseline ${shownAs} cannot be read: ${(error as Error).message}`,
    );
  }
  return parseBaseline(text, FINGERPRINT_KEY, shownAs);
}
