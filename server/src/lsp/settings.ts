import {
  DEFAULT_MAX_ANALYSIS_MS,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_PARSE_MS,
  isSeveritySetting,
  RULES,
  type RuleId,
  type SeveritySetting,
} from '../../../core/src/index';

/** The `dbusLint` settings section as the server uses it; package.json `contributes.configuration` declares it. */
export interface ServerSettings {
  severities: Partial<Record<RuleId, SeveritySetting>>;
  maxFileSize: number;
  maxParseMs: number;
  maxAnalysisMs: number;
  debounceMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  severities: {},
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
  maxParseMs: DEFAULT_MAX_PARSE_MS,
  maxAnalysisMs: DEFAULT_MAX_ANALYSIS_MS,
  debounceMs: 200,
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
  const number = (value: unknown, fallback: number, min: number) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
  return {
    severities,
    maxFileSize: number(section.maxFileSize, DEFAULT_SETTINGS.maxFileSize, 1),
    maxParseMs: number(section.maxParseMs, DEFAULT_SETTINGS.maxParseMs, 1),
    maxAnalysisMs: number(section.maxAnalysisMs, DEFAULT_SETTINGS.maxAnalysisMs, 1),
    debounceMs: number(section.debounceMs, DEFAULT_SETTINGS.debounceMs, 0),
  };
}
