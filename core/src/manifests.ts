// Project manifests, read from text the host hands in (the core opens no files): which package or crate a
// file belongs to and what it depends on. That is how the rules know the D-Bus library of a file that
// never imports it — a library's own sources, a bundle, a module handed its bus by another file.
import { parse as parseJsonc } from 'jsonc-parser';

/** What a file's nearest manifest says about its project. */
export interface ProjectContext {
  /** Where it was read (a path or uri), for messages. */
  manifest: string;
  /** The package's or crate's own name (`name` in package.json, `[package] name` in Cargo.toml). */
  name?: string;
  /** Its own version, where the manifest gives one. */
  version?: string;
  /**
   * Its run-time dependencies (not dev or build ones: those serve its tests and tools, whose files import what
   * they use), by the name the registry knows them (a Cargo `package = "…"` rename is resolved), each with its
   * version requirement — or the locked version where a lockfile gave one.
   */
  dependencies: Readonly<Record<string, string>>;
}

const NPM_DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** package.json → a ProjectContext; undefined when the text is not a JSON object. */
export function parsePackageManifest(text: string, manifest: string): ProjectContext | undefined {
  const json: unknown = parseJsonc(text);
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  const dependencies: Record<string, string> = {};
  for (const field of NPM_DEPENDENCY_FIELDS) {
    const table = record[field];
    if (!table || typeof table !== 'object') continue;
    for (const [name, version] of Object.entries(table as Record<string, unknown>)) {
      // `"dbus": "npm:@scope/dbus-next@^0.11"` installs the aliased package under another name.
      const alias = typeof version === 'string' ? /^npm:((?:@[^/@]+\/)?[^@]+)(?:@(.*))?$/.exec(version) : null;
      if (alias) dependencies[alias[1]] = alias[2] ?? '*';
      else dependencies[name] = typeof version === 'string' ? version : '*';
    }
  }
  return stripUndefinedFields({
    manifest,
    name: typeof record.name === 'string' ? record.name : undefined,
    version: typeof record.version === 'string' ? record.version : undefined,
    dependencies,
  });
}

/**
 * Cargo.toml → a ProjectContext. Reads the subset of TOML that names a crate and its run-time dependencies:
 * `[package]`, `[dependencies]` and its `[target.….dependencies]` forms, `[dependencies.NAME]` tables, and
 * `name = "1"` / `name = { version = "1", package = "real" }` entries.
 */
export function parseCargoManifest(text: string, manifest: string): ProjectContext {
  const dependencies: Record<string, string> = {};
  let name: string | undefined;
  let version: string | undefined;
  let section = '';
  let table: { key: string; version: string; package?: string } | undefined;
  const closeTable = () => {
    if (table) dependencies[table.package ?? table.key] = table.version;
    table = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = stripTomlComment(raw).trim();
    if (!line) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      closeTable();
      section = header[1].replace(/\s+/g, '');
      const single = /^(?:target\.(?:'[^']*'|"[^"]*"|[^.]+)\.)?dependencies\.("?)([\w-]+)\1$/.exec(section);
      if (single) table = { key: single[2], version: '*' };
      continue;
    }
    const entry = /^("?)([\w-]+)\1\s*=\s*(.*)$/.exec(line);
    if (!entry) continue;
    const [, , key, value] = entry;
    if (section === 'package' && key === 'name') name = tomlString(value) ?? name;
    else if (section === 'package' && key === 'version') version = tomlString(value) ?? version;
    else if (table) {
      if (key === 'version') table.version = tomlString(value) ?? table.version;
      if (key === 'package') table.package = tomlString(value);
    } else if (/^(?:target\.(?:'[^']*'|"[^"]*"|[^.]+)\.)?dependencies$/.test(section)) {
      const inline = /^\{(.*)\}$/.exec(value);
      const fields = inline ? inlineTable(inline[1]) : {};
      dependencies[fields.package ?? key] = inline ? (fields.version ?? '*') : (tomlString(value) ?? '*');
    }
  }
  closeTable();
  return stripUndefinedFields({ manifest, name, version, dependencies });
}

/**
 * A lockfile's versions laid over a manifest's requirements: Cargo.lock's `[[package]]` entries, or
 * package-lock.json's `packages[…]`, resolved as Node resolves a require from the project: the nearest
 * `node_modules/NAME` above it (`from`, the project's folder relative to the lockfile's: a package installed in
 * `node_modules/a` that has its own `node_modules/a/node_modules/NAME` loads that one, not the top-level copy).
 * Only dependencies the manifest names are touched.
 */
export function withLockedVersions(project: ProjectContext, lockText: string, from = ''): ProjectContext {
  const locked = new Map<string, string>();
  if (/^\s*\{/.test(lockText)) {
    const json = parseJsonc(lockText) as { packages?: Record<string, { version?: string }> } | undefined;
    const packages = json?.packages ?? {};
    const folders = from.split('/').filter(Boolean);
    for (const name of Object.keys(project.dependencies)) {
      for (let depth = folders.length; depth >= 0; depth--) {
        const prefix = folders.slice(0, depth).join('/');
        const version = packages[`${prefix ? `${prefix}/` : ''}node_modules/${name}`]?.version;
        if (typeof version === 'string') {
          locked.set(name, version);
          break;
        }
      }
    }
  } else {
    for (const block of lockText.split(/^\[\[package\]\]\s*$/m).slice(1)) {
      const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
      const version = /^version\s*=\s*"([^"]+)"/m.exec(block)?.[1];
      // Two versions of one crate: the requirement cannot say which a file uses, so keep the requirement.
      if (name && version) locked.set(name, locked.has(name) ? '' : version);
    }
  }
  const dependencies: Record<string, string> = {};
  for (const [name, requirement] of Object.entries(project.dependencies))
    dependencies[name] = locked.get(name) || requirement;
  return { ...project, dependencies };
}

function stripTomlComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return line.slice(0, i);
  }
  return line;
}

function tomlString(value: string): string | undefined {
  return /^"((?:[^"\\]|\\.)*)"|^'([^']*)'/
    .exec(value.trim())
    ?.slice(1)
    .find((s) => s !== undefined);
}

function inlineTable(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*')/g)) out[m[1]] = tomlString(m[2]) ?? '';
  return out;
}

function stripUndefinedFields(project: ProjectContext): ProjectContext {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(project)) if (value !== undefined) out[key] = value;
  return out as unknown as ProjectContext;
}

/**
 * The lowest version a requirement admits (`^0.16.1`, `~0.14`, `>=0.14 <1`, a locked `0.16.1`), as numbers;
 * undefined where it names none (`*`, `latest`, a git or file source).
 */
export function lowestVersion(requirement: string): number[] | undefined {
  const m = /(?:^|[\s^~=>v])(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(` ${requirement}`);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

/** a ≥ b, comparing [major, minor, patch]. */
export function versionAtLeast(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}
