// The modules of its own crate a Rust file names: its `use` declarations, its `mod a;` declarations and its path
// calls (`crate::a::f(…)`, `client::f(…)`). Pure text work: the host resolves the paths to files (host
// rustModules.ts), the call-without-timeout rule reads the bindings to tell which imported function a call runs.

/** A module path as written from this file, normalised: it starts with `crate`, `self` or `super`. */
export type ModulePath = readonly string[];

export interface RustModuleRefs {
  /** `use crate::a::f;` → f ↦ [crate, a, f]; `use super::b::{g as h}` → h ↦ [super, b, g]. */
  bindings: ReadonlyMap<string, ModulePath>;
  /** `use crate::a::*;` → [crate, a]. */
  globs: readonly ModulePath[];
  /** `mod a;` (a module in a file of its own). */
  mods: readonly string[];
  /** Paths of calls (`a::b::f(`), each as written, the called name included. */
  calls: readonly (readonly string[])[];
}

const ROOTS = new Set(['crate', 'self', 'super']);

/**
 * Comments and string literals out, so a path in a doc comment or a message is no reference; and the bodies of
 * inline modules (`mod tests { use super::*; … }`), whose `super` and `self` are not the file's.
 */
function code(text: string): string {
  const source = text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\]|\\.)*"/g, (m) =>
    m.startsWith('"') ? '""' : ' ',
  );
  let out = '';
  let from = 0;
  for (const m of source.matchAll(INLINE_MOD)) {
    if (m.index < from) continue;
    let depth = 0;
    let end = source.length;
    for (let i = m.index + m[0].length - 1; i < source.length; i++) {
      if (source[i] === '{') depth++;
      else if (source[i] === '}' && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    out += source.slice(from, m.index);
    from = end;
  }
  return out + source.slice(from);
}

const INLINE_MOD = /\bmod\s+[A-Za-z_]\w*\s*\{/g;

const USE = /(?:^|[;{}\s])(?:pub(?:\s*\([^)]*\))?\s+)?use\s+([^;]+);/g;
const MOD = /(?:^|[;{}\s])(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;/g;
const PATH_CALL = /(?<![\w:])((?:[A-Za-z_]\w*\s*::\s*)+[A-Za-z_]\w*)\s*(?:::\s*<[^()]*>\s*)?\(/g;

/** `a::{b, c as d, e::*}` → the paths it binds (name ↦ path) and its globs. */
function useTree(tree: string, prefix: string[], bindings: Map<string, string[]>, globs: string[][]): void {
  const text = tree.trim();
  const brace = text.indexOf('{');
  if (brace >= 0 && text.endsWith('}')) {
    const head = text
      .slice(0, brace)
      .split('::')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const part of splitTopLevel(text.slice(brace + 1, -1))) useTree(part, [...prefix, ...head], bindings, globs);
    return;
  }
  const alias = /^(.*?)\s+as\s+([A-Za-z_]\w*)$/.exec(text);
  const segments = (alias ? alias[1] : text)
    .split('::')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (segments.length === 0) return;
  if (segments.at(-1) === '*') {
    globs.push([...prefix, ...segments.slice(0, -1)]);
    return;
  }
  // `use a::{self}` binds `a`.
  const path =
    segments.at(-1) === 'self' && prefix.length + segments.length > 1
      ? [...prefix, ...segments.slice(0, -1)]
      : [...prefix, ...segments];
  const name = alias?.[2] ?? path.at(-1);
  if (name && name !== '_' && !ROOTS.has(name)) bindings.set(name, path);
}

/** `b, c::{d, e}, f` → its parts, split at the commas outside braces. */
function splitTopLevel(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '{') depth++;
    else if (list[i] === '}') depth--;
    else if (list[i] === ',' && depth === 0) {
      out.push(list.slice(start, i));
      start = i + 1;
    }
  }
  out.push(list.slice(start));
  return out.filter((part) => part.trim() !== '');
}

/** What a piece of Rust (a file, or one top-level item) says of the modules it names. */
export function rustModuleRefs(text: string): RustModuleRefs {
  return refsOf(code(text), PATH_CALL);
}

function refsOf(source: string, pathCall: RegExp | ((refs: Omit<RustModuleRefs, 'calls'>) => RegExp)): RustModuleRefs {
  const raw = new Map<string, string[]>();
  const rawGlobs: string[][] = [];
  for (const m of source.matchAll(USE)) useTree(m[1] ?? '', [], raw, rawGlobs);
  const mods = [...source.matchAll(MOD)].map((m) => m[1] ?? '').filter((name) => name !== '');
  const pattern = typeof pathCall === 'function' ? pathCall({ bindings: raw, globs: rawGlobs, mods }) : pathCall;
  const calls = [...source.matchAll(pattern)].map((m) => (m[1] ?? '').split('::').map((s) => s.trim()));
  return { bindings: raw, globs: rawGlobs, mods, calls };
}

