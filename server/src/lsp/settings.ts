import { RULES, type RuleId, type SeveritySetting } from '../analysis/index';

/** The `dbusLint` settings section as the server uses it; package.json `contributes.configuration` declares it. */
export interface ServerSettings {
  severities: Partial<Record<RuleId, SeveritySetting>>;
  maxFileSize: number;
  debounceMs: number;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  severities: {},
  maxFileSize: 2 * 1024 * 1024,
  debounceMs: 200,
};

const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

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
    if (typeof severity === 'string' && (SEVERITY_SETTINGS as readonly string[]).includes(severity)) {
      severities[rule.id] = severity as SeveritySetting;
    }
  }
  const number = (value: unknown, fallback: number, min: number) =>
    typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
  return {
    severities,
    maxFileSize: number(section.maxFileSize, DEFAULT_SETTINGS.maxFileSize, 1),
    debounceMs: number(section.debounceMs, DEFAULT_SETTINGS.debounceMs, 0),
  };
}
