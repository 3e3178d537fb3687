import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { languageForPath } from '../analysis/index';

/** Folders never walked: dependencies, build output, VCS metadata. */
const SKIPPED_DIRS = new Set(['node_modules', 'target', '.git', 'dist', 'out', 'build', '.hg', '.svn', 'coverage']);

export interface WalkProblem {
  path: string;
  message: string;
}

/**
 * Expands PATH arguments into analysable files. A file named explicitly is kept even with an unknown
 * extension only if its extension is analysable; unreadable entries become problems, not crashes.
 */
export async function collectFiles(paths: string[], problems: WalkProblem[]): Promise<string[]> {
  const files: string[] = [];
  async function visit(path: string, explicit: boolean): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      problems.push({ path, message: describeIoError(error) });
      return;
    }
    if (info.isDirectory()) {
      if (!explicit && SKIPPED_DIRS.has(path.split('/').pop() ?? '')) return;
      let entries;
      try {
        entries = await readdir(path, { withFileTypes: true });
      } catch (error) {
        problems.push({ path, message: describeIoError(error) });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory() || (entry.isFile() && languageForPath(entry.name))) {
          await visit(join(path, entry.name), false);
        }
      }
    } else if (info.isFile()) {
      if (languageForPath(path)) files.push(path);
      else if (explicit) problems.push({ path, message: 'not a Rust, TypeScript or JavaScript file; skipped' });
    }
  }
  for (const path of paths) await visit(path, true);
  return files;
}

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
