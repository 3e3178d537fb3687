// The dbus-lint.json of each workspace folder (the file the CLI reads too), and the baseline a folder uses:
// the `dbusLint.baseline` setting, else the config's "baseline". Both are re-read when the client reports a
// change of either file; a problem in one is said where it is, and the defaults are used meanwhile.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaselineError, CONFIG_FILE_NAME, type BaselineEntry } from '../../../core/src/index';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import {
  configIgnores,
  loadConfigFile,
  readBaselineFile,
  relativeInside,
  type LoadedConfig,
} from '../../../host/src/index';
import { CONFIG_PROBLEM_CODE, SOURCE } from '../../../protocol/src/index';

export interface FolderConfig {
  /** The workspace folder's path. */
  dir: string;
  /** Its dbus-lint.json, when it has one. */
  loaded?: LoadedConfig;
  /** Whether the config's "ignore" leaves this path (absolute) out. */
  ignored(path: string): boolean;
}

export interface BaselineState {
  /** The baseline's path as the user named it, for messages. */
  shownAs: string;
  entries: BaselineEntry[];
}

/** The path of a `file:` uri; undefined for other schemes (untitled, remote) and malformed ones. */
export function filePath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export class ProjectConfigs {
  private folders: FolderConfig[] = [];
  private readonly baselines = new Map<string, BaselineState | BaselineError>();

  /** Reads each folder's dbus-lint.json (again); returns the configs, for their problems to be published. */
  load(folderUris: readonly string[]): FolderConfig[] {
    this.baselines.clear();
    this.folders = folderUris
      .map(filePath)
      .filter((dir): dir is string => dir !== undefined)
      // Longest first, so a nested folder wins over the one around it.
      .sort((a, b) => b.length - a.length)
      .map((dir) => {
        const path = join(dir, CONFIG_FILE_NAME);
        const loaded = existsSync(path) ? loadConfigFile(path) : undefined;
        return { dir, loaded, ignored: loaded ? configIgnores(loaded) : () => false };
      });
    return this.folders;
  }

  /** The folder holding a document, if any. */
  forDocument(uri: string): FolderConfig | undefined {
    const path = filePath(uri);
    return path === undefined
      ? undefined
      : this.folders.find((folder) => relativeInside(folder.dir, path) !== undefined);
  }

  /** Whether the document is ignored by its folder's config. */
  isIgnored(uri: string): boolean {
    const path = filePath(uri);
    return path !== undefined && (this.forDocument(uri)?.ignored(path) ?? false);
  }

  /** The document's path relative to its folder (`/` separators), as `dbus-lint check` run there names it. */
  relativePath(uri: string): string {
    const path = filePath(uri) ?? uri;
    const folder = this.forDocument(uri);
    return (folder && relativeInside(folder.dir, path)) ?? path;
  }

  /**
   * The baseline for a document: the setting's file (relative to the folder) over the config's (relative to
   * the config). A BaselineError says why the named file cannot be used.
   */
  baselineFor(uri: string, setting: string | undefined): BaselineState | BaselineError | undefined {
    const folder = this.forDocument(uri);
    const named = setting ?? folder?.loaded?.config.baseline;
    if (named === undefined) return undefined;
    const base = setting !== undefined ? folder?.dir : folder?.loaded?.dir;
    const path = base ? resolve(base, named) : named;
    if (!isAbsolute(path))
      return new BaselineError(`the baseline "${named}" is relative, but the file is in no workspace folder`);
    let state = this.baselines.get(path);
    if (!state) {
      try {
        state = { shownAs: named, entries: readBaselineFile(path, named) };
      } catch (error) {
        state = error instanceof BaselineError ? error : new BaselineError(String(error));
      }
      this.baselines.set(path, state);
    }
    return state;
  }

  /** A file changed: is it a folder's dbus-lint.json (there or not), or a baseline in use (read or missing)? */
  concerns(uri: string): boolean {
    const path = filePath(uri);
    if (path === undefined) return false;
    return this.folders.some((folder) => join(folder.dir, CONFIG_FILE_NAME) === path) || this.baselines.has(path);
  }
}

/** A folder config's problems as diagnostics on dbus-lint.json (none: clears what was shown). */
export function configDiagnostics(loaded: LoadedConfig): Diagnostic[] {
  return loaded.problems.map((problem) => ({
    range: problem.range,
    severity: DiagnosticSeverity.Warning,
    source: SOURCE,
    code: CONFIG_PROBLEM_CODE,
    message: problem.message,
  }));
}
