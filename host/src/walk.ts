import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';
import { languageForPath } from '../../core/src/index';

/** Folders never walked: dependencies, build output, VCS metadata. */
const SKIPPED_DIRS = new Set(['node_modules', 'target', '.git', 'dist', 'out', 'build', '.hg', '.svn', 'coverage']);

/** A file to analyse and its size in bytes (from the walk's stat, so scheduling needs no second one). */
export interface WalkedFile {
  path: string;
  size: number;
}

export interface WalkProblem {
  path: string;
  message: string;
}

/**
 * Expands PATH arguments into analysable files, leaving out what `ignored` says (the config's "ignore"). A file named explicitly is kept even with an unknown
 * extension only if its extension is analysable; unreadable entries become problems, not crashes.
 * Synchronous: a workspace has tens of thousands of entries, and a promise per stat made the walk
 * cost as much as reading every file.
 */
export function collectFiles(
  paths: string[],
  problems: WalkProblem[],
  ignored: (path: string) => boolean = () => false,
): WalkedFile[] {
  const files: WalkedFile[] = [];
  function visit(path: string, explicit: boolean): void {
    let info: Stats;
    try {
      info = statSync(path);
    } catch (error) {
      problems.push({ path, message: describeIoError(error) });
      return;
    }
    // A path named on the command line is checked even when the config ignores it, as a skipped folder is.
    if (!explicit && ignored(path)) return;
    if (info.isDirectory()) {
      if (!explicit && SKIPPED_DIRS.has(path.split('/').pop() ?? '')) return;
      let entries: Dirent[];
      try {
        entries = readdirSync(path, { withFileTypes: true });
      } catch (error) {
        problems.push({ path, message: describeIoError(error) });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory() || (entry.isFile() && languageForPath(entry.name))) {
          visit(join(path, entry.name), false);
        }
      }
    } else if (info.isFile()) {
      if (languageForPath(path)) files.push({ path, size: info.size });
      else if (explicit) problems.push({ path, message: 'not a Rust, TypeScript or JavaScript file; skipped' });
    } else if (explicit) {
      // A FIFO would block the read (or feed it forever), a device is no source file: asked for, it is an error.
      problems.push({ path, message: 'not a regular file (a FIFO, socket or device); name a source file or folder' });
    }
  }
  for (const path of paths) visit(path, true);
  return files;
}

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
