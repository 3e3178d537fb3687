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
  /** Lines the edit added (negative: removed). */
  rows: number;
}

/** Ranges of the new text where something changed (edited text and changed syntax), closed at both ends. */
export type DirtyRanges = readonly { start: number; end: number }[];

let nextId = 1;

export class TopLevelItems {
  private readonly byId: Map<number, TopLevelItem>;
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
    this.byId = new Map(list.map((item) => [item.id, item]));
    this.textIds = new Set(list.map((item) => item.textId));
    this.fresh = previous ? list.filter((item) => !previous.has(item.id)) : list;
    this.freshText = previous ? list.filter((item) => !previous.hasText(item.textId)) : list;
    this.removedText = previous
      ? previous.list.filter((old) => !this.textIds.has(old.textId)).map((old) => old.textId)
      : [];
  }

  hasText(textId: number): boolean {
    return this.textIds.has(textId);
  }

  /** Items of `tree`, each with a fresh id. */
  static fresh(tree: Tree): TopLevelItems {
    return new TopLevelItems(groups(tree.rootNode.children).map((nodes) => item(nodes, nextId++)));
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
    return afterInWindow(previous, tree, edit, dirty) ?? afterAll(previous, tree, edit, dirty);
  }

  has(id: number): boolean {
    return this.byId.has(id);
  }

  get(id: number): TopLevelItem | undefined {
    return this.byId.get(id);
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

/** `after` by reading every root child of the new tree (a few hundred in a large file). */
function afterAll(previous: TopLevelItems, tree: Tree, edit: EditSpan, dirty: DirtyRanges): TopLevelItems {
  const delta = edit.newEnd - edit.oldEnd;
  const byStart = new Map(previous.list.map((old) => [old.start, old]));
  const list = groups(tree.rootNode.children).map((nodes) => {
    const fresh = item(nodes, 0);
    const twin = touches(dirty, fresh.start, fresh.end)
      ? undefined
      : byStart.get(fresh.start < edit.start ? fresh.start : fresh.start - delta);
    return withTwin(fresh, twin, fresh.end <= edit.start ? fresh.end : fresh.end - delta);
  });
  return derived(previous, list);
}

/**
 * `after` reading only the root children around the dirty ranges: the items before and after them are the
 * previous version's, moved by the edit (what the reparse reused). Undefined when the window's edges do not
 * fall between items of both versions; `afterAll` answers then.
 */
function afterInWindow(
  previous: TopLevelItems,
  tree: Tree,
  edit: EditSpan,
  dirty: DirtyRanges,
): TopLevelItems | undefined {
  const delta = edit.newEnd - edit.oldEnd;
  // Old offsets in the new text; offsets inside replaced text land at its end.
  const moved = (offset: number) =>
    offset <= edit.start ? offset : offset >= edit.oldEnd ? offset + delta : edit.newEnd;
  let low = Infinity;
  let high = -Infinity;
  for (const range of dirty) {
    low = Math.min(low, range.start);
    high = Math.max(high, range.end);
  }
  for (const old of previous.list) {
    const start = moved(old.start);
    const end = moved(old.end);
    if (start <= high && end >= low) {
      low = Math.min(low, start);
      high = Math.max(high, end);
    }
  }
  if (low > high) return undefined;
  // The root children touching [low, high], widened to whole items (leading comments and attributes).
  const root = tree.rootNode;
  let first = root.firstChildForIndex(Math.max(0, low - 1));
  for (
    let before = first?.previousSibling;
    first && before && LEADING.has(before.type);
    before = before.previousSibling
  )
    first = before;
  const children: Node[] = [];
  for (let child = first; child; child = child.nextSibling) {
    const open = children.length > 0 && LEADING.has(children[children.length - 1]?.type ?? '');
    if (child.startIndex > high && !open) break;
    children.push(child);
  }
  const windowStart = Math.min(low, children[0]?.startIndex ?? low);
  const windowEnd = Math.max(high, children[children.length - 1]?.endIndex ?? high);
  const before: TopLevelItem[] = [];
  const after: TopLevelItem[] = [];
  const inside = new Map<number, TopLevelItem>();
  for (const old of previous.list) {
    const start = moved(old.start);
    const end = moved(old.end);
    const within = start >= windowStart && end <= windowEnd;
    // Every item the edit can have changed must be read again from the new tree.
    if (!within && touches(dirty, start, end)) return undefined;
    if (end <= windowStart && old.end <= edit.start) before.push(old);
    else if (start >= windowEnd && old.start >= edit.oldEnd) after.push(old);
    else if (!within) return undefined;
    else inside.set(old.start, old);
  }
  const list: TopLevelItem[] = before.map((old) => new MovedItem(tree, old, old.id, old.start, old.end, old.row));
  for (const nodes of groups(children)) {
    const fresh = item(nodes, 0);
    const twin = touches(dirty, fresh.start, fresh.end)
      ? undefined
      : inside.get(fresh.start < edit.start ? fresh.start : fresh.start - delta);
    list.push(withTwin(fresh, twin, fresh.end <= edit.start ? fresh.end : fresh.end - delta));
  }
  for (const old of after) {
    // Moved down or up by a line break: the same text (its text facts stand), not the same positions.
    const id = edit.rows === 0 ? old.id : nextId++;
    list.push(new MovedItem(tree, old, id, old.start + delta, old.end + delta, old.row + edit.rows));
  }
  return derived(previous, list);
}

function touches(dirty: DirtyRanges, start: number, end: number): boolean {
  return dirty.some((range) => start <= range.end && end >= range.start);
}

/** `fresh` with its twin's ids when the twin had the same extent (`twinEnd`: fresh's end in old offsets) and position. */
function withTwin(fresh: TopLevelItem, twin: TopLevelItem | undefined, twinEnd: number): TopLevelItem {
  const same = twin && twin.end === twinEnd;
  const keep = same && twin.row === fresh.row && twin.column === fresh.column;
  return { ...fresh, id: keep ? twin.id : nextId++, textId: same ? twin.textId : nextId++ };
}

/**
 * An unchanged item of the previous version (`old`) at its new place, whose root children are read from
 * `tree` when asked for. A class rather than an object literal with a getter: hundreds are made per keystroke.
 */
class MovedItem implements TopLevelItem {
  private children: Node[] | undefined;
  readonly textId: number;
  readonly column: number;

  constructor(
    private readonly tree: Tree,
    old: TopLevelItem,
    readonly id: number,
    readonly start: number,
    readonly end: number,
    readonly row: number,
  ) {
    this.textId = old.textId;
    this.column = old.column;
  }

  get nodes(): readonly Node[] {
    if (!this.children) {
      this.children = [];
      for (
        let child = this.tree.rootNode.firstChildForIndex(this.start);
        child && child.startIndex < this.end;
        child = child.nextSibling
      ) {
        this.children.push(child);
      }
    }
    return this.children;
  }
}

function derived(previous: TopLevelItems, list: TopLevelItem[]): TopLevelItems {
  const ids = new Set(list.map((item) => item.id));
  return new TopLevelItems(
    list,
    previous,
    previous.list.filter((old) => !ids.has(old.id)).map((old) => old.id),
  );
}

/** What is attached to the item after it rather than standing alone. */
const LEADING = new Set(['attribute_item', 'line_comment', 'block_comment', 'comment']);

/** Root children grouped into items: leading attributes and comments join the next child. */
function groups(children: readonly (Node | null)[]): Node[][] {
  const out: Node[][] = [];
  let leading: Node[] = [];
  for (const child of children) {
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
  return {
    id,
    textId: id,
    nodes,
    start: first.startIndex,
    end: last.endIndex,
    row: first.startPosition.row,
    column: first.startPosition.column,
  };
}

/** The root child of `item` holding `index` (the last one when none does). */
export function childAt(item: TopLevelItem, index: number): Node {
  const found =
    item.nodes.find((node) => index >= node.startIndex && index < node.endIndex) ?? item.nodes[item.nodes.length - 1];
  if (!found) throw new Error('an item without tree nodes reached the analysis pass');
  return found;
}
