import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../facts';
import type { Callee } from '../syntax';
import type { CallData, Fix, LanguageId, Range, RelatedLocation, Severity } from '../types';

/** Node kinds the combined query (grammars/queries/<lang>/dbus.scm) captures inside a rule's scopes. */
export type CaptureName = 'call' | 'binary' | 'macro' | 'arm' | 'new' | 'case';

/** Reading the file beyond the code being checked: facts, and nodes found at file offsets. */
export interface FileLookup extends FileFacts {
  /** `descendantForIndex` on the whole tree; the result's top-level item becomes an input of the check. */
  nodeAt(start: number, end?: number): Node | null;
}

/**
 * What a rule sees: one top-level item of a parsed file, narrowed to the scopes its anchors point at.
 * The file outside the item is read only through FileLookup (no whole-file text, no tree root): that is
 * what lets an incremental analysis reuse a result after an edit elsewhere, and know when it must not.
 */
export interface RuleContext extends FileLookup {
  language: LanguageId;
  /** Outermost functions (or top-level items) holding at least one anchor hit, in source order. */
  scopes: readonly Node[];
  /** Nodes the combined query captured inside `scopes`, by capture name, in source order. */
  nodes(name: CaptureName): readonly Node[];
  /** `callee(call)`, computed once per call node for all rules (each lookup crosses into wasm). */
  callee(call: Node): Callee | undefined;
  /** The scope holding `node` (its item's scope for a node found outside this item), else the node's item. */
  scopeOf(node: Node): Node;
  /** The captured nodes of `name` inside `container` (a binary search over `nodes(name)`, not a walk). */
  nodesWithin(name: CaptureName, container: Node): readonly Node[];
}

/** A finding before severity and suppressions are applied. */
export interface RuleReport {
  range: Range;
  message: string;
  related?: RelatedLocation[];
  data?: CallData;
  fixes?: Fix[];
}

/**
 * A fault of `dbus-lint proxy`/`run` that makes a rule's bug happen on every run: what "Prove it with the fault
 * bus" preselects for a finding of the rule.
 */
export type ProofFault = 'late-signal' | 'split' | 'coalesce' | 'stale-reply' | 'drop-reply' | 'delay-reply';

/**
 * A rule: its metadata (the single source for diagnostics, hovers, SARIF, settings and docs headers, which
 * `npm run generate` writes) and its check, in one file.
 */
export interface Rule<Id extends string = string> {
  id: Id;
  title: string;
  /** One line for rule lists, SARIF `shortDescription` and settings descriptions. */
  summary: string;
  /** The docs page's lead paragraph (markdown), after the bold title. */
  description: string;
  defaultSeverity: Severity;
  /** The mechanical fixes the rule offers (markdown phrases for the docs header); empty when there are none. */
  quickFixes: readonly string[];
  /** Said in the docs header after the fixes, e.g. why there is none. */
  quickFixNote?: string;
  /**
   * Whether the rule's quick fixes need no choice by the user, so fix-all (`source.fixAll.dbusLint`,
   * `dbus-lint check --fix`) applies them; a finding with more than one fix is left out all the same.
   */
  fixAll: boolean;
  /** How the replay and the fault bus show the bug live. */
  proof: {
    /** The replay's "what the flagged code would have received" verdict is this rule's bug (it is emphasised). */
    naiveVerdict: boolean;
    faults: readonly ProofFault[];
  };
  languages: readonly LanguageId[];
  /**
   * Cheap text test run before parsing: a file that cannot hold what the rule looks for
   * (no D-Bus library, no socket API) is never parsed for it. It must only say yes where the
   * workspace scan's `mayMatter` (prefilter.ts) does, which skips a file before any rule sees it.
   */
  mayApply(file: FileFacts, language: LanguageId): boolean;
  /**
   * Words (a global regex, which may be built from the file's facts, e.g. its proxy variable names) that mark
   * code the rule must look at; the analyzer queries only the functions that contain a hit, so
   * unrelated code in a large file costs nothing beyond the parse.
   */
  anchors(language: LanguageId, file: FileFacts): RegExp;
  /**
   * A cheap text test on an anchored function before it is queried (e.g. "it also sends something").
   * Built from the file's facts, like the anchors.
   */
  scopeFilter?(language: LanguageId, file: FileFacts): ((scopeText: string) => boolean) | undefined;
  check(ctx: RuleContext): RuleReport[];
}

export function nodeRange(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

export function related(node: Node, message: string): RelatedLocation {
  return { range: nodeRange(node), message };
}
