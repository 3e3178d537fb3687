import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Analyzer, languageForPath, type AnalyzeOptions, type Finding, type LanguageId } from '../analysis/index';
import { collectFiles, describeIoError, type WalkProblem } from './walk';

export interface FileResult {
  /** Path relative to the working directory, with `/` separators (what SARIF and humans want). */
  path: string;
  language: LanguageId;
  text: string;
  findings: Finding[];
}

export interface CheckResult {
  files: FileResult[];
  /** Files that were skipped with a reason: binary, too large, unparsable. Not fatal. */
  skipped: WalkProblem[];
  /** Paths that could not be read at all: the run exits 2. */
  ioErrors: WalkProblem[];
}

/** Files whose first 8 KiB hold a NUL byte are binary (what git and grep assume). */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8192).includes(0);
}

/** Relative to the working directory when inside it; files elsewhere keep their absolute path. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return resolve(cwd, path).split(sep).join('/');
  return rel.split(sep).join('/');
}

export async function runCheck(
  analyzer: Analyzer,
  paths: string[],
  options: AnalyzeOptions,
  cwd = process.cwd(),
): Promise<CheckResult> {
  const ioErrors: WalkProblem[] = [];
  const skipped: WalkProblem[] = [];
  const files: FileResult[] = [];
  for (const file of await collectFiles(paths, ioErrors)) {
    const language = languageForPath(file) as LanguageId;
    const path = displayPath(file, cwd);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      ioErrors.push({ path, message: describeIoError(error) });
      continue;
    }
    if (looksBinary(bytes)) {
      skipped.push({ path, message: 'binary file (NUL bytes); skipped' });
      continue;
    }
    const text = bytes.toString('utf8');
    try {
      files.push({ path, language, text, findings: await analyzer.analyze(text, language, options) });
    } catch (error) {
      skipped.push({ path, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { files, skipped, ioErrors };
}

/** Exit code: 2 when a path could not be read, 1 when an unsuppressed finding is a warning or an error, else 0. */
export function exitCodeFor(result: CheckResult): number {
  if (result.ioErrors.length > 0) return 2;
  const failing = result.files.some((file) =>
    file.findings.some((f) => !f.suppression && (f.severity === 'error' || f.severity === 'warning')),
  );
  return failing ? 1 : 0;
}
