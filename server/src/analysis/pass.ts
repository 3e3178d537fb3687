// One analysis of one file version: every applicable rule over every top-level item, reusing the previous
// version's result for an item when everything that result read is provably the same. A full analysis is
// this pass with nothing to reuse, so the incremental and the full answer come from the same code.
import type { Node, Query, Tree } from 'web-tree-sitter';
import { readsHold, RecordingFacts, type FactRead, type VersionFacts } from './facts';
import { childAt, type TopLevelItem, type TopLevelItems } from './items';
import { RULE_IMPLEMENTATIONS } from './rules/index';
import { ruleMeta } from './rules/registry';
import type { CaptureName, Rule, RuleContext, RuleReport } from './rules/rule';
import { applySuppressions, parseSuppressions, suppressionFix } from './suppressions';
import { callee, outermostScopeIn, type Callee } from './syntax';
import type { AnalyzeOptions, Finding, Fix, LanguageId, RuleId, Severity, SeveritySetting } from './types';

type Captures = Map<CaptureName, Node[]>;

/** What one rule found in one top-level item, and everything that finding depended on. */
export interface ItemResult {
  reports: RuleReport[];
  suppressFixes: Fix[];
  /** Groups of fact reads (the rule's anchor reads are one group, shared by all items of a pass). */
  reads: FactRead[][];
  /** Ids of the other items whose nodes the check looked at. */
  items: number[];
  /** The line ending the suppress fixes were written with. */
  eol: string;
  /** False when the check read something no recorded input covers: never reused. */
  reusable: boolean;
  /** The item's text id, and whether the result stands wherever that text moves (see `movable`). */
  textId: number;
  movable: boolean;
}

export type ResultCache = Map<RuleId, Map<number, ItemResult>>;

