import {
  DEFAULT_MAX_ANALYSIS_MS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_PARSE_MS,
  isSeveritySetting,
  RULES,
  type AnalyzeOptions,
  type ProjectConfig,
  type RuleId,
  type SeveritySetting,
} from '../../../core/src/index';

/** How findings in the baseline are shown: as hints (out of the Problems panel), or not at all. */
export type BaselinedFindings = 'hint' | 'hide';

/**
 * The `dbusLint` settings section as the server uses it; package.json `contributes.configuration` declares it.
 * `severities`, `maxFileSize` and `baseline` hold only what the user set: what is not set comes from
 * dbus-lint.json, then the defaults (VS Code's client sends only the values set, see client/src/settingsSection.ts).
 */
export interface ServerSettings {
  severities: Partial<Record<RuleId, SeveritySetting>>;
  maxFileSize?: number;
  maxParseMs: number;
  maxAnalysisMs: number;
  debounceMs: number;
  /** A baseline SARIF file, relative to the workspace folder: overrides dbus-lint.json's. */
  baseline?: string;
  baselinedFindings: BaselinedFindings;
  /** Build the workspace index (function summaries across files) in the background. Window-wide. */
  workspaceIndex: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  severities: {},
  maxParseMs: DEFAULT_MAX_PARSE_MS,
  maxAnalysisMs: DEFAULT_MAX_ANALYSIS_MS,
  debounceMs: 200,
  baselinedFindings: 'hint',
  workspaceIndex: true,
};

/**
 * Reads the raw `dbusLint` section (as VS Code, Neovim or any client sends it) into ServerSettings;
 * unknown or ill-typed values fall back to defaults rather than breaking analysis.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const section = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const rules = (section.rules && typeof section.rules === 'object' ? section.rules : {}) as Record<string, unknown>;
  const severities: Partial<Record<RuleId, SeveritySetting>> = {};
  for (const rule of RULES) {
    const entry = rules[rule.id] as { severity?: unknown } | undefined;
    const severity = entry?.severity;
    if (isSeveritySetting(severity)) severities[rule.id] = severity;
  }
  const number = (value: unknown, min: number) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min ? value : undefined;
  const baseline =
    typeof section.baseline === 'string' && section.baseline.trim() !== '' ? section.baseline : undefined;
  return {
    severities,
    maxFileSize: number(section.maxFileSize, 1),
    maxParseMs: number(section.maxParseMs, 1) ?? DEFAULT_SETTINGS.maxParseMs,
    maxAnalysisMs: number(section.maxAnalysisMs, 1) ?? DEFAULT_SETTINGS.maxAnalysisMs,
    debounceMs: number(section.debounceMs, 0) ?? DEFAULT_SETTINGS.debounceMs,
    baseline,
    baselinedFindings: section.baselinedFindings === 'hide' ? 'hide' : 'hint',
    workspaceIndex: section.workspaceIndex !== false,
  };
}

/** The analysis options of a document: its settings over its project's dbus-lint.json over the defaults. */
export function analysisOptions(settings: ServerSettings, project: ProjectConfig | undefined): AnalyzeOptions {
  return {
    severities: { ...project?.rules, ...settings.severities },
    maxFileSize: settings.maxFileSize ?? project?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    maxParseMs: settings.maxParseMs,
    maxAnalysisMs: settings.maxAnalysisMs,
  };
}
