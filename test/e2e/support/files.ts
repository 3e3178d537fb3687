import { existsSync, readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Resolves once `file` exists (it must appear by rename, i.e. complete), failing after `timeoutMs`. */
export function waitForFile(file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name === basename(file) && existsSync(file)) done(resolve);
    });
    const timer = setTimeout(
      () => done(() => reject(new Error(`${file} did not appear within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const done = (settle: () => void) => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    if (existsSync(file)) done(resolve);
  });
}

/** Resolves with the file's text once `accept` holds for it, re-checking on every change, failing after `timeoutMs`. */
export function waitForContent(file: string, accept: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = () => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    const check = () => {
      const text = read();
      if (accept(text)) done(() => resolve(text));
    };
    const watcher = watch(dirname(file), check);
    const timer = setTimeout(
      () =>
        done(() => reject(new Error(`${file} did not get the expected content within ${timeoutMs} ms:\n${read()}`))),
      timeoutMs,
    );
    const done = (settle: () => void) => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    check();
  });
}