export interface PassInput {
  language: LanguageId;
  text: string;
  tree: Tree;
  items: TopLevelItems;
  facts: VersionFacts;
  query: Query | null;
  options: AnalyzeOptions;
  /** The previous version's results; omitted for a full analysis. */
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
export function enabledRules(language: LanguageId, options: AnalyzeOptions): { rule: Rule; severity: Severity }[] {
  return RULE_IMPLEMENTATIONS.flatMap((rule) => {
    const setting: SeveritySetting = options.severities?.[rule.id] ?? ruleMeta(rule.id).defaultSeverity;
    return rule.languages.includes(language) && setting !== 'off' ? [{ rule, severity: setting }] : [];
  });
}

export function analysePass(input: PassInput): PassOutput {
  const { language, text, facts, options } = input;
  const enabled = enabledRules(language, options);
  const rules = options.skipPrefilter ? enabled : enabled.filter(({ rule }) => rule.mayApply(facts, language));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const pass = new PassState(input, eol);
  const cache: ResultCache = new Map();
  const findings: Finding[] = [];
  let checked = 0;
  let reused = 0;
  for (const { rule, severity } of rules) {
    const before = input.previous?.get(rule.id);
    const now = new Map<number, ItemResult>();
    // Built for the first item that moved (same text, new position): only line breaks above code need it.
    let moved: Map<number, ItemResult> | undefined;
    for (const item of input.items.list) {
      let result = before?.get(item.id);
      if (!result && before && input.items.previous?.hasText(item.textId)) result = (moved ??= movedResults(before)).get(item.textId);
      if (result && pass.holds(result)) reused++;
      else {
        result = pass.check(rule, item);
        checked++;
      }
      now.set(item.id, result);
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
    cache.set(rule.id, now);
  }
  const all = applySuppressions(dedupe(findings), parseSuppressions(text), new Set(enabled.map(({ rule }) => rule.id)));
  all.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return { findings: all, cache, checked, reused, applicable: rules.length };
}

/**
 * A result with no report, no look at other items and no read of file positions does not depend on where
 * its item is: it stands for the same item text moved by a line break above it.
 */
function movable(reports: readonly RuleReport[], reads: readonly FactRead[][], items: readonly number[], reusable: boolean): boolean {
  return reusable && reports.length === 0 && items.length === 0 && reads.every((group) => group.every((read) => !read.positional));
}

function movedResults(results: Map<number, ItemResult>): Map<number, ItemResult> {
  const out = new Map<number, ItemResult>();
  for (const result of results.values()) if (result.movable) out.set(result.textId, result);
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

interface Anchoring {
  anchors: RegExp;
  wants: ((scopeText: string) => boolean) | undefined;
  reads: FactRead[];
}

/** Memos shared by every rule and item of one pass. */
class PassState {
  private readonly anchoring = new Map<RuleId, Anchoring>();
  private readonly scopes = new Map<string, Node[]>();
  private readonly captured = new Map<number, Captures>();
  private readonly callees = new Map<number, Callee | undefined>();
  private readonly heldGroups = new Map<FactRead[], boolean>();

  constructor(
    private readonly input: PassInput,
    private readonly eol: string,
  ) {}

  holds(result: ItemResult): boolean {
    if (!result.reusable || result.eol !== this.eol) return false;
    for (const id of result.items) if (!this.input.items.has(id)) return false;
    for (const group of result.reads) {
      let held = this.heldGroups.get(group);
      if (held === undefined) this.heldGroups.set(group, (held = readsHold(group, this.input.facts)));
      if (!held) return false;
    }
    return true;
  }

  private anchoringOf(rule: Rule): Anchoring {
    let found = this.anchoring.get(rule.id);
    if (!found) {
      const recorder = new RecordingFacts(this.input.facts, this.input.record ?? true);
      const anchors = rule.anchors(this.input.language, recorder);
      const wants = rule.scopeFilter?.(this.input.language, recorder);
      found = { anchors, wants, reads: recorder.reads };
      this.anchoring.set(rule.id, found);
      // This pass's reads hold by construction.
      this.heldGroups.set(found.reads, true);
    }
    return found;
  }

  /** The outermost functions in `item` holding an anchor hit that pass the rule's scope filter, in order. */
  scopesOf(rule: Rule, item: TopLevelItem): Node[] {
    const key = `${rule.id}:${item.id}`;
    let scopes = this.scopes.get(key);
    if (scopes) return scopes;
    scopes = [];
    const { anchors, wants } = this.anchoringOf(rule);
    const text = this.input.text.slice(item.start, item.end);
    const seen = new Set<number>();
    anchors.lastIndex = 0;
    for (let match = anchors.exec(text); match; match = anchors.exec(text)) {
      if (match[0].length === 0) anchors.lastIndex++;
      const scope = outermostScopeIn(childAt(item, item.start + match.index), item.start + match.index);
      if (!scope) continue;
      // Skip the rest of this scope: every later hit inside it maps to the same scope.
      anchors.lastIndex = Math.max(anchors.lastIndex, scope.endIndex - item.start);
      if (seen.has(scope.id)) continue;
      seen.add(scope.id);
      if (wants && !wants(scope.text)) continue;
      scopes.push(scope);
    }
    this.scopes.set(key, scopes);
    return scopes;
  }

  capturesOf(scope: Node): Captures {
    let captures = this.captured.get(scope.id);
    if (!captures) {
      captures = new Map();
      for (const capture of this.input.query?.captures(scope) ?? []) {
        const name = capture.name as CaptureName;
        let list = captures.get(name);
        if (!list) captures.set(name, (list = []));
        list.push(capture.node);
      }
      this.captured.set(scope.id, captures);
    }
    return captures;
  }

  calleeOf(call: Node): Callee | undefined {
    if (!this.callees.has(call.id)) this.callees.set(call.id, callee(call));
    return this.callees.get(call.id);
  }

  check(rule: Rule, item: TopLevelItem): ItemResult {
    const anchorReads = this.anchoringOf(rule).reads;
    const scopes = this.scopesOf(rule, item);
    if (scopes.length === 0) {
      const reads = [anchorReads];
      return { reports: [], suppressFixes: [], reads, items: [], eol: this.eol, reusable: true, textId: item.textId, movable: movable([], reads, [], true) };
    }
    const context = new ItemContext(this, rule, item, scopes);
    const reports = rule.check(context);
    const suppressFixes = reports.map((report) => {
      const line = report.range.start.line;
      // A finding before its item's first line (none today) is read from the file's start, and never reused.
      const before = line < item.row;
      if (before) context.reusable = false;
      return suppressionFix(before ? this.lineText(0, 0, line) : this.lineText(item.start, item.row, line), line, rule.id, this.eol);
    });
    const reads = [anchorReads, context.reads];
    const items = [...context.otherItems];
    return {
      reports,
      suppressFixes,
      reads,
      items,
      eol: this.eol,
      reusable: context.reusable,
      textId: item.textId,
      movable: movable(reports, reads, items, context.reusable),
    };
  }

  /**
   * The text of 0-based `line`, read forward from `offset` (on line `row`): from an item's start, so only
   * the item is read (its first line's prefix belongs to the item's identity: edits there make it new).
   */
  private lineText(offset: number, row: number, line: number): string {
    const text = this.input.text;
    let start = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
    for (let at = row; at < line; at++) {
      const next = text.indexOf('\n', start);
      if (next < 0) return '';
      start = next + 1;
    }
    const end = text.indexOf('\n', start);
    return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
  }

  get items(): TopLevelItems {
    return this.input.items;
  }

  get tree(): Tree {
    return this.input.tree;
  }

  get language(): LanguageId {
    return this.input.language;
  }

  get facts(): VersionFacts {
    return this.input.facts;
  }

  get record(): boolean {
    return this.input.record ?? true;
  }
}

/** The RuleContext of one rule in one item; records (as RecordingFacts) what the check reads outside the item. */
class ItemContext extends RecordingFacts implements RuleContext {
  readonly otherItems = new Set<number>();
  reusable = true;
  readonly language: LanguageId;
  private readonly flattened = new Map<CaptureName, Node[]>();

  constructor(
    private readonly pass: PassState,
    private readonly rule: Rule,
    private readonly item: TopLevelItem,
    readonly scopes: readonly Node[],
  ) {
    super(pass.facts, pass.record);
    this.language = pass.language;
  }

  nodes(name: CaptureName): readonly Node[] {
    let list = this.flattened.get(name);
    if (!list) this.flattened.set(name, (list = this.scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? [])));
    return list;
  }

  callee(call: Node): Callee | undefined {
    return this.pass.calleeOf(call);
  }

  /** The item holding `node`; another item becomes an input, a node in no single item makes the result unreusable. */
  private itemOf(node: Node): TopLevelItem | undefined {
    if (node.startIndex >= this.item.start && node.endIndex <= this.item.end) return this.item;
    const other = this.pass.items.holding(node.startIndex, node.endIndex);
    if (other) this.otherItems.add(other.id);
    else this.reusable = false;
    return other;
  }

  scopeOf(node: Node): Node {
    const item = this.itemOf(node);
    if (!item) return this.pass.tree.rootNode;
    const scopes = item === this.item ? this.scopes : this.pass.scopesOf(this.rule, item);
    return scopeHolding(scopes, node) ?? childAt(item, node.startIndex);
  }

  nodesWithin(name: CaptureName, container: Node): readonly Node[] {
    const item = this.itemOf(container);
    if (item === this.item) return within(this.nodes(name), container);
    const scopes = item ? this.pass.scopesOf(this.rule, item) : [];
    return within(scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? []), container);
  }

  nodeAt(start: number, end?: number): Node | null {
    const node = this.pass.tree.rootNode.descendantForIndex(start, end ?? start);
    if (node) this.itemOf(node);
    return node;
  }
}

function scopeHolding(scopes: readonly Node[], node: Node): Node | undefined {
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
  return undefined;
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
