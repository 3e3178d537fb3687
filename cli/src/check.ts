import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Analyzer, type AnalyzeOptions } from '../../core/src/index';
import {
  analyseTogether,
  checkFile,
  collectFiles,
  grammarFolder,
  type FileOutcome,
  type FileResult,
  type WalkProblem,
} from '../../host/src/index';
import { checkInWorkers } from './workerPool';

export type { FileResult } from '../../host/src/index';

export interface CheckResult {
  files: FileResult[];
  /** Files that were skipped with a reason: binary, too large, unparsable. Not fatal. */
  skipped: WalkProblem[];
  /** Paths that could not be read at all: the run exits 2. */
  ioErrors: WalkProblem[];
  /** Files that passed the prefilter (`mayMatter`) and went through the rules; the rest could hold no finding. */
  filesPastPrefilter: number;
  /** Set when `--baseline` was applied: how many findings it matched (they are no longer in `files`). */
  baselined?: number;
}

export interface CheckOptions {
  analyze: AnalyzeOptions;
  /** grammars/ (wasm and queries), for the main thread's analyzer and each worker's. */
  grammarDir: string;
  /** Worker threads at most; 1 checks everything on the main thread. */
  jobs: number;
  /** Files and folders met in the walk not to analyse (absolute paths): the config's "ignore". */
  ignored?: (path: string) => boolean;
  /** Called after each file; the listener throttles what it prints. */
  onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  done: number;
  total: number;
  /** Unsuppressed findings so far. */
  findings: number;
}

/**
 * Each worker needs this much input to pay for itself. Workers cost CPU the main thread does not spend:
 * starting one, loading the runtime and grammars again, and parsing on wasm code that has not warmed up
 * (a first large parse is ~1.6× slower). Measured on the project's 2-core machine over Debian crate
 * sources: 2 workers took 0.4–0.9 CPU-seconds more than one thread for 34 MB and for 175 MB alike, so
 * under 2 × 16 MB a second worker cannot win back its cost even with a core to itself.
 */
export const MIN_BYTES_PER_WORKER = 16 * 1024 * 1024;

/** Worker threads for a scan of `totalBytes`: below 2 the main thread does it alone. */
export function workerCount(jobs: number, totalBytes: number, files: number): number {
  const count = Math.min(jobs, files, Math.floor(totalBytes / MIN_BYTES_PER_WORKER));
  return count >= 2 ? count : 1;
}

/** Relative to the working directory when inside it; files elsewhere keep their absolute path. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return resolve(cwd, path).split(sep).join('/');
  return rel.split(sep).join('/');
}

export async function runCheck(paths: string[], options: CheckOptions, cwd = process.cwd()): Promise<CheckResult> {
  const ioErrors: WalkProblem[] = [];
  const walked = collectFiles(paths, ioErrors, options.ignored).map(({ path, size }, index) => ({
    index,
    file: path,
    path: displayPath(path, cwd),
    size,
  }));
  const outcomes: FileOutcome[] = new Array<FileOutcome>(walked.length);
  let done = 0;
  let findings = 0;
  const record = (index: number, outcome: FileOutcome): void => {
    outcomes[index] = outcome;
    done++;
    if (outcome.kind === 'analysed') findings += outcome.result.findings.filter((f) => !f.suppression).length;
  };
  const report = () => options.onProgress?.({ done, total: walked.length, findings });

  const totalBytes = walked.reduce((sum, file) => sum + file.size, 0);
  const workers = workerCount(options.jobs, totalBytes, walked.length);
  if (workers > 1) {
    await checkInWorkers(
      walked,
      workers,
      { grammarDir: options.grammarDir, options: options.analyze },
      (index, outcome) => {
        record(index, outcome);
        report();
      },
    );
  } else {
    const analyzer = new Analyzer(grammarFolder(options.grammarDir));
    for (const { index, file, path } of walked) {
      record(index, await checkFile(analyzer, file, path, options.analyze));
      report();
    }
  }

  await analyseTogether(walked, outcomes, options.analyze, () => new Analyzer(grammarFolder(options.grammarDir)));

  const result: CheckResult = { files: [], skipped: [], ioErrors, filesPastPrefilter: 0 };
  for (const outcome of outcomes) {
    if (outcome.kind === 'analysed') {
      // A related location in another file (a summary's function) is printed as the scan's paths are.
      for (const finding of outcome.result.findings)
        for (const related of finding.related) if (related.file) related.file = displayPath(related.file, cwd);
      result.files.push(outcome.result);
      if (outcome.pastPrefilter) result.filesPastPrefilter++;
    } else if (outcome.kind === 'skipped') result.skipped.push(outcome.problem);
    else result.ioErrors.push(outcome.problem);
  }
  return result;
}

/**
 * Exit code: 2 when a path could not be read (or, `strict`, a file was skipped unanalysed), 1 when an
 * unsuppressed finding is a warning or an error, else 0.
 */
export function exitCodeFor(result: CheckResult, strict = false): number {
  if (result.ioErrors.length > 0 || (strict && result.skipped.length > 0)) return 2;
  const failing = result.files.some((file) =>
    file.findings.some((f) => !f.suppression && (f.severity === 'error' || f.severity === 'warning')),
  );
  return failing ? 1 : 0;
}
