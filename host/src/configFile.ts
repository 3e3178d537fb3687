import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  CONFIG_FILE_NAME,
  ignoreMatcher,
  parseProjectConfig,
  type ConfigProblem,
  type ProjectConfig,
} from '../../core/src/index';

export interface LoadedConfig {
  /** The config file's absolute path. */
  path: string;
  /** Its folder: "ignore" globs and "baseline" are relative to it. */
  dir: string;
  config: ProjectConfig;
  problems: ConfigProblem[];
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The nearest `dbus-lint.json` in `dir` or a folder above it, or undefined. */
export function findConfigFile(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const candidate = join(at, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

/** Reads and checks a config file; an unreadable one is a problem on its first line, with the defaults used. */
export function loadConfigFile(path: string): LoadedConfig {
  const dir = dirname(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const message = `${path} cannot be read (${(error as Error).message}); the defaults are used`;
    return { path, dir, config: { rules: {}, ignore: [] }, problems: [{ message, range }] };
  }
  return { path, dir, ...parseProjectConfig(text) };
}

/** `path` relative to `dir` with `/` separators, or undefined when it is not below `dir`. */
export function relativeInside(dir: string, path: string): string | undefined {
  const rel = relative(dir, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

/** Whether the config's "ignore" leaves out an absolute path (its globs are relative to the config's folder). */
export function configIgnores(loaded: LoadedConfig): (path: string) => boolean {
  const matches = ignoreMatcher(loaded.config.ignore);
  return (path) => {
    const rel = relativeInside(loaded.dir, path);
    return rel !== undefined && matches(rel);
  };
}
