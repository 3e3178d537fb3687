// `dbus-lint.json`, the project's config that the CLI and the language server both read. JSON only: nothing in a
// workspace is executed, so an untrusted workspace keeps it. A problem in it never stops the analysis: the part
// that is wrong falls back to its default and the problem is reported where it is (a range in the file).
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { isRuleId, RULES } from './rules/registry';
import { positionAt } from './textPositions';
import { isSeveritySetting, SEVERITY_SETTINGS, type Range, type RuleId, type SeveritySetting } from './types';

/** The file both hosts look for: at a workspace root (server), in the current directory or a parent (CLI). */
export const CONFIG_FILE_NAME = 'dbus-lint.json';

export interface ProjectConfig {
  /** Severity per rule; a rule not named keeps its default (or the editor's setting). */
  rules: Partial<Record<RuleId, SeveritySetting>>;
  /** Globs of files not to analyse, relative to the config's folder (see ./glob.ts for the syntax). */
  ignore: string[];
  /** A baseline SARIF file, relative to the config's folder. */
  baseline?: string;
  /** Files with more characters are not analysed. */
  maxFileSize?: number;
}

export interface ConfigProblem {
  /** What is wrong and what is used instead. */
  message: string;
  range: Range;
}

export interface ParsedConfig {
  config: ProjectConfig;
  problems: ConfigProblem[];
}

export const CONFIG_KEYS = ['$schema', 'rules', 'ignore', 'baseline', 'maxFileSize'] as const;

function rangeOf(text: string, offset: number, length: number): Range {
  return { start: positionAt(text, offset), end: positionAt(text, offset + Math.max(length, 0)) };
}

function describe(node: Node): string {
  return node.type === 'string'
    ? `"${String(node.value)}"`
    : node.type === 'object' || node.type === 'array'
      ? `an ${node.type}`
      : String(node.value ?? node.type);
}

export function parseProjectConfig(text: string): ParsedConfig {
  const config: ProjectConfig = { rules: {}, ignore: [] };
  const problems: ConfigProblem[] = [];
  const problem = (node: Pick<Node, 'offset' | 'length'>, message: string) =>
    problems.push({ message, range: rangeOf(text, node.offset, node.length) });

  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || !root) {
    const first = errors[0] ?? { offset: 0, length: 0, error: 0 };
    problem(
      first,
      `${CONFIG_FILE_NAME} is not valid JSON (${printParseErrorCode(first.error)}); the defaults are used until it is fixed`,
    );
    return { config, problems };
  }
  if (root.type !== 'object') {
    problem(
      root,
      `${CONFIG_FILE_NAME} must hold an object such as {"rules": {…}}, not ${describe(root)}; the defaults are used`,
    );
    return { config, problems };
  }
  for (const property of root.children ?? []) {
    const [keyNode, value] = property.children ?? [];
    if (!keyNode || !value) continue;
    const key = String(keyNode.value);
    switch (key) {
      case '$schema':
        break;
      case 'rules':
        readRules(value, config, problem);
        break;
      case 'ignore':
        if (value.type !== 'array') {
          problem(value, `"ignore" must be an array of globs, not ${describe(value)}; nothing is ignored`);
          break;
        }
        for (const item of value.children ?? []) {
          if (item.type === 'string' && String(item.value).trim() !== '') config.ignore.push(String(item.value));
          else
            problem(item, `an "ignore" entry must be a non-empty glob string, not ${describe(item)}; it is left out`);
        }
        break;
      case 'baseline':
        if (value.type === 'string' && String(value.value) !== '') config.baseline = String(value.value);
        else problem(value, `"baseline" must name a SARIF file, not ${describe(value)}; no baseline is used`);
        break;
      case 'maxFileSize':
        if (value.type === 'number' && Number.isInteger(value.value) && (value.value as number) > 0)
          config.maxFileSize = value.value as number;
        else
          problem(
            value,
            `"maxFileSize" must be a positive integer (characters), not ${describe(value)}; the default is used`,
          );
        break;
      default:
        problem(
          keyNode,
          `unknown key "${key}" in ${CONFIG_FILE_NAME} (keys: ${CONFIG_KEYS.filter((k) => k !== '$schema').join(', ')}); it is ignored`,
        );
    }
  }
  return { config, problems };
}

function readRules(value: Node, config: ProjectConfig, problem: (node: Node, message: string) => void): void {
  if (value.type !== 'object') {
    problem(
      value,
      `"rules" must be an object of rule ids to severities, not ${describe(value)}; the rules keep their defaults`,
    );
    return;
  }
  for (const property of value.children ?? []) {
    const [idNode, severityNode] = property.children ?? [];
    if (!idNode || !severityNode) continue;
    const id = String(idNode.value);
    if (!isRuleId(id)) {
      problem(idNode, `unknown rule "${id}" (rules: ${RULES.map((rule) => rule.id).join(', ')}); it is ignored`);
      continue;
    }
    if (!isSeveritySetting(severityNode.value)) {
      problem(
        severityNode,
        `rule "${id}": the severity must be one of ${SEVERITY_SETTINGS.join(', ')}, not ${describe(severityNode)}; its default is used`,
      );
      continue;
    }
    config.rules[id] = severityNode.value;
  }
}
