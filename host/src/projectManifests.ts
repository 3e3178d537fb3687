import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  parseCargoManifest,
  parsePackageManifest,
  withLockedVersions,
  type LanguageId,
  type ProjectContext,
} from '../../core/src/index';

/** Manifests larger than this are not a package.json or Cargo.toml anyone wrote: they are not read. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Lockfiles of large workspaces run to megabytes; past this one is skipped and the requirements stand. */
const MAX_LOCK_BYTES = 32 * 1024 * 1024;

const KINDS = {
  cargo: { manifest: 'Cargo.toml', locks: ['Cargo.lock'] },
  npm: { manifest: 'package.json', locks: ['package-lock.json', 'npm-shrinkwrap.json'] },
} as const;
type Kind = keyof typeof KINDS;

/** The file names a ProjectManifests reads: a change to one of them calls for `forget()`. */
export const MANIFEST_FILE_NAMES: readonly string[] = Object.values(KINDS).flatMap((kind) => [
  kind.manifest,
  ...kind.locks,
]);

function readSmall(path: string, limit = MAX_MANIFEST_BYTES): string | undefined {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > limit) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Each source file's project, from the nearest manifest of its language's registry above it (Cargo.toml for
 * Rust, package.json for JS/TS) and the lockfile in that folder or above (a workspace keeps one at its root).
 * Answers are cached per folder; `forget()` drops them when a manifest or lockfile changes.
 */
export class ProjectManifests {
  private readonly byDir = new Map<string, ProjectContext | undefined>();

  forFile(path: string, language: LanguageId): ProjectContext | undefined {
    return this.forDir(language === 'rust' ? 'cargo' : 'npm', dirname(resolve(path)));
  }

  forget(): void {
    this.byDir.clear();
  }

  private forDir(kind: Kind, dir: string): ProjectContext | undefined {
    const key = `${kind}\0${dir}`;
    if (this.byDir.has(key)) return this.byDir.get(key);
    const text = readSmall(join(dir, KINDS[kind].manifest));
    let found: ProjectContext | undefined;
    if (text !== undefined) found = this.read(kind, dir, text);
    // A package.json that is not JSON, or names nothing (`{"type": "module"}` in a build's subfolder), is not
    // the project's: look further up.
    if (!found && dirname(dir) !== dir) found = this.forDir(kind, dirname(dir));
    this.byDir.set(key, found);
    return found;
  }

  private read(kind: Kind, dir: string, text: string): ProjectContext | undefined {
    const path = join(dir, KINDS[kind].manifest);
    const project = kind === 'cargo' ? parseCargoManifest(text, path) : parsePackageManifest(text, path);
    if (!project || (project.name === undefined && Object.keys(project.dependencies).length === 0)) return undefined;
    for (let at = dir; ; at = dirname(at)) {
      for (const lock of KINDS[kind].locks) {
        const lockText = readSmall(join(at, lock), MAX_LOCK_BYTES);
        if (lockText !== undefined)
          return withLockedVersions(project, lockText, relative(at, dir).split(sep).join('/'));
      }
      if (dirname(at) === at) return project;
    }
  }
}
