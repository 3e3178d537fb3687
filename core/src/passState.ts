// The memos one pass shares across rules and items (anchors, scopes, query captures, callees, which read
// groups hold), and the check of one rule on one item, which records what it read (README.md).
import type { Node, Point, Tree } from 'web-tree-sitter';
import { readsHold, RecordingFacts, type FactRead, type VersionFacts } from './facts';
import { ItemContext } from './itemContext';
import { childAt, type TopLevelItem, type TopLevelItems } from './items';
import type { PassInput } from './pass';
import { movable, type ItemResult } from './passResults';
import { neverRuns } from './reachability';
import type { CaptureName, Rule, RuleReport } from './rules/rule';
import { suppressionFix } from './suppressions';
import { callee, outermostScopeIn, withinBudget, type Callee } from './syntax';
import type { LanguageId, RuleId } from './types';

type Captures = Map<CaptureName, Node[]>;

interface Anchoring {
  anchors: RegExp;
  wants: ((scopeText: string) => boolean) | undefined;
  reads: FactRead[];
}

/** Memos shared by every rule and item of one pass. */
export class PassState {
  private readonly anchoring = new Map<RuleId, Anchoring>();
  private readonly scopes = new Map<string, Node[]>();
  private readonly captured = new Map<number, Captures>();
  private readonly callees = new Map<number, Callee | undefined>();
  private readonly heldGroups = new Map<FactRead[], boolean>();
  private readonly groupsByKeys = new Map<string, FactRead[][]>();
  /** Offsets of line starts found so far, by 0-based line. */
  private readonly lineStarts = new Map<number, number>();
  /** `descendantForIndex` answers of this pass's tree, by range: checks of many items look up the same spots. */
  private readonly nodesAt = new Map<string, Node | null>();

  constructor(
    private readonly input: PassInput,
    readonly eol: string,
  ) {}

  /** The smallest node spanning [start, end] in this pass's tree (memoised: the tree does not change in a pass). */
  nodeAt(start: number, end: number): Node | null {
    const key = `${start}:${end}`;
    let node = this.nodesAt.get(key);
    if (node === undefined) this.nodesAt.set(key, (node = this.input.tree.rootNode.descendantForIndex(start, end)));
    return node;
  }

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
        treeId: item.treeId,
        movable: movable([], reads, [], true),
      };
    }
    const context = new ItemContext(this, rule, item, scopes);
    const found = rule.check(context);
    // A finding in JS code that never runs (after an `if` that always leaves first) is about nothing that happens.
    const reports = this.language === 'rust' ? found : found.filter((report) => !inCodeThatNeverRuns(report, scopes));
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
      treeId: item.treeId,
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

/** Whether the node a report starts at (found in the scope holding it) lies in code that never runs. */
function inCodeThatNeverRuns(report: RuleReport, scopes: readonly Node[]): boolean {
  const at = { row: report.range.start.line, column: report.range.start.character };
  const after = (a: Point, b: Point) => a.row > b.row || (a.row === b.row && a.column >= b.column);
  const scope = scopes.find((s) => after(at, s.startPosition) && after(s.endPosition, at));
  const node = scope?.descendantForPosition(at);
  return !!node && neverRuns(node);
}
