// A document being edited: its text, its tree and the previous version's per-item results. An edit is
// applied to the tree (tree.edit), the tree reparsed incrementally, and the pass re-runs only the
// (rule, item) checks whose recorded inputs changed; what it returns equals a full analysis of the text.
import { Edit, type Parser, type Point, type Query, type Range as TreeRange, type Tree } from 'web-tree-sitter';
import { VersionFacts } from './facts';
import { TopLevelItems, type DirtyRanges, type EditSpan } from './items';
import { parseWithin } from './parser';
import { summarize, type FunctionSummary } from './summaries';
import { analysePass, type ResultCache } from './pass';
import { screeningError, type AnalyzeOptions, type Finding, type LanguageId } from './types';

/**
 * One content change: text offsets [start, end) of the current text (UTF-16 units, as JS strings and
 * web-tree-sitter count) and their replacement; without offsets, the whole text. Hosts convert their own
 * positions (LSP line/character) with their own document model.
 */
export type DocumentChange =
  | {
      start: number;
      end: number;
      text: string;
      /**
       * The whole text after this change, when the host already built it (an LSP server's own document
       * model does): copying a large file costs more than the rest of a keystroke's bookkeeping.
       */
      after?: string;
    }
  | { start?: undefined; end?: undefined; text: string };

/** How the last analysis went: what a status line or a benchmark reports. */
export interface AnalysisStats {
  /** True when the previous version's results could be reused (one edit since the last analysis). */
  incremental: boolean;
  /** (rule, item) checks run, and results reused. */
  checked: number;
  reused: number;
  /** Rules whose cheap file test passed: 0 means the document cannot hold a finding (no tree needs keeping). */
  applicable: number;
  /** The items the text was read as (the unit results are cached by: top-level items, a large module's members). */
  items: number;
  /** Time of the last analysis (reparse and pass), ms. */
  ms: number;
}

export class AnalysisDocument {
  private currentText: string;
  private tree: Tree | undefined;
  private lineStarts: number[];
  private items: TopLevelItems | undefined;
  private facts: VersionFacts | undefined;
  private cache: ResultCache | undefined;
  /** Edits applied to text and tree since the last analysis; undefined after a whole-text replacement. */
  private pending: EditSpan[] | undefined = [];
  private lastFindings: Finding[] = [];
  /** The last reparse's changed ranges (the old tree's against the new). */
  private changedRanges: readonly TreeRange[] = [];
  private needsAnalysis = true;
  stats: AnalysisStats = { incremental: false, checked: 0, reused: 0, applicable: 0, items: 0, ms: 0 };

  constructor(
    private readonly parser: Parser,
    private readonly query: Query | null,
    readonly language: LanguageId,
    text: string,
    private options: AnalyzeOptions,
  ) {
    this.currentText = text;
    this.lineStarts = lineStartsOf(text);
    this.pending = undefined;
    this.analyse();
  }

  get text(): string {
    return this.currentText;
  }

  /** The function summaries of the last analysis (summaries.ts): what the files importing this one are told. */
  summaries(): FunctionSummary[] {
    return this.tree ? summarize(this.tree, this.lastFindings, this.language, this.currentText) : [];
  }

  get findings(): readonly Finding[] {
    return this.lastFindings;
  }

  /** Source characters this document keeps a tree for (0 once disposed). */
  get size(): number {
    return this.tree ? this.currentText.length : 0;
  }

  /** New severities or size cap: the next analysis re-checks everything. */
  setOptions(options: AnalyzeOptions): void {
    if (JSON.stringify(options) === JSON.stringify(this.options)) return;
    this.options = options;
    this.cache = undefined;
    this.needsAnalysis = true;
  }

  /** True when edits or new options wait for `analyse()`. */
  get stale(): boolean {
    return this.needsAnalysis;
  }

