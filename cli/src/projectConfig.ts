// `check` reads dbus-lint.json (the one the editor reads too): the nearest in the working directory or a
// folder above, or the file `--config` names. Flags override it for the run; a problem in it is said on
// stderr with its line, and that part falls back to its default.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProjectConfig } from '../../core/src/index';
import { configIgnores, findConfigFile, loadConfigFile, type LoadedConfig } from '../../host/src/index';
import { displayPath } from './check';
import { UsageError, type Io } from './usage';

export interface CheckConfig {
  loaded?: LoadedConfig;
  config: ProjectConfig;
  /** Walked paths (relative to the working directory or absolute) that "ignore" leaves out. */
  ignored: (path: string) => boolean;
  /** The config's "baseline", relative to the working directory as a user would type it. */
  baseline?: string;
}

export function readCheckConfig(io: Io, options: { config?: string; noConfig?: boolean }): CheckConfig {
  const empty: CheckConfig = { config: { rules: {}, ignore: [] }, ignored: () => false };
  if (options.noConfig) return empty;
  const path = options.config !== undefined ? resolve(io.cwd, options.config) : findConfigFile(io.cwd);
  if (!path) return empty;
  if (options.config !== undefined && !existsSync(path))
    throw new UsageError(`--config ${options.config}: no such file; name a dbus-lint.json or leave --config out`);
  const loaded = loadConfigFile(path);
  const shown = displayPath(path, io.cwd);
  for (const problem of loaded.problems) {
    const { line, character } = problem.range.start;
    io.stderr(`dbus-lint: ${shown}:${line + 1}:${character + 1}: ${problem.message}\n`);
  }
  const ignores = configIgnores(loaded);
  const ignored = (walked: string): boolean => ignores(resolve(io.cwd, walked));
  const baseline = loaded.config.baseline && displayPath(resolve(loaded.dir, loaded.config.baseline), io.cwd);
  return { loaded, config: loaded.config, ignored, baseline };
}
