// Whole-file facts: everything a rule reads from the file outside the code it checks goes through FileFacts,
// so an incremental analysis knows what a cached result depended on and can prove it still holds.
import { TopLevelItems } from './items';

/** Values facts may hold: compared by value across file versions (never tree nodes: they belong to one tree). */
export type FactArg = string;

export interface FileFacts {
  /** True when `pattern` matches inside one top-level item of the file (matches never span two items). */
  has(pattern: RegExp): boolean;
  /** Every match of `pattern` (global) inside each top-level item, in file order, with file offsets in `index`. */
  matches(pattern: RegExp): readonly RegExpExecArray[];
  /** `each(text)` of every top-level item, in file order (computed once per item while the item is unchanged). */
  eachItem<T>(each: (itemText: string) => T): readonly T[];
  /** The file's text in [start, end). */
  textAt(start: number, end: number): string;
  /**
   * A value derived from the file by `derive` (which reads it only through the FileFacts it is given),
   * computed once per file version. Callers depend on the value, not on how it was found.
   */
  fact<A extends FactArg[], T>(derive: (file: FileFacts, ...args: A) => T, ...args: A): T;
}

/** One recorded read: its key, the value seen, and how to read it again in a later version. */
export interface FactRead {
  key: string;
  value: unknown;
  reread(version: VersionFacts): unknown;
}

const deriveIds = new WeakMap<object, number>();
let nextDeriveId = 0;
function deriveKey(derive: object, args: readonly string[]): string {
  let id = deriveIds.get(derive);
  if (id === undefined) deriveIds.set(derive, (id = nextDeriveId++));
  return `f${id}(${args.join('\u0000')})`;
}

const patternKey = (kind: string, pattern: RegExp) => `${kind}/${pattern.source}/${pattern.flags}`;

function globalCopy(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
}

interface Matches {
  raw: RegExpExecArray[];
  /** What callers depend on: per match, the item it is in (by stable id), the offset in it and the groups. */
  shape: unknown[];
}

/**
 * The facts of one file version. Regex facts are computed per top-level item and reused for items the
 * edit did not touch (items keep their id while unchanged); a value equal to the previous version's keeps
 * that object, so recorded reads compare by identity almost always.
 */
export class VersionFacts implements FileFacts {
  private readonly memo = new Map<string, unknown>();
  /** Per item id and pattern key: the item's matches (offsets relative to the item). */
  private readonly itemMatches: Map<string, Map<number, RegExpExecArray[]>>;
  /** Per `eachItem` function and item id: its value for the item. */
  private readonly itemValues: Map<object, Map<number, unknown>>;

  constructor(
    readonly text: string,
    readonly items: TopLevelItems,
    private readonly previous?: VersionFacts,
  ) {
    // Keep only the per-item results of items that survive into this version.
    this.itemMatches = new Map();
    this.itemValues = new Map();
    if (previous) {
      for (const [key, byItem] of previous.itemMatches) this.itemMatches.set(key, surviving(byItem, items));
      for (const [key, byItem] of previous.itemValues) this.itemValues.set(key, surviving(byItem, items));
    }
  }

