// Types shared by the analysis core and everything built on it (LSP server, CLI, replay).
// Deliberately free of LSP types so the core stays usable from any host.

/** Languages the core parses. `tsx` and `javascript` get their own grammars because TS's grammar misparses JSX. */
export type LanguageId = 'rust' | 'typescript' | 'tsx' | 'javascript';

import type { RuleId } from './rules/registry';
import type { ProjectContext } from './manifests';
import type { ImportedModule } from './summaries';

export type { RuleId };

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A severity setting: a severity, or `off` to disable the rule. */
export type SeveritySetting = Severity | 'off';

/** Every severity setting, as settings and the CLI's `--rule` accept them. */
export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

export function isSeveritySetting(value: unknown): value is SeveritySetting {
  return typeof value === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(value);
}

/** 0-based line, character offset in UTF-16 code units (LSP's default and what web-tree-sitter counts). */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** A mechanical fix; applying all edits must leave code that still parses. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedLocation {
  range: Range;
  message: string;
  /** Another file's location (as the host named the file in `imported`); absent for this file. */
  file?: string;
}

/** What is statically known about the D-Bus call a finding is about; the live replay reads it. */
export interface CallData {
  library?: string;
  bus?: 'session' | 'system';
  destination?: string;
  path?: string;
  interface?: string;
  member?: string;
  signature?: string;
  args?: unknown[];
}

export interface Suppression {
  kind: 'inSource';
  justification: string;
}

export interface Finding {
  ruleId: RuleId;
  /**
   * Absent for a rule's finding. `unused-suppression`: a `dbus-lint-ignore` comment for `ruleId`
   * that suppressed nothing (severity `hint`; editors show it faded, CLI and SARIF list it apart).
   */
  kind?: 'unused-suppression';
  severity: Severity;
  range: Range;
  message: string;
  related: RelatedLocation[];
  data: CallData;
  fixes: Fix[];
  /** Inserts `// dbus-lint-ignore-next-line <rule-id>: <reason>` above the finding's line, indented like it. */
  suppressFix?: Fix;
  /** Set when an in-source comment suppresses the finding; hosts decide whether to show it. */
  suppression?: Suppression;
}

export interface AnalyzeOptions {
  /** Per-rule severity overrides; a missing entry keeps the registry default. */
  severities?: Partial<Record<RuleId, SeveritySetting>>;
  /** Files larger than this (in UTF-16 code units) are not parsed; `analyze` throws FileTooLargeError. */
  maxFileSize?: number;
  /** A parse taking longer than this (ms) is abandoned; `analyze` throws ParseTimeoutError. */
  maxParseMs?: number;
  /** The rules' time on one file version (ms, after the parse); past it `analyze` throws AnalysisTimeoutError. */
  maxAnalysisMs?: number;
  /**
   * Run every enabled rule's check on the file even where its `mayApply` text test says it cannot apply.
   * Only for proving that those tests (and the CLI's prefilter) never drop a finding: it parses every file.
   */
  skipPrefilter?: boolean;
  /** The file's project manifest, as the host read it: which D-Bus libraries the file's code may use. */
  project?: ProjectContext;
  /**
   * The files this one imports with their function summaries (the host resolves `relativeImports` and keeps each
   * file's `summaries`): calls of their functions that wait forever are findings here too.
   */
  imported?: ImportedModule[];
}

export const DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024;

/** Far above a 2 MB file's parse (≈ 0.3 s at the measured 7 MB/s): only pathological input or a stalled machine hits it. */
export const DEFAULT_MAX_PARSE_MS = 5000;

/** Why a file got no analysis: hosts show the message instead of findings (it names what to change). */
export class NotAnalysedError extends Error {}

export class ParseTimeoutError extends NotAnalysedError {
  constructor(readonly limitMs: number) {
    super(
      `file not analysed: parsing took over ${limitMs} ms, the analysis time cap (raise dbusLint.maxParseMs to wait longer, or split the file)`,
    );
    this.name = 'ParseTimeoutError';
  }
}

/** Like the parse cap: far above any real file's rule time (milliseconds), reached only by pathological input. */
export const DEFAULT_MAX_ANALYSIS_MS = 5000;

export class AnalysisTimeoutError extends NotAnalysedError {
  constructor(readonly limitMs: number) {
    super(
      `file not analysed: the rules took over ${limitMs} ms, the analysis time cap (raise dbusLint.maxAnalysisMs or --max-analysis-ms to wait longer, or split the file)`,
    );
    this.name = 'AnalysisTimeoutError';
  }
}

/**
 * The tree nests deeper than tree-sitter's queries read (their match states count depth in 16 bits): calls
 * below that depth are invisible to every rule, so the file is reported as not analysed rather than clean.
 */
export class TooDeepError extends NotAnalysedError {
  constructor(readonly limit: number) {
    super(
      `file not analysed: its syntax nests more than ${limit} levels deep, past what the analysis can read (split the deeply nested expression)`,
    );
    this.name = 'TooDeepError';
  }
}

/** How much of a file's start the binary test reads (what git and grep read). */
export const BINARY_PROBE_LENGTH = 8192;

/** A NUL in the first 8 KiB marks a binary file, as for git and grep: parsing one costs much and finds nothing. */
export function looksBinary(text: string): boolean {
  return text.lastIndexOf('\0', BINARY_PROBE_LENGTH - 1) >= 0;
}

export class BinaryFileError extends NotAnalysedError {
  constructor() {
    super('file not analysed: binary file (NUL bytes in its first 8 KiB)');
    this.name = 'BinaryFileError';
  }
}

/** Why `text` is not analysed before any parse (over the size cap `maxFileSize`, or binary), or undefined. */
export function screeningError(text: string, options: AnalyzeOptions): NotAnalysedError | undefined {
  const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (text.length > limit) return new FileTooLargeError(text.length, limit);
  return looksBinary(text) ? new BinaryFileError() : undefined;
}

export class FileTooLargeError extends NotAnalysedError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(
      `file not analysed: ${size} characters is over the ${limit}-character limit (raise dbusLint.maxFileSize or --max-file-size to analyse it)`,
    );
    this.name = 'FileTooLargeError';
  }
}
