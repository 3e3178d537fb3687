import type { Node, Query, Tree } from 'web-tree-sitter';
import type { CallData, Fix, LanguageId, Range, RelatedLocation, RuleId } from '../types';

/** What a rule sees: one parsed file. */
export interface RuleContext {
  language: LanguageId;
  text: string;
  tree: Tree;
  /** The compiled queries/<lang>/<name>.scm the rule declared in `queries`, by name. */
  queries: ReadonlyMap<string, Query>;
}

/** A finding before severity and suppressions are applied. */
export interface RuleReport {
  range: Range;
  message: string;
  related?: RelatedLocation[];
  data?: CallData;
  fixes?: Fix[];
}

export interface Rule {
  id: RuleId;
  languages: readonly LanguageId[];
  /** Query files (grammars/queries/<lang>/<name>.scm) the rule needs, loaded once per language. */
  queries: readonly string[];
  /**
   * Cheap text test run before parsing: a file that cannot hold what the rule looks for
   * (no D-Bus library, no socket API) is never parsed for it.
   */
  mayApply(text: string, language: LanguageId): boolean;
  check(ctx: RuleContext): RuleReport[];
}

export function nodeRange(node: Node): Range {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}