  private value<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    let value: T = compute();
    const before = this.previous?.memo.get(key);
    if (this.previous?.memo.has(key) && sameValue(before, value)) value = before as T;
    this.memo.set(key, value);
    return value;
  }

  /** The matches of `pattern` in each item (item-relative indices), reusing unchanged items' lists. */
  private perItem(pattern: RegExp): { id: number; start: number; list: RegExpExecArray[] }[] {
    const key = patternKey('m', pattern);
    let byItem = this.itemMatches.get(key);
    if (!byItem) this.itemMatches.set(key, (byItem = new Map()));
    const re = globalCopy(pattern);
    const out: { id: number; start: number; list: RegExpExecArray[] }[] = [];
    for (const item of this.items.list) {
      let list = byItem.get(item.id);
      if (!list) {
        list = [];
        const text = this.text.slice(item.start, item.end);
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0].length === 0) re.lastIndex++;
          list.push(m);
        }
        byItem.set(item.id, list);
      }
      if (list.length > 0) out.push({ id: item.id, start: item.start, list });
    }
    return out;
  }

  private allMatches(pattern: RegExp): Matches {
    // Not canonicalised across versions: the raw matches carry this version's file offsets.
    const key = patternKey('M', pattern);
    let found = this.memo.get(key) as Matches | undefined;
    if (!found) {
      const raw: RegExpExecArray[] = [];
      const shape: unknown[] = [];
      for (const { id, start, list } of this.perItem(pattern)) {
        for (const m of list) {
          // A copy with the file offset: callers look nodes up by it.
          const copy = Object.assign([...m], { index: start + m.index, input: m.input, groups: m.groups }) as RegExpExecArray;
          raw.push(copy);
          shape.push([id, m.index, ...m]);
        }
      }
      this.memo.set(key, (found = { raw, shape }));
    }
    return found;
  }

  eachItem<T>(each: (itemText: string) => T): readonly T[] {
    let byItem = this.itemValues.get(each) as Map<number, T> | undefined;
    if (!byItem) this.itemValues.set(each, (byItem = new Map()));
    const out: T[] = [];
    for (const item of this.items.list) {
      if (!byItem.has(item.id)) byItem.set(item.id, each(this.text.slice(item.start, item.end)));
      out.push(byItem.get(item.id) as T);
    }
    return out;
  }

  textAt(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  has(pattern: RegExp): boolean {
    return this.value(patternKey('h', pattern), () => this.perItem(pattern).length > 0);
  }

  matches(pattern: RegExp): readonly RegExpExecArray[] {
    return this.allMatches(pattern).raw;
  }

  /** The part of `matches` a result can depend on (positions as item id + offset). */
  matchShape(pattern: RegExp): unknown {
    return this.value(patternKey('s', pattern), () => this.allMatches(pattern).shape);
  }

  fact<A extends FactArg[], T>(derive: (file: FileFacts, ...args: A) => T, ...args: A): T {
    return this.value(deriveKey(derive, args), () => derive(this, ...args));
  }

  /** Per-item values paired with their item ids: what a result read through `eachItem` depends on. */
  itemShape(values: readonly unknown[]): unknown[] {
    return values.map((value, i) => [this.items.list[i]?.id, value]);
  }
}

function surviving<V>(byItem: Map<number, V>, items: TopLevelItems): Map<number, V> {
  const kept = new Map<number, V>();
  for (const [id, value] of byItem) if (items.has(id)) kept.set(id, value);
  return kept;
}

/** Facts of a plain string read as one item (for hosts without a tree, e.g. a prefilter before parsing). */
export function textFacts(text: string): FileFacts {
  return new VersionFacts(text, TopLevelItems.whole(text.length));
}

/** A FileFacts that records every read into `reads` (an analysis result's inputs). */
export class RecordingFacts implements FileFacts {
  readonly reads: FactRead[] = [];

  constructor(readonly version: VersionFacts) {}

  has(pattern: RegExp): boolean {
    const value = this.version.has(pattern);
    this.reads.push({ key: patternKey('h', pattern), value, reread: (v) => v.has(pattern) });
    return value;
  }

  matches(pattern: RegExp): readonly RegExpExecArray[] {
    const value = this.version.matchShape(pattern);
    this.reads.push({ key: patternKey('s', pattern), value, reread: (v) => v.matchShape(pattern) });
    return this.version.matches(pattern);
  }

  eachItem<T>(each: (itemText: string) => T): readonly T[] {
    // Per-item values sit at file positions: depend on them by item id, as matches do.
    const value = this.version.eachItem(each);
    this.reads.push({ key: 'e', value: this.version.itemShape(value), reread: (v) => v.itemShape(v.eachItem(each)) });
    return value;
  }

  textAt(start: number, end: number): string {
    const value = this.version.textAt(start, end);
    this.reads.push({ key: `t${start}:${end}`, value, reread: (v) => v.textAt(start, end) });
    return value;
  }

  fact<A extends FactArg[], T>(derive: (file: FileFacts, ...args: A) => T, ...args: A): T {
    const value = this.version.fact(derive, ...args);
    this.reads.push({ key: deriveKey(derive, args), value, reread: (v) => v.fact(derive, ...args) });
    return value;
  }
}

/** True when every recorded read gives the same value in `version`. */
export function readsHold(reads: readonly FactRead[], version: VersionFacts): boolean {
  for (const read of reads) {
    const now = read.reread(version);
    if (now !== read.value && !sameValue(now, read.value)) return false;
  }
  return true;
}

/** Structural equality for fact values: primitives, arrays, plain objects, Maps, Sets, RegExps. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof RegExp) return b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    const left = [...a];
    const right = [...b];
    return left.every(([k, v], i) => right[i]?.[0] === k && sameValue(v, right[i]?.[1]));
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    const right = [...b];
    return [...a].every((v, i) => sameValue(v, right[i]));
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
