// The result cache of the incremental analysis: per rule, each top-level item's result with the inputs it
// read, indexed so that a keystroke's pass visits only the results an edit can change (README.md).
import type { FactRead } from './facts';
import type { PassState } from './passState';
import type { Rule, RuleReport } from './rules/rule';
import type { Fix, RuleId } from './types';

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
  /** The item's tree id, and whether the result stands wherever that item moves (see `movable`). */
  treeId: number;
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

/** Every item checked. */
export function allResults(pass: PassState, rule: Rule<RuleId>): { results: RuleResults; checked: number } {
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
export function updateResults(
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
    const result = items.previous?.hasTree(item.treeId)
      ? (moved ??= movedResults(before.byItem)).get(item.treeId)
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
export function movable(
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
  for (const result of results.values()) if (result.movable) out.set(result.treeId, result);
  return out;
}
