import { readFileSync } from 'node:fs';
import {
  BINARY_PROBE_LENGTH,
  languageForPath,
  mayMatter,
  relativeImports,
  rustImports,
  crateIdentifier,
  screeningError,
  type FunctionSummary,
  type Analyzer,
  type AnalyzeOptions,
  type Finding,
  type LanguageId,
} from '../../core/src/index';
import { ProjectManifests } from './projectManifests';
import { describeIoError, type WalkProblem } from './walk';

/** One per process (the main thread, each worker): a scan reads each folder's manifest once. */
const manifests = new ProjectManifests();

export interface FileResult {
  /** Path relative to the working directory, with `/` separators (what SARIF and humans want). */
  path: string;
  language: LanguageId;
  /**
   * The file's text when it has findings (SARIF fingerprints quote the flagged lines), else empty:
   * a workspace scan keeps no text it will not print, and a worker sends none back.
   */
  text: string;
  findings: Finding[];
  /**
   * `fingerprints(text, findings)` of the whole file, aligned with `findings`, once a baseline has taken some
   * findings out (their occurrence indices count the ones taken out); else computed when SARIF needs them.
   */
  fingerprints?: string[];
}

/** What became of one file; plain data, so a worker can post it to the main thread. */
export type FileOutcome =
  | {
      kind: 'analysed';
      result: FileResult;
      /** it passed `mayMatter` and went through `analyze` */ pastPrefilter: boolean;
      /** What calling its functions does (summaries.ts), for the files importing it. */
      summaries: FunctionSummary[];
      /** Its relative imports as written (`./d-bus.js`): the scan resolves them against the files it walked. */
      imports: string[];
    }
  | { kind: 'skipped'; problem: WalkProblem }
  | { kind: 'ioError'; problem: WalkProblem };

/** The core's binary test (`looksBinary`) on the bytes, before any is decoded. */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE_LENGTH).includes(0);
}

/**
 * Reads, screens and analyses one file: the same steps, in the same order, whether the main thread or a
 * worker runs them, so both report every file alike. `file` is the path to open, `path` the one to print.
 */
export async function checkFile(
  analyzer: Analyzer,
  file: string,
  path: string,
  options: AnalyzeOptions,
): Promise<FileOutcome> {
  const language = languageForPath(file) as LanguageId;
  let bytes: Buffer;
  try {
    // Synchronous: one read per file with no thread-pool round trip; a scan has nothing else to do meanwhile.
    bytes = readFileSync(file);
  } catch (error) {
    return { kind: 'ioError', problem: { path, message: describeIoError(error) } };
  }
  if (looksBinary(bytes)) return { kind: 'skipped', problem: { path, message: 'binary file (NUL bytes); skipped' } };
  const text = bytes.toString('utf8');
  // The size cap comes before the prefilter, as in `analyze`: a file over it is reported either way.
  const tooLarge = screeningError(text, options);
  if (tooLarge) return { kind: 'skipped', problem: { path, message: tooLarge.message } };
  // The manifest says which D-Bus library a file uses where the file itself does not import one.
  const project = options.project ?? manifests.forFile(file, language);
  const imports = language === 'rust' ? rustImports(text, crateIdentifier(project?.name)) : relativeImports(text);
  if (!options.skipPrefilter && !mayMatter(text, { project, imported: options.imported }))
    return {
      kind: 'analysed',
      result: { path, language, text: '', findings: [] },
      pastPrefilter: false,
      summaries: [],
      imports,
    };
  try {
    const { findings, summaries } = await analyzer.analyzeFile(text, language, { ...options, project });
    return {
      kind: 'analysed',
      result: { path, language, text: findings.length > 0 ? text : '', findings },
      pastPrefilter: true,
      summaries,
      imports,
    };
  } catch (error) {
    return { kind: 'skipped', problem: { path, message: error instanceof Error ? error.message : String(error) } };
  }
}
