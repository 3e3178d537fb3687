// Loads a CommonJS bundle through V8's code cache. Compiling the language client bundle (vscode-languageclient,
// ~430 KB minified) and the functions its start runs is most of what activation costs; with the cache
// V8 deserialises them instead (measured in plain Node: ~38 ms to ~12 ms). The extension host runs
// Node 20, which has no module.enableCompileCache, so this does what that does, for one file.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface CachedModule<T> {
  exports: T;
  /** Whether V8 took the stored cache (false on first use, after an update, or when the cache was unusable). */
  cacheUsed: boolean;
  /**
   * Stores the cache when it was not used, including every function compiled so far: call it once the
   * module has done its start-up work. A failed write only means the next load compiles from source.
   */
  saveCache(): void;
}

/** Loads `file` like require() would, with the code cache kept in `cacheDir`. */
export function requireWithCodeCache<T>(file: string, cacheDir: string): CachedModule<T> {
  const source = readFileSync(file, 'utf8');
  // V8 checks a cache against the source's length, not its content: the content hash in the name keeps a
  // cache from being applied to another build of the same length.
  const key = createHash('sha256').update(source).update(process.versions.v8).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, `${basename(file)}.${key}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet: compile from source and save one afterwards.
  }
  const script = new Script(wrap(source), { filename: file, cachedData });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} as T };
  // createRequire(file): `vscode` and node modules resolve as for a module at `file`; the extension host
  // maps `vscode` by the requiring file's path, which lies inside this extension.
  const compiled = script.runInThisContext() as (
    exports: T,
    require: NodeRequire,
    module: { exports: T },
    filename: string,
    dirname: string,
  ) => void;
  compiled(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    cacheUsed,
    saveCache() {
      if (cacheUsed) return;
      mkdirSync(cacheDir, { recursive: true });
      // Caches of earlier builds are dead weight.
      for (const name of readdirSync(cacheDir)) {
        if (name.startsWith(`${basename(file)}.`) && name.endsWith('.v8cache'))
          rmSync(join(cacheDir, name), { force: true });
      }
      // Written aside and renamed, so a concurrent load never reads half a cache.
      const partial = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile);
    },
  };
}