/**
 * Only the path calls `expandPath` can place in this crate: those starting at a root, a `mod` of the file or a
 * name a `use` binds. Looking for these first segments alone is what keeps a keystroke's import check cheap in a
 * large file full of `std::…::f(` calls.
 */
function ownPathCalls(refs: Omit<RustModuleRefs, 'calls'>, ownCrate?: string): RegExp {
  const roots = ownCrate ? [...ROOTS, ownCrate] : [...ROOTS];
  const local = (path: ModulePath) => roots.includes(path[0] ?? '') || refs.mods.includes(path[0] ?? '');
  const bound = [...refs.bindings].filter(([, path]) => local(path)).map(([name]) => name);
  const firsts = [...roots, ...refs.mods, ...bound].filter((name) => /^[A-Za-z_]\w*$/.test(name));
  return new RegExp(
    `(?<![\\w:])((?:${firsts.join('|')})\\s*::\\s*(?:[A-Za-z_]\\w*\\s*::\\s*)*[A-Za-z_]\\w*)\\s*(?:::\\s*<[^()]*>\\s*)?\\(`,
    'g',
  );
}

/** Several items' references as one file's. */
export function mergeModuleRefs(parts: readonly RustModuleRefs[]): RustModuleRefs {
  const bindings = new Map<string, ModulePath>();
  for (const part of parts) for (const [name, path] of part.bindings) bindings.set(name, path);
  return {
    bindings,
    globs: parts.flatMap((p) => p.globs),
    mods: parts.flatMap((p) => p.mods),
    calls: parts.flatMap((p) => p.calls),
  };
}

/**
 * A path as this file's own crate sees it: `crate::…`, `self::…`, `super::…` as written; `a::…` where `a` is a
 * `mod a;` of the file → `self::a::…`; `b::…` where `use crate::x::b;` binds `b` → `crate::x::b::…`. Undefined
 * for anything else (another crate's path, a local name).
 */
export function expandPath(
  segments: readonly string[],
  refs: RustModuleRefs,
  ownCrate?: string,
): ModulePath | undefined {
  const [first, ...rest] = segments;
  if (!first) return undefined;
  const isRoot = (name: string | undefined) => ROOTS.has(name ?? '') || (!!ownCrate && name === ownCrate);
  if (isRoot(first)) return segments;
  if (refs.mods.includes(first)) return ['self', ...segments];
  const bound = refs.bindings.get(first);
  if (bound && isRoot(bound[0])) return [...bound, ...rest];
  // `use client::helper;` in the file that declares `mod client;` (2018 paths start at the current module).
  if (bound && refs.mods.includes(bound[0] ?? '')) return ['self', ...bound, ...rest];
  return undefined;
}

/**
 * The module paths a Rust file names in its own crate (`crate::client::helper`, `self::client`, `super::x`): the
 * host resolves each to the file of its longest prefix that is a module, whose summaries then apply here.
 */
export function rustImports(text: string, ownCrate?: string): string[] {
  return importsOf(
    refsOf(code(text), (refs) => ownPathCalls(refs, ownCrate)),
    ownCrate,
  );
}

/**
 * The paths `rustImports` lists, from a file's whole references (what it must equal: checked in the tests).
 * `ownCrate`: the package's library crate by name (`app` for `use app::client::helper` in its main.rs, a test or
 * an example), whose paths are kept as written for the host to resolve from the library's root.
 */
export function importsOf(refs: RustModuleRefs, ownCrate?: string): string[] {
  const out = new Set<string>();
  const add = (path: ModulePath | undefined) => {
    if (path && path.length > 1) out.add(path.join('::'));
  };
  for (const path of refs.bindings.values()) add(expandPath(path, refs, ownCrate));
  for (const glob of refs.globs) add(expandPath(glob, refs, ownCrate));
  for (const name of refs.mods) add(['self', name]);
  for (const call of refs.calls) add(expandPath(call, refs, ownCrate));
  return [...out].sort();
}

/** The library crate's name as paths write it: Cargo's `[package] name` with `-` as `_`. */
export function crateIdentifier(packageName: string | undefined): string | undefined {
  const name = packageName?.replace(/-/g, '_');
  return name && /^[A-Za-z_]\w*$/.test(name) && !ROOTS.has(name) ? name : undefined;
}
