import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { FunctionSummary, ImportedModule } from '../../core/src/index';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The file a relative import names, as Node and TypeScript find it: the path itself, with an extension, a
 * folder's index, or the `.ts` source of a `.js` specifier (TypeScript's ESM convention). Undefined when none exists.
 */
export function resolveImport(fromFile: string, specifier: string): string | undefined {
  return resolveAmong(fromFile, specifier, isFile);
}

/** `resolveImport` against a known set of files (a scan's walk): string work only, no disk access. */
export function resolveAmong(
  fromFile: string,
  specifier: string,
  exists: (path: string) => boolean,
): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)];
  const js = /\.(m|c)?jsx?$/.exec(base);
  if (js) {
    const stem = base.slice(0, -js[0].length);
    candidates.push(...['.ts', '.tsx', '.mts', '.cts'].map((ext) => stem + ext));
  }
  return candidates.find(exists);
}

/**
 * A module path another module's file used (`crate::collection` or `self::collection` in secret_service's lib.rs)
 * as the importing file names it (`secret_service::collection`): `crate` is the crate of the module it came
 * through, `self` that module. A path through a module of the importer's own crate stays as it is.
 */
function rebased(specifier: string, through: string): string {
  const crate = through.split('::')[0];
  if (!crate || ['crate', 'self', 'super'].includes(crate)) return specifier;
  if (specifier.startsWith('crate::')) return `${crate}${specifier.slice('crate'.length)}`;
  if (specifier.startsWith('self::')) return `${through}${specifier.slice('self'.length)}`;
  return specifier;
}

export interface ResolvedImport {
  specifier: string;
  path: string;
}

/**
 * What the files of a workspace know of each other: each file's function summaries and the files it imports.
 * A file is analysed with the summaries of the files it imports (`importedFor`); when a file's summaries change,
 * its importers (`dependents`) are the files to analyse again — and only they.
 */
export class SummaryIndex {
  private readonly summaries = new Map<string, readonly FunctionSummary[]>();
  private readonly imports = new Map<string, readonly ResolvedImport[]>();
  private readonly importers = new Map<string, Set<string>>();

  /** Records a file's summaries and imports; true when its summaries differ from what was recorded before. */
  set(path: string, summaries: readonly FunctionSummary[], imports: readonly ResolvedImport[]): boolean {
    for (const old of this.imports.get(path) ?? []) this.importers.get(old.path)?.delete(path);
    this.imports.set(path, imports);
    for (const { path: target } of imports) {
      let set = this.importers.get(target);
      if (!set) this.importers.set(target, (set = new Set()));
      set.add(path);
    }
    const before = this.summaries.get(path) ?? [];
    if (summaries.length > 0) this.summaries.set(path, summaries);
    else this.summaries.delete(path);
    return JSON.stringify(before) !== JSON.stringify(summaries);
  }

  delete(path: string): boolean {
    return this.set(path, [], []);
  }

  /**
   * The imported files that have summaries, for `AnalyzeOptions.imported` (undefined when there are none). A Rust
   * file also gets, marked indirect, the modules its imports import (lib.rs's `mod collection`): the types their
   * functions return (`Result<Collection>`) are defined there, and so are those types' methods.
   */
  importedFor(path: string): ImportedModule[] | undefined {
    const out: ImportedModule[] = [];
    const direct = this.imports.get(path) ?? [];
    const seen = new Set([path, ...direct.map((entry) => entry.path)]);
    for (const { specifier, path: target } of direct) {
      const summaries = this.summaries.get(target);
      if (summaries) out.push({ file: target, specifier, summaries });
    }
    if (path.endsWith('.rs')) {
      for (const { specifier: outer, path: through } of direct) {
        for (const { specifier, path: target } of this.imports.get(through) ?? []) {
          const summaries = this.summaries.get(target);
          if (seen.has(target) || !summaries) continue;
          seen.add(target);
          out.push({ file: target, specifier: rebased(specifier, outer), summaries, indirect: true });
        }
      }
    }
    return out.length > 0 ? out : undefined;
  }

  /** The files that import `path`, and for a Rust file the files importing those (they get it indirectly). */
  dependents(path: string): string[] {
    const direct = [...(this.importers.get(path) ?? [])];
    if (!path.endsWith('.rs')) return direct;
    const out = new Set(direct);
    for (const importer of direct) for (const next of this.importers.get(importer) ?? []) out.add(next);
    out.delete(path);
    return [...out];
  }

  /** Every file with summaries or imports: what another index needs to hold the same. */
  *entries(): Generator<{ path: string; summaries: FunctionSummary[]; imports: ResolvedImport[] }> {
    for (const [path, imports] of this.imports)
      if (imports.length > 0 || this.summaries.has(path))
        yield { path, summaries: [...(this.summaries.get(path) ?? [])], imports: [...imports] };
  }

  /** Files whose summaries are known, and their count, for status and benchmarks. */
  get size(): { files: number; summaries: number } {
    let summaries = 0;
    for (const list of this.summaries.values()) summaries += list.length;
    return { files: this.imports.size, summaries };
  }
}
