import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Resolves once `file` exists (it must appear by rename, i.e. complete), failing after `timeoutMs`. */
export function waitForFile(file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(file), (_event, name) => {
      if (name === basename(file) && existsSync(file)) done(resolve);
    });
    const timer = setTimeout(() => done(() => reject(new Error(`${file} did not appear within ${timeoutMs} ms`))), timeoutMs);
    const done = (settle: () => void) => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    if (existsSync(file)) done(resolve);
  });
}
