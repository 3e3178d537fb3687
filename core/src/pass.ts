// One analysis of one file version: every applicable rule over every top-level item, reusing the previous
// version's result for an item when everything that result read is provably the same. A full analysis is
// this pass with nothing to reuse, so the incremental and the full answer come from the same code.
import type { Node, Query, Tree } from 'web-tree-sitter';
import { readsHold, RecordingFacts, type FactRead, type VersionFacts } from './facts';
import { childAt, type TopLevelItem, type TopLevelItems } from './items';
import { RULES } from './rules/registry';
import type { CaptureName, Rule, RuleContext, RuleReport } from './rules/rule';
import { applySuppressions, parseSuppressions, suppressionFix } from './suppressions';
import { callee, outermostScopeIn, withBudget, withinBudget, type Callee } from './syntax';
import {
  DEFAULT_MAX_ANALYSIS_MS,
  type AnalyzeOptions,
  type Finding,
  type Fix,
  type LanguageId,
  type RuleId,
  type Severity,
  type SeveritySetting,
} from './types';

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

/** One rule's results in one version, indexed so that a keystroke's pass visits only what it can change. */
export interface RuleResults {
  byItem: Map<number, ItemResult>;
  /**
   * Results whose only input is the anchor reads of a pass, by a group of such reads: most items of a file
   * have no anchor hit, and one check of their group stands for all of them. A result from a later pass joins
   * a group that held in that pass (its reads then read the same), so there is mostly one group.
   */
  byAnchors: Map<FactRead[], Set<number>>;
  /** The group in `byAnchors` each such result is filed under. */
  anchorGroup: Map<number, FactRead[]>;
  /** The other results (their own reads, other items, not reusable): checked one by one. */
  others: Set<number>;
  /** Items whose result reports something. */
  reporting: Set<number>;
  /** The line ending the results' suppress fixes were written with. */
  eol: string;
}

/**
 * Results by rule. The pass that is given one updates it in place and returns it: the previous version's
 * cache is not valid after that (its owner keeps only the latest).
 */
export type ResultCache = Map<RuleId, RuleResults>;

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

/** Every item checked. */
function allResults(pass: PassState, rule: Rule<RuleId>): { results: RuleResults; checked: number } {
  const results: RuleResults = {
    byItem: new Map(),
    byAnchors: new Map(),
    anchorGroup: new Map(),
    others: new Set(),
    reporting: new Set(),
    eol: pass.eol,
  };
  for (const item of pass.items.list) store(results, item.id, pass.check(rule, item), undefined);
  return { results, checked: pass.items.list.length };
}

/**
 * `before` brought to this version: results of items that went away are dropped, results whose inputs
 * changed and items that are new are checked, the rest stand. Visits the new and changed items and one
 * entry per anchor group, not every item.
 */
function updateResults(
  pass: PassState,
  rule: Rule<RuleId>,
  before: RuleResults,
): { results: RuleResults; checked: number } {
  const { items } = pass;
  const recheck = new Set<number>();
  // Before anything is dropped: an item moved by a line break above it is new by id, its text is not.
  let moved: Map<number, ItemResult> | undefined;
  const found = new Map<number, ItemResult>();
  for (const item of items.fresh) {
    const result = items.previous?.hasText(item.textId)
      ? (moved ??= movedResults(before.byItem)).get(item.textId)
      : undefined;
    if (result && pass.holds(result)) found.set(item.id, result);
    else recheck.add(item.id);
  }
  for (const id of items.removed) forget(before, id);
  // The group that holds (merging any other that does into it) takes this pass's anchor-only results.
  let held: FactRead[] | undefined;
  for (const [group, ids] of before.byAnchors) {
    if (!pass.groupHolds(group)) {
      for (const id of ids) recheck.add(id);
      before.byAnchors.delete(group);
    } else if (!held) held = group;
    else {
      const into = before.byAnchors.get(held);
      for (const id of ids) {
        into?.add(id);
        before.anchorGroup.set(id, held);
      }
      before.byAnchors.delete(group);
    }
  }
  for (const id of before.others) {
    const result = before.byItem.get(id);
    if (!result || !pass.holds(result)) recheck.add(id);
  }
  for (const [id, result] of found) store(before, id, result, held);
  let checked = 0;
  for (const id of recheck) {
    const item = items.get(id);
    if (!item) continue;
    store(before, id, pass.check(rule, item), held);
    checked++;
  }
  return { results: before, checked };
}

/** The anchor group a result depends on when that is all it depends on. */
function anchorsOnly(result: ItemResult): FactRead[] | undefined {
  if (!result.reusable || result.items.length > 0) return undefined;
  const [anchors, own] = result.reads;
  if (!anchors || result.reads.length > 2 || (own && own.length > 0)) return undefined;
  return anchors;
}

/**
 * Files `result` as the result of item `id`. `held`: a group that holds in this pass, which an anchor-only
 * result (whose own group holds by construction) joins.
 */
function store(results: RuleResults, id: number, result: ItemResult, held: FactRead[] | undefined): void {
  forget(results, id);
  results.byItem.set(id, result);
  const anchors = anchorsOnly(result);
  if (anchors) {
    const group = held ?? anchors;
    let ids = results.byAnchors.get(group);
    if (!ids) results.byAnchors.set(group, (ids = new Set()));
    ids.add(id);
    results.anchorGroup.set(id, group);
  } else results.others.add(id);
  if (result.reports.length > 0) results.reporting.add(id);
}

