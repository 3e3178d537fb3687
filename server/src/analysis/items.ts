// The top-level items of a parsed file (the root's children, each with the attributes and comments before
// it: `#[proxy(…)]` belongs to the trait it annotates): the unit an incremental analysis caches results by.
// An item keeps its id from one version to the next while the edit left it alone.
import type { Node, Tree } from 'web-tree-sitter';

export interface TopLevelItem {
  /** Stable across versions while the item's text, structure and start position stay the same. */
  id: number;
  /** Stable while the item's text and structure stay the same, wherever it moves (what text facts key on). */
  textId: number;
  /** The root's children it is made of (attributes and comments, then the item itself); empty for a plain string. */
  nodes: readonly Node[];
  start: number;
  end: number;
  row: number;
  column: number;
}

/** One text edit as the tree saw it: offsets in UTF-16 units, `newEnd` in the new text. */
export interface EditSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Ranges of the new text where something changed (edited text and changed syntax), closed at both ends. */
export type DirtyRanges = readonly { start: number; end: number }[];

let nextId = 1;

export class TopLevelItems {
  private readonly ids: Set<number>;
  /** Items new in this version (all of them unless built from a previous version by `after`). */
  readonly fresh: readonly TopLevelItem[];
  /** Items whose text is new in this version, and text ids of the previous version's that are gone. */
  readonly freshText: readonly TopLevelItem[];
  readonly removedText: readonly number[];
  private readonly textIds: Set<number>;

  /**
   * @param previous the items this version was derived from, when ids carry over from them
   * @param removed ids of `previous` items that are gone
   */
  constructor(
    readonly list: readonly TopLevelItem[],
    readonly previous?: TopLevelItems,
    readonly removed: readonly number[] = [],
  ) {
    this.ids = new Set(list.map((item) => item.id));
    this.textIds = new Set(list.map((item) => item.textId));
    this.fresh = previous ? list.filter((item) => !previous.has(item.id)) : list;
    this.freshText = previous ? list.filter((item) => !previous.hasText(item.textId)) : list;
    this.removedText = previous ? previous.list.filter((old) => !this.textIds.has(old.textId)).map((old) => old.textId) : [];
  }

  hasText(textId: number): boolean {
    return this.textIds.has(textId);
  }

  /** Items of `tree`, each with a fresh id. */
  static fresh(tree: Tree): TopLevelItems {
    return new TopLevelItems(groups(tree).map((nodes) => item(nodes, nextId++)));
  }

  /** The whole text as one item (what a plain string without a tree is read as). */
  static whole(length: number): TopLevelItems {
    const id = nextId++;
    return new TopLevelItems([{ id, textId: id, nodes: [], start: 0, end: length, row: 0, column: 0 }]);
  }

  /**
   * Items of `tree` after one edit of the previous version: an item outside every dirty range whose
   * pre-edit twin had the same extent and start position keeps the twin's id.
   */
  static after(previous: TopLevelItems, tree: Tree, edit: EditSpan, dirty: DirtyRanges): TopLevelItems {
    const delta = edit.newEnd - edit.oldEnd;
    const byStart = new Map(previous.list.map((old) => [old.start, old]));
    const list = groups(tree).map((nodes) => {
        const fresh = item(nodes, 0);
        const { start, end } = fresh;
        const touched = dirty.some((range) => start <= range.end && end >= range.start);
        const oldStart = start < edit.start ? start : start - delta;
        const twin = touched ? undefined : byStart.get(oldStart);
        const same = twin && twin.end === (end <= edit.start ? end : end - delta);
        const keep = same && twin.row === fresh.row && twin.column === fresh.column;
        // Moved by a line break above it: the same text (its text facts stand), not the same positions.
        return { ...fresh, id: keep ? twin.id : nextId++, textId: same ? twin.textId : nextId++ };
      });
    const ids = new Set(list.map((item) => item.id));
    return new TopLevelItems(list, previous, previous.list.filter((old) => !ids.has(old.id)).map((old) => old.id));
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** The item holding [start, end), or undefined when the range is outside every item or spans two. */
  holding(start: number, end: number): TopLevelItem | undefined {
    let low = 0;
    let high = this.list.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const candidate = this.list[mid];
      if (!candidate) break;
      if (start < candidate.start) high = mid - 1;
      else if (start >= candidate.end) low = mid + 1;
      else return end <= candidate.end ? candidate : undefined;
    }
    return undefined;
  }
}

/** What is attached to the item after it rather than standing alone. */
const LEADING = new Set(['attribute_item', 'line_comment', 'block_comment', 'comment']);

/** The root's children grouped into items: leading attributes and comments join the next child. */
function groups(tree: Tree): Node[][] {
  const out: Node[][] = [];
  let leading: Node[] = [];
  for (const child of tree.rootNode.children) {
    if (!child) continue;
    leading.push(child);
    if (LEADING.has(child.type)) continue;
    out.push(leading);
    leading = [];
  }
  if (leading.length > 0) out.push(leading);
  return out;
}

function item(nodes: Node[], id: number): TopLevelItem {
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (!first || !last) throw new Error('an item is made of at least one node');
  return { id, textId: id, nodes, start: first.startIndex, end: last.endIndex, row: first.startPosition.row, column: first.startPosition.column };
}

/** The root child of `item` holding `index` (the last one when none does). */
export function childAt(item: TopLevelItem, index: number): Node {
  const found = item.nodes.find((node) => index >= node.startIndex && index < node.endIndex) ?? item.nodes[item.nodes.length - 1];
  if (!found) throw new Error('an item without tree nodes reached the analysis pass');
  return found;
}
