// One analysis of one file version: every applicable rule over every top-level item, reusing the previous
// version's result for an item when everything that result read is provably the same. A full analysis is
// this pass with nothing to reuse, so the incremental and the full answer come from the same code.
// How results are kept and found again: passResults.ts; the memos of one pass: passState.ts; what a rule
// sees: itemContext.ts; the invariants all of them keep: README.md next to them.
import type { Query, Tree } from 'web-tree-sitter';
import type { VersionFacts } from './facts';
import type { TopLevelItems } from './items';
import { allResults, updateResults, type ResultCache } from './passResults';
import { PassState } from './passState';
import { RULES } from './rules/registry';
import type { Rule } from './rules/rule';
import { applySuppressions, parseSuppressions } from './suppressions';
import { withBudget } from './syntax';
import {
  DEFAULT_MAX_ANALYSIS_MS,
  type AnalyzeOptions,
  type Finding,
  type LanguageId,
  type RuleId,
  type Severity,
  type SeveritySetting,
} from './types';

export type { ItemResult, ResultCache, RuleResults } from './passResults';

export interface PassInput {
  language: LanguageId;
  text: string;
  tree: Tree;
  items: TopLevelItems;
  facts: VersionFacts;
  query: Query | null;
  options: AnalyzeOptions;
  /** The previous version's results, updated in place; omitted for a full analysis. */
  previous?: ResultCache;
  /** False for a one-shot analysis whose results nobody keeps: inputs are not recorded. */
  record?: boolean;
}

export interface PassOutput {
  findings: Finding[];
  cache: ResultCache;
  /** Item checks run and item results reused (with their rule), for status and benchmarks. */
  checked: number;
  reused: number;
  /** Rules whose cheap file test passed: 0 means the file cannot hold a finding. */
  applicable: number;
}

/** Each rule for this language with the severity it reports at; rules set to `off` are dropped. */
export function enabledRules(
  language: LanguageId,
  options: AnalyzeOptions,
): { rule: Rule<RuleId>; severity: Severity }[] {
  return RULES.flatMap((rule) => {
    const setting: SeveritySetting = options.severities?.[rule.id] ?? rule.defaultSeverity;
    return rule.languages.includes(language) && setting !== 'off' ? [{ rule, severity: setting }] : [];
  });
}

/** One pass, within the analysis budget (`maxAnalysisMs`): past it, AnalysisTimeoutError. */
export function analysePass(input: PassInput): PassOutput {
  return withBudget(input.tree, input.options.maxAnalysisMs ?? DEFAULT_MAX_ANALYSIS_MS, () => runPass(input));
}

function runPass(input: PassInput): PassOutput {
  const { language, text, facts, options, items } = input;
  const enabled = enabledRules(language, options);
  const rules = options.skipPrefilter ? enabled : enabled.filter(({ rule }) => rule.mayApply(facts, language));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const pass = new PassState(input, eol);
  const cache: ResultCache = new Map();
  const findings: Finding[] = [];
  let checked = 0;
  for (const { rule, severity } of rules) {
    const before = input.previous?.get(rule.id);
    const update = before && before.eol === eol ? updateResults(pass, rule, before) : allResults(pass, rule);
    checked += update.checked;
    cache.set(rule.id, update.results);
    // In file order, as a full pass meets them (the order dedupe and the final sort keep for ties).
    const reporting = [...update.results.reporting].map((id) => items.get(id)).filter((item) => item !== undefined);
    reporting.sort((a, b) => a.start - b.start);
    for (const item of reporting) {
      const result = update.results.byItem.get(item.id);
      if (!result) continue;
      result.reports.forEach((report, i) => {
        findings.push({
          ruleId: rule.id,
          severity,
          range: report.range,
          message: report.message,
          related: report.related ?? [],
          data: report.data ?? {},
          fixes: report.fixes ?? [],
          suppressFix: result.suppressFixes[i],
        });
      });
    }
  }
  const all = applySuppressions(dedupe(findings), parseSuppressions(text), new Set(enabled.map(({ rule }) => rule.id)));
  all.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return {
    findings: all,
    cache,
    checked,
    reused: rules.length * items.list.length - checked,
    applicable: rules.length,
  };
}

/** Two shapes of one rule can meet at the same spot; report it once. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}:${f.range.start.line}:${f.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