function forget(results: RuleResults, id: number): void {
  if (!results.byItem.delete(id)) return;
  const group = results.anchorGroup.get(id);
  if (group) {
    const ids = results.byAnchors.get(group);
    ids?.delete(id);
    if (ids?.size === 0) results.byAnchors.delete(group);
    results.anchorGroup.delete(id);
  } else results.others.delete(id);
  results.reporting.delete(id);
}

/**
 * A result with no report, no look at other items and no read of file positions does not depend on where
 * its item is: it stands for the same item text moved by a line break above it.
 */
function movable(
  reports: readonly RuleReport[],
  reads: readonly FactRead[][],
  items: readonly number[],
  reusable: boolean,
): boolean {
  return (
    reusable &&
    reports.length === 0 &&
    items.length === 0 &&
    reads.every((group) => group.every((read) => !read.positional))
  );
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
  private readonly groupsByKeys = new Map<string, FactRead[][]>();
  /** Offsets of line starts found so far, by 0-based line. */
  private readonly lineStarts = new Map<number, number>();

  constructor(
    private readonly input: PassInput,
    readonly eol: string,
  ) {}

  holds(result: ItemResult): boolean {
    if (!result.reusable || result.eol !== this.eol) return false;
    for (const id of result.items) if (!this.input.items.has(id)) return false;
    for (const group of result.reads) if (!this.groupHolds(group)) return false;
    return true;
  }

  /**
   * One group object for equal reads (same keys, identical values) in this pass: most checks of a rule read
   * the same few facts, and a group's verdict is worked out once per pass.
   */
  private interned(reads: FactRead[]): FactRead[] {
    if (reads.length === 0) return reads;
    const key = reads.map((read) => read.key).join('\u0000');
    let groups = this.groupsByKeys.get(key);
    if (!groups) this.groupsByKeys.set(key, (groups = []));
    const same = groups.find((group) => group.every((read, i) => read.value === reads[i]?.value));
    if (same) return same;
    groups.push(reads);
    return reads;
  }

  /** Whether every read of `group` gives the same value in this version (once per group and pass). */
  groupHolds(group: FactRead[]): boolean {
    let held = this.heldGroups.get(group);
    if (held === undefined) this.heldGroups.set(group, (held = readsHold(group, this.input.facts)));
    return held;
  }

  private anchoringOf(rule: Rule<RuleId>): Anchoring {
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
  scopesOf(rule: Rule<RuleId>, item: TopLevelItem): Node[] {
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

  check(rule: Rule<RuleId>, item: TopLevelItem): ItemResult {
    withinBudget(this.input.tree);
    const anchorReads = this.anchoringOf(rule).reads;
    const scopes = this.scopesOf(rule, item);
    if (scopes.length === 0) {
      const reads = [anchorReads];
      return {
        reports: [],
        suppressFixes: [],
        reads,
        items: [],
        eol: this.eol,
        reusable: true,
        textId: item.textId,
        movable: movable([], reads, [], true),
      };
    }
    const context = new ItemContext(this, rule, item, scopes);
    const reports = rule.check(context);
    const suppressFixes = reports.map((report) => {
      const line = report.range.start.line;
      // A finding before its item's first line (none today) is read from the file's start, and never reused.
      const before = line < item.row;
      if (before) context.reusable = false;
      return suppressionFix(
        before ? this.indentOf(0, 0, line) : this.indentOf(item.start, item.row, line),
        line,
        rule.id,
        this.eol,
      );
    });
    const reads = [anchorReads, this.interned(context.reads)];
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
   * The indentation of 0-based `line`, found forward from `offset` (on line `row`): from an item's start, so
   * only the item is read (its first line's prefix belongs to the item's identity: edits there make it new).
   * Line starts are remembered for the pass and only the indentation is read: in minified code thousands
   * of findings share one line of megabytes.
   */
  private indentOf(offset: number, row: number, line: number): string {
    const text = this.input.text;
    let start = this.lineStarts.get(row);
    if (start === undefined) {
      start = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
      this.lineStarts.set(row, start);
    }
    for (let at = row; at < line; at++) {
      let next = this.lineStarts.get(at + 1);
      if (next === undefined) {
        const end = text.indexOf('\n', start);
        if (end < 0) return '';
        this.lineStarts.set(at + 1, (next = end + 1));
      }
      start = next;
    }
    let end = start;
    while (text[end] === ' ' || text[end] === '\t') end++;
    return text.slice(start, end);
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
    private readonly rule: Rule<RuleId>,
    private readonly item: TopLevelItem,
    readonly scopes: readonly Node[],
  ) {
    super(pass.facts, pass.record);
    this.language = pass.language;
  }

  nodes(name: CaptureName): readonly Node[] {
    let list = this.flattened.get(name);
    if (!list)
      this.flattened.set(name, (list = this.scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? [])));
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
    return within(
      scopes.flatMap((scope) => this.pass.capturesOf(scope).get(name) ?? []),
      container,
    );
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