  /** Applies changes to the text and the tree, in order (each range is in the text left by the previous one). */
  edit(changes: readonly DocumentChange[]): void {
    for (const change of changes) {
      if (change.start === undefined) {
        this.currentText = change.text;
        this.lineStarts = lineStartsOf(change.text);
        this.tree?.delete();
        this.tree = undefined;
        this.pending = undefined;
        continue;
      }
      const start = Math.max(0, Math.min(change.start, this.currentText.length));
      const oldEnd = Math.max(start, Math.min(change.end, this.currentText.length));
      const startPosition = this.positionAt(start);
      const oldEndPosition = this.positionAt(oldEnd);
      const newEnd = start + change.text.length;
      const lastBreak = change.text.lastIndexOf('\n');
      const newEndPosition: Point =
        lastBreak < 0
          ? { row: startPosition.row, column: startPosition.column + change.text.length }
          : { row: startPosition.row + countBreaks(change.text), column: change.text.length - lastBreak - 1 };
      const length = this.currentText.length - (oldEnd - start) + change.text.length;
      this.currentText =
        change.after?.length === length
          ? change.after
          : this.currentText.slice(0, start) + change.text + this.currentText.slice(oldEnd);
      this.updateLineStarts(startPosition.row, oldEndPosition.row, start, change.text, newEnd - oldEnd);
      if (this.tree) {
        this.tree.edit(
          new Edit({
            startIndex: start,
            oldEndIndex: oldEnd,
            newEndIndex: newEnd,
            startPosition,
            oldEndPosition,
            newEndPosition,
          }),
        );
        this.forgetLeftContext(start, startPosition);
      }
      this.pending?.push({ start, oldEnd, newEnd, rows: newEndPosition.row - oldEndPosition.row });
    }
    if (changes.length > 0) this.needsAnalysis = true;
  }

  /** Reparses and re-analyses the current text, reusing what the edits since the last analysis left valid. */
  analyse(): Finding[] {
    const started = performance.now();
    const tooLarge = screeningError(this.currentText, this.options);
    if (tooLarge) throw tooLarge;
    const old = this.tree;
    const reparsed = old ? this.forgetErrors(old) : [];
    const tree = this.parse(old);
    const edit = this.pending?.length === 1 ? this.pending[0] : undefined;
    const reuse = !!(edit && old && this.items && this.facts && this.cache);
    let items: TopLevelItems;
    if (reuse && edit && old && this.items) {
      items = TopLevelItems.after(this.items, tree, edit, [...this.dirtyRanges(edit), ...reparsed]);
    } else {
      items = TopLevelItems.fresh(tree);
    }
    old?.delete();
    this.tree = tree;
    const facts = new VersionFacts(
      this.currentText,
      items,
      reuse ? this.facts : undefined,
      true,
      this.options.project,
      this.options.imported,
    );
    const previous = reuse ? this.cache : undefined;
    // The pass updates the previous results in place: if it fails half-way they are nobody's.
    this.cache = undefined;
    const output = analysePass({
      language: this.language,
      text: this.currentText,
      tree,
      items,
      facts,
      query: this.query,
      options: this.options,
      previous,
    });
    this.items = items;
    this.facts = facts;
    this.cache = output.cache;
    this.pending = [];
    this.needsAnalysis = false;
    this.lastFindings = output.findings;
    this.stats = {
      incremental: reuse,
      checked: output.checked,
      reused: output.reused,
      applicable: output.applicable,
      items: items.list.length,
      ms: performance.now() - started,
    };
    return output.findings;
  }

  /**
   * Marks every ERROR and MISSING node as edited (onto itself), and so every node holding one: tree-sitter's
   * error recovery over a reused subtree that holds an error can differ from a fresh parse's, and the answer
   * must be the fresh parse's. Error-free subtrees stay reusable, even inside an item that holds an error: an
   * unclosed brace that makes one item run to the end of the file costs a reparse of the nodes around the
   * error, not of the rest of the file (the whole item, marked, cost a fresh parse's 60-90 ms per keystroke
   * until the brace was typed). Returns the ranges so marked.
   */
  private forgetErrors(old: Tree): { start: number; end: number }[] {
    if (!old.rootNode.hasError) return [];
    const marked: { start: number; end: number }[] = [];
    const cursor = old.walk();
    try {
      for (;;) {
        const node = cursor.currentNode;
        if (node.isError || node.isMissing) {
          marked.push({ start: node.startIndex, end: node.endIndex });
          markEdited(old, node.startIndex, node.endIndex, node.startPosition, node.endPosition);
        } else if (node.hasError && cursor.gotoFirstChild()) continue;
        // On to the next subtree holding an error: a later sibling, else a later sibling of an ancestor.
        for (;;) {
          if (cursor.gotoNextSibling()) {
            if (cursor.currentNode.hasError) break;
          } else if (!cursor.gotoParent()) return marked;
        }
      }
    } finally {
      cursor.delete();
    }
  }

