// The top-level items of a parsed file (the root's children, each with the attributes and comments before
// it: `#[proxy(…)]` belongs to the trait it annotates): the unit an incremental analysis caches results by.
// An item keeps its id from one version to the next while the edit left it alone.
import type { Node, Tree } from 'web-tree-sitter';

export interface TopLevelItem {
  /** Stable across versions while the item's text, structure and start position stay the same. */
  id: number;
  /**
   * Stable while the item's text stays the same, wherever it moves and whatever the syntax around it does
   * (what text facts key on: they read nothing but the item's text).
   */
  textId: number;
  /** Stable while the item's text and syntax stay the same, wherever it moves (what movable results key on). */
  treeId: number;
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
  private readonly treeIds: Set<number>;

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
    this.treeIds = new Set(list.map((item) => item.treeId));
    this.fresh = previous ? list.filter((item) => !previous.has(item.id)) : list;
    this.freshText = previous ? list.filter((item) => !previous.hasText(item.textId)) : list;
    this.removedText = previous
      ? previous.list.filter((old) => !this.textIds.has(old.textId)).map((old) => old.textId)
      : [];
  }

  hasText(textId: number): boolean {
    return this.textIds.has(textId);
  }

  hasTree(treeId: number): boolean {
    return this.treeIds.has(treeId);
  }

  /** Items of `tree`, each with a fresh id. */
  static fresh(tree: Tree): TopLevelItems {
    return new TopLevelItems(units(tree.rootNode.children).map((nodes) => item(nodes, nextId++)));
  }

  /** The whole text as one item (what a plain string without a tree is read as). */
  static whole(length: number): TopLevelItems {
    const id = nextId++;
    return new TopLevelItems([{ id, textId: id, treeId: id, nodes: [], start: 0, end: length, row: 0, column: 0 }]);
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
  const list = units(tree.rootNode.children).map((nodes) => {
    const fresh = item(nodes, 0);
    const twin = byStart.get(fresh.start < edit.start ? fresh.start : fresh.start - delta);
    return withTwin(fresh, twin, fresh.end <= edit.start ? fresh.end : fresh.end - delta, dirty, edit);
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
  // A large module is read member by member (`units`): the window's edges need not fall between root children.
  if (children.some((child) => splitBody(child))) return undefined;
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
    const twin = inside.get(fresh.start < edit.start ? fresh.start : fresh.start - delta);
    list.push(withTwin(fresh, twin, fresh.end <= edit.start ? fresh.end : fresh.end - delta, dirty, edit));
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

/**
 * `fresh` with the ids of its twin (the previous version's item at its start, `twinEnd`: fresh's end in old
 * offsets) that still hold. Its text id when the twin had the same extent and the edit left its text alone,
 * even where the syntax around it changed (an unclosed brace nesting the rest of the file one level deeper
 * leaves every later item's text, and so its text facts, as they were); its tree id also needs it outside
 * every dirty range; its id also needs the same position.
 */
function withTwin(
  fresh: TopLevelItem,
  twin: TopLevelItem | undefined,
  twinEnd: number,
  dirty: DirtyRanges,
  edit: EditSpan,
): TopLevelItem {
  const sameText = !!twin && twin.end === twinEnd && (twin.end < edit.start || twin.start > edit.oldEnd);
  const sameTree = sameText && !touches(dirty, fresh.start, fresh.end);
  const keep = sameTree && twin.row === fresh.row && twin.column === fresh.column;
  return {
    ...fresh,
    id: keep ? twin.id : nextId++,
    textId: sameText ? twin.textId : nextId++,
    treeId: sameTree ? twin.treeId : nextId++,
  };
}

/**
 * An unchanged item of the previous version (`old`) at its new place, whose root children are read from
 * `tree` when asked for. A class rather than an object literal with a getter: hundreds are made per keystroke.
 */
class MovedItem implements TopLevelItem {
  private children: Node[] | undefined;
  readonly textId: number;
  readonly treeId: number;
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
    this.treeId = old.treeId;
    this.column = old.column;
  }

  get nodes(): readonly Node[] {
    if (!this.children) {
      this.children = [];
      // A member of a large module (`units`): down through the module to the level the item's nodes are on.
      let child = this.tree.rootNode.firstChildForIndex(this.start);
      while (child && child.endIndex > this.end) child = child.firstChildForIndex(this.start);
      for (; child && child.startIndex < this.end; child = child.nextSibling) this.children.push(child);
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

/**
 * A module larger than this is read as its members, each an item of its own: a keystroke in one of them
 * re-analyses that member, not the module. (An unclosed brace can make one module run to the end of a file
 * while it is typed: re-reading the rest of the file's text on every keystroke cost 15-20 ms.)
 */
const SPLIT_AT = 32 * 1024;

/**
 * Items of `children` (root children, or a large module's members): `groups`, with each large module split
 * into its head (leading attributes and comments, `pub mod name`) and the items of its body. The braces
 * belong to no item: they hold nothing a rule reads.
 */
function units(children: readonly (Node | null)[]): Node[][] {
  const out: Node[][] = [];
  for (const group of groups(children)) {
    const last = group[group.length - 1];
    const body = last && splitBody(last);
    if (!last || !body) {
      out.push(group);
      continue;
    }
    const head = group.slice(0, -1);
    for (const child of last.children) if (child && child.endIndex <= body.startIndex) head.push(child);
    if (head.length > 0) out.push(head);
    out.push(...units(body.children.filter((child) => child && child.type !== '{' && child.type !== '}')));
  }
  return out;
}

/** The body a large Rust module is split at (`units`); undefined for anything else. */
function splitBody(node: Node): Node | undefined {
  if (node.type !== 'mod_item' || node.endIndex - node.startIndex < SPLIT_AT) return undefined;
  const body = node.childForFieldName('body');
  return body?.type === 'declaration_list' ? body : undefined;
}

function item(nodes: Node[], id: number): TopLevelItem {
  const first = nodes[0];
  const last = nodes[nodes.length - 1];
  if (!first || !last) throw new Error('an item is made of at least one node');
  return {
    id,
    textId: id,
    treeId: id,
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
