import type { Node, Query, Tree } from 'web-tree-sitter';
import { ParserPool, type GrammarSource } from './parser';
import { RULE_IMPLEMENTATIONS } from './rules/index';
import { ruleMeta } from './rules/registry';
import type { CaptureName, Rule, RuleContext } from './rules/rule';
import { applySuppressions, lineReader, parseSuppressions, suppressionFix } from './suppressions';
import { callee, outermostScopeAt, type Callee } from './syntax';
import {
  DEFAULT_MAX_FILE_SIZE,
  FileTooLargeError,
  type AnalyzeOptions,
  type Finding,
  type LanguageId,
  type SeveritySetting,
} from './types';

/** The one query per language every rule shares (grammars/queries/<lang>/dbus.scm). */
const COMBINED_QUERY = 'dbus';

type Captures = Map<CaptureName, Node[]>;

/**
 * The analysis core: parse once, run every applicable rule, apply severities and suppressions.
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

  /** Parses and discards: the bare cost the benchmark compares rules against. */
  async parseOnly(text: string, language: LanguageId): Promise<void> {
    (await this.pool.parse(language, text)).delete();
  }

  async analyze(text: string, language: LanguageId, options: AnalyzeOptions = {}): Promise<Finding[]> {
    const limit = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
    if (text.length > limit) throw new FileTooLargeError(text.length, limit);

    // Each rule for this language with the severity it reports at; rules set to `off` are dropped here.
    const enabled = RULE_IMPLEMENTATIONS.flatMap((rule) => {
      const setting: SeveritySetting = options.severities?.[rule.id] ?? ruleMeta(rule.id).defaultSeverity;
      return rule.languages.includes(language) && setting !== 'off' ? [{ rule, severity: setting }] : [];
    });
    const rules = options.skipPrefilter ? enabled : enabled.filter(({ rule }) => rule.mayApply(text, language));
    const findings: Finding[] = [];
    if (rules.length > 0) {
      const tree = await this.pool.parse(language, text);
      try {
        const query = await this.pool.query(language, COMBINED_QUERY);
        const captured = new Map<number, Captures>();
        const callees = new Map<number, Callee | undefined>();
        const lineText = lineReader(text);
        const eol = text.includes('\r\n') ? '\r\n' : '\n';
        for (const { rule, severity } of rules) {
          for (const report of rule.check(this.context(rule, language, text, tree, query, captured, callees))) {
            findings.push({
              ruleId: rule.id,
              severity,
              range: report.range,
              message: report.message,
              related: report.related ?? [],
              data: report.data ?? {},
              fixes: report.fixes ?? [],
              suppressFix: suppressionFix(lineText(report.range.start.line), report.range.start.line, rule.id, eol),
            });
          }
        }
      } finally {
        tree.delete();
      }
    }
    const all = applySuppressions(dedupe(findings), parseSuppressions(text), new Set(enabled.map(({ rule }) => rule.id)));
    return all.sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
  }

  /** Narrows the tree to the outermost functions holding an anchor hit and runs the combined query there only. */
  private context(
    rule: Rule,
    language: LanguageId,
    text: string,
    tree: Tree,
    query: Query | null,
    captured: Map<number, Captures>,
    callees: Map<number, Callee | undefined>,
  ): RuleContext {
    const scopes: Node[] = [];
    const seen = new Set<number>();
    const anchors = rule.anchors(language, text);
    const wants = rule.scopeFilter?.(language, text);
    anchors.lastIndex = 0;
    for (let match = anchors.exec(text); match; match = anchors.exec(text)) {
      if (match[0].length === 0) anchors.lastIndex++;
      const scope = outermostScopeAt(tree, match.index);
      if (!scope) continue;
      // Skip the rest of this scope: every later hit inside it maps to the same scope.
      anchors.lastIndex = Math.max(anchors.lastIndex, scope.endIndex);
      if (seen.has(scope.id)) continue;
      seen.add(scope.id);
      if (wants && !wants(scope.text)) continue;
      scopes.push(scope);
    }
    const perScope = scopes.map((scope) => {
      let captures = captured.get(scope.id);
      if (!captures) {
        captures = new Map();
        for (const capture of query?.captures(scope) ?? []) {
          const name = capture.name as CaptureName;
          let list = captures.get(name);
          if (!list) captures.set(name, (list = []));
          list.push(capture.node);
        }
        captured.set(scope.id, captures);
      }
      return captures;
    });
    const flattened = new Map<CaptureName, Node[]>();
    const nodes = (name: CaptureName): Node[] => {
      let list = flattened.get(name);
      if (!list) flattened.set(name, (list = perScope.flatMap((captures) => captures.get(name) ?? [])));
      return list;
    };
    const scopeOf = (node: Node): Node => {
      let low = 0;
      let high = scopes.length - 1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        const scope = scopes[mid];
        if (!scope) break;
        if (node.startIndex < scope.startIndex) high = mid - 1;
        else if (node.startIndex >= scope.endIndex) low = mid + 1;
        else return scope;
      }
      return tree.rootNode;
    };
    const calleeOf = (call: Node): Callee | undefined => {
      if (!callees.has(call.id)) callees.set(call.id, callee(call));
      return callees.get(call.id);
    };
    return {
      language,
      text,
      tree,
      scopes,
      nodes,
      scopeOf,
      callee: calleeOf,
      nodesWithin: (name, container) => within(nodes(name), container),
    };
  }
}

/** The nodes (sorted by start, as query captures come) that lie inside `container`. */
function within(sorted: readonly Node[], container: Node): Node[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((sorted[mid]?.startIndex ?? 0) < container.startIndex) low = mid + 1;
    else high = mid;
  }
  const out: Node[] = [];
  for (let i = low; i < sorted.length; i++) {
    const node = sorted[i];
    if (!node || node.startIndex >= container.endIndex) break;
    if (node.endIndex <= container.endIndex) out.push(node);
  }
  return out;
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