  /**
   * Marks the code before an edit as edited too (onto itself), back to the start of the last line before it
   * that holds code. The reparse reuses a node whose own text and lookahead the edit left alone, but which
   * token follows it past comments and blank lines is also what decided how it was reduced: typing the rest
   * of a line comment onto its next line (`a = ()` then `// x` + `.f()`) once left `(a = ()).f()` where a
   * fresh parse reads `a = ().f()`.
   */
  private forgetLeftContext(start: number, position: Point): void {
    let row = position.row;
    let from = this.lineStarts[row] ?? 0;
    while (
      row > 0 &&
      !holdsCode(this.currentText, from, row === position.row ? start : (this.lineStarts[row + 1] ?? start))
    ) {
      row--;
      from = this.lineStarts[row] ?? 0;
    }
    if (from >= start) return;
    if (this.tree) markEdited(this.tree, from, start, { row, column: 0 }, position);
  }

  private parse(old: Tree | undefined): Tree {
    this.changedRanges = [];
    return parseWithin(this.parser, this.currentText, old, this.options.maxParseMs, (ranges) => {
      this.changedRanges = ranges;
    });
  }

  /** edit + analyse. */
  update(changes: readonly DocumentChange[]): Finding[] {
    this.edit(changes);
    return this.analyse();
  }

  /** Frees the tree (wasm memory is manual) and the cached results. */
  dispose(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.items = undefined;
    this.facts = undefined;
    this.cache = undefined;
    this.pending = undefined;
  }

  /**
   * Where the edit can have changed anything: the edited lines, whole (an item starting on one of them
   * has a new line prefix), and the ranges whose syntax changed.
   */
  private dirtyRanges(edit: EditSpan): DirtyRanges {
    const text = this.currentText;
    const lineStart = edit.start === 0 ? 0 : text.lastIndexOf('\n', edit.start - 1) + 1;
    const lineEnd = text.indexOf('\n', edit.newEnd);
    const ranges = [{ start: lineStart, end: lineEnd < 0 ? text.length : lineEnd }];
    for (const range of this.changedRanges) ranges.push({ start: range.startIndex, end: range.endIndex });
    return ranges;
  }

  private positionAt(offset: number): Point {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { row: low, column: offset - (this.lineStarts[low] ?? 0) };
  }

  /** Line starts after replacing lines startRow..endRow's span from `start` with `inserted`. */
  private updateLineStarts(startRow: number, endRow: number, start: number, inserted: string, delta: number): void {
    const added: number[] = [];
    for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) added.push(start + i + 1);
    if (added.length === 0 && startRow === endRow) {
      // Most keystrokes: the same lines, the later ones moved (in place, no new array of ten thousand).
      for (let row = endRow + 1; row < this.lineStarts.length; row++)
        this.lineStarts[row] = (this.lineStarts[row] ?? 0) + delta;
      return;
    }
    const tail = this.lineStarts.slice(endRow + 1).map((offset) => offset + delta);
    this.lineStarts = this.lineStarts.slice(0, startRow + 1).concat(added, tail);
  }
}

/**
 * An edit of [start, end) onto itself: the text stays, and the reparse reuses no node overlapping the range
 * (how forgetErrors and forgetLeftContext keep tree-sitter from reusing what it must not).
 */
function markEdited(tree: Tree, start: number, end: number, startPosition: Point, endPosition: Point): void {
  tree.edit(
    new Edit({
      startIndex: start,
      oldEndIndex: end,
      newEndIndex: end,
      startPosition,
      oldEndPosition: endPosition,
      newEndPosition: endPosition,
    }),
  );
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Whether text[from, to) holds something other than blanks and comment lines (`//`, or `/*` and `*` lines). */
function holdsCode(text: string, from: number, to: number): boolean {
  const line = text.slice(from, to).trim();
  return line !== '' && !line.startsWith('//') && !line.startsWith('/*') && !line.startsWith('*');
}

function countBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
