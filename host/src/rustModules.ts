// Where a Rust module path (core rustModules.ts: `crate::client::helper`, `self::client`, `super::x`) lives on
// disk, by the 2018-edition rules: the crate root is the nearest Cargo.toml's src/lib.rs or src/main.rs (a
// src/bin, examples, tests or benches file is a crate root of its own); module `a::b` of a module whose
// directory is D is D/a/b.rs or D/a/b/mod.rs; a file foo.rs's submodules live in foo/, a mod.rs's (and a crate
// root's) beside it.
import { statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { crateIdentifier } from '../../core/src/index';
import { ProjectManifests } from './projectManifests';
import type { ResolvedImport } from './summaryIndex';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The package directory of each folder looked up: a scan asks for the same few many times. Kept for the process's
 * life (a Cargo.toml added under a running server is seen after a restart).
 */
const packages = new Map<string, string | null>();

function packageDir(dir: string): string | undefined {
  const known = packages.get(dir);
  if (known !== undefined) return known ?? undefined;
  const parent = dirname(dir);
  const found = isFile(join(dir, 'Cargo.toml')) ? dir : parent === dir ? undefined : packageDir(parent);
  packages.set(dir, found ?? null);
  return found;
}

/** The manifests `libraryOf` reads the library's name from (the reader every host uses, with its size cap). */
const manifests = new ProjectManifests();

interface CrateRoot {
  /** The crate root's file (what `crate` names). */
  file: string;
  /** The directory its top-level modules live in. */
  dir: string;
}

/** The crate a file belongs to, or undefined outside a Cargo package (or where its root cannot be told). */
function crateRoot(file: string, exists: (path: string) => boolean): CrateRoot | undefined {
  const pkg = packageDir(dirname(file));
  if (!pkg) return undefined;
  const parts = relative(pkg, file).split(sep);
  const single = (dir: string, rest: string[]): CrateRoot =>
    rest.length === 1 ? { file, dir } : { file: join(dir, rest[0] ?? '', 'main.rs'), dir: join(dir, rest[0] ?? '') };
  if (parts[0] === 'src' && parts[1] === 'bin') return single(join(pkg, 'src', 'bin'), parts.slice(2));
  if (parts[0] === 'src') {
    const src = join(pkg, 'src');
    const main = join(src, 'main.rs');
    if (file === main) return { file, dir: src };
    const lib = join(src, 'lib.rs');
    return { file: exists(lib) ? lib : main, dir: src };
  }
  if (['examples', 'tests', 'benches'].includes(parts[0] ?? ''))
    return single(join(pkg, parts[0] ?? ''), parts.slice(1));
  return undefined;
}

/** The directory a file's own submodules live in: beside a crate root or a mod.rs, else in foo/ for foo.rs. */
function moduleDir(file: string, root: CrateRoot | undefined): string {
  if (file === root?.file || basename(file) === 'mod.rs') return dirname(file);
  return join(dirname(file), basename(file, '.rs'));
}

/** The file of the module whose submodules live in `dir`: the crate root, `dir/mod.rs` or `dir.rs`. */
function moduleFileOf(dir: string, root: CrateRoot | undefined, exists: (path: string) => boolean): string | undefined {
  if (root && dir === root.dir) return root.file;
  return [join(dir, 'mod.rs'), `${dir}.rs`].find(exists);
}

/** The name a file's package's library crate is used by (undefined outside a Cargo package). */
export function libraryOf(file: string): string | undefined {
  const pkg = packageDir(dirname(file));
  if (!pkg) return undefined;
  const manifest = join(pkg, 'Cargo.toml');
  const project = manifests.forFile(manifest, 'rust');
  // A nameless Cargo.toml (a virtual workspace's) sends the reader further up: that one is not this package's.
  return project?.manifest === manifest ? crateIdentifier(project.name) : undefined;
}

export interface ResolvedRustModule {
  /** The module path of the file found: the specifier's longest prefix that is a module. */
  module: string;
  path: string;
}

/**
 * The file of the longest prefix of `specifier` that is a module of `fromFile`'s crate (`crate::client::helper`,
 * helper a function → src/client.rs as `crate::client`). Undefined when none is, and for the file itself.
 */
export function resolveRustModule(
  fromFile: string,
  specifier: string,
  exists: (path: string) => boolean,
): ResolvedRustModule | undefined {
  const [first = '', ...rest] = specifier.split('::');
  const root = crateRoot(fromFile, exists);
  let base: string;
  let baseFile: string | undefined;
  if (first === 'crate') {
    if (!root) return undefined;
    base = root.dir;
    baseFile = root.file;
  } else if (first === 'self') {
    base = moduleDir(fromFile, root);
    baseFile = fromFile;
  } else if (first !== '' && first === libraryOf(fromFile)) {
    // `use app::client::helper` in the package's main.rs, a bin, a test or an example: the library's modules.
    const src = join(packageDir(dirname(fromFile)) ?? '', 'src');
    base = src;
    baseFile = join(src, 'lib.rs');
    if (!exists(baseFile)) return undefined;
  } else if (first === 'super') {
    // The parent module's directory is the one this file lives in (or, for a mod.rs, the one above).
    if (fromFile === root?.file) return undefined;
    base = basename(fromFile) === 'mod.rs' ? dirname(dirname(fromFile)) : dirname(fromFile);
    baseFile = moduleFileOf(base, root, exists);
  } else return undefined;
  for (let length = rest.length; length >= 0; length--) {
    const dir = join(base, ...rest.slice(0, length));
    const file = length === 0 ? baseFile : [`${dir}.rs`, join(dir, 'mod.rs')].find(exists);
    if (!file) continue;
    if (file === fromFile) return undefined;
    return { module: [first, ...rest.slice(0, length)].join('::'), path: file };
  }
  return undefined;
}

/**
 * A Rust file's module paths (core `rustImports`) as the imports the summary index keeps: each by the module it
 * resolved to (`crate::client`, which the core matches against the file's paths), once per file. `complete` is
 * false when some path resolved to no file (one still to be written, an inline `mod`).
 */
export function resolveRustImports(
  fromFile: string,
  specifiers: readonly string[],
  exists: (path: string) => boolean = isFile,
): { imports: ResolvedImport[]; complete: boolean } {
  const imports = new Map<string, ResolvedImport>();
  let complete = true;
  for (const specifier of specifiers) {
    const found = resolveRustModule(fromFile, specifier, exists);
    if (found) imports.set(`${found.module}\0${found.path}`, { specifier: found.module, path: found.path });
    else complete = false;
  }
  return { imports: [...imports.values()], complete };
}
