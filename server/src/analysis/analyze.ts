import type { Query } from 'web-tree-sitter';
import { ParserPool, type GrammarSource } from './parser';
import { RULE_IMPLEMENTATIONS } from './rules/index';
import { ruleMeta } from './rules/registry';
import type { Rule } from './rules/rule';
import {
  DEFAULT_MAX_FILE_SIZE,
  FileTooLargeError,
  type AnalyzeOptions,
  type Finding,
  type LanguageId,
} from './types';

/**
 * The analysis core: parse once, run every applicable rule, apply severities.
 * Pure: no LSP types, no file system; grammars come from the GrammarSource the host passes in.
 */
export class Analyzer {
  private readonly pool: ParserPool;

  constructor(source: GrammarSource) {
    this.pool = new ParserPool(source);
  }

  /** Loads the runtime and a grammar ahead of the first file, so the first diagnostics come fast. */
  async warmUp(language: LanguageId): Promise<void> {
    await this.pool.load(language);
  }

  async analyze(text: string, language: LanguageId, options: AnalyzeOptions = {}): Promise<Finding[]> {
    const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (text.length > limit) throw new FileTooLargeError(text.length, limit);

    const rules = RULE_IMPLEMENTATIONS.filter(
      (rule) =>
        rule.languages.includes(language) &&
        (options.severities?.[rule.id] ?? ruleMeta(rule.id).defaultSeverity) !== 'off' &&
        rule.mayApply(text, language),
    );
    if (rules.length === 0) return [];

    const tree = await this.pool.parse(language, text);
    try {
      const findings: Finding[] = [];
      for (const rule of rules) {
        const queries = await this.queriesFor(rule, language);
        const severitySetting = options.severities?.[rule.id] ?? ruleMeta(rule.id).defaultSeverity;
        if (severitySetting === 'off') continue;
        for (const report of rule.check({ language, text, tree, queries })) {
          findings.push({
            ruleId: rule.id,
            severity: severitySetting,
            range: report.range,
            message: report.message,
            related: report.related ?? [],
            data: report.data ?? {},
            fixes: report.fixes ?? [],
          });
        }
      }
      return findings.sort(
        (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
      );
    } finally {
      tree.delete();
    }
  }

  private async queriesFor(rule: Rule, language: LanguageId): Promise<Map<string, Query>> {
    const queries = new Map<string, Query>();
    for (const name of rule.queries) {
      const query = await this.pool.query(language, name);
      if (query) queries.set(name, query);
    }
    return queries;
  }
}
