// Fix all: the edits of every mechanical fix that needs no choice by the user, as one non-overlapping set.
// The editor's `source.fixAll.dbusLint` action and `dbus-lint check --fix` both build their edit from this.
import { ruleMeta } from './rules/registry';
import { offsetAt } from './textPositions';
import type { Finding, Position, TextEdit } from './types';

export interface FixAllPlan {
  /** The edits to apply together (positions in the original text), in source order. */
  edits: TextEdit[];
  /** The findings whose fix is in `edits`. */
  fixed: Finding[];
  /** Fixable findings left out because their fix overlaps one already taken; a re-analysis may fix them. */
  deferred: Finding[];
}

/**
 * A finding qualifies when its rule says its fixes are safe for fix-all, it is not suppressed, and it offers
 * exactly one fix (more than one is a choice for the user).
 */
export function fixAllCandidate(finding: Finding): boolean {
  if (finding.kind === 'unused-suppression' || finding.suppression) return false;
  return ruleMeta(finding.ruleId).fixAll && finding.fixes.length === 1;
}

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  // Two insertions at one point would interleave in an order nobody chose: they count as overlapping too.
  return compare(a.range.start, b.range.end) < 0 && compare(b.range.start, a.range.end) < 0
    ? true
    : compare(a.range.start, b.range.start) === 0 && compare(a.range.end, b.range.end) === 0;
}

export function planFixAll(findings: readonly Finding[]): FixAllPlan {
  const plan: FixAllPlan = { edits: [], fixed: [], deferred: [] };
  for (const finding of findings) {
    if (!fixAllCandidate(finding)) continue;
    const edits = finding.fixes[0].edits;
    if (edits.some((edit) => plan.edits.some((taken) => overlaps(edit, taken)))) {
      plan.deferred.push(finding);
      continue;
    }
    plan.edits.push(...edits);
    plan.fixed.push(finding);
  }
  plan.edits.sort((a, b) => compare(a.range.start, b.range.start));
  return plan;
}

/** Applies edits whose positions are in `text` (none overlapping), back to front. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const located = edits
    .map((edit, index) => ({
      start: offsetAt(text, edit.range.start),
      end: offsetAt(text, edit.range.end),
      edit,
      index,
    }))
    .sort((a, b) => b.start - a.start || b.index - a.index);
  let out = text;
  for (const { start, end, edit } of located) out = out.slice(0, start) + edit.newText + out.slice(end);
  return out;
}
