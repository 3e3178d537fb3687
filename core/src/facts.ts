// Whole-file facts: everything a rule reads from the file outside the code it checks goes through FileFacts,
// so an incremental analysis knows what a cached result depended on and can prove it still holds.
import { TopLevelItems, type TopLevelItem } from './items';
import type { ProjectContext } from './manifests';
import { literalPrefilter, literalSearch, patternLiterals } from './regexLiterals';
import type { ImportedModule } from './summaries';

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
  /**
   * What the file's project manifest says (the host's answer, fixed for a document's life: new options start a
   * fresh analysis), so it is not a recorded read.
   */
  readonly project: ProjectContext | undefined;
  /** What the host knows of the files this one imports (their function summaries); fixed like `project`. */
  readonly imported: readonly ImportedModule[] | undefined;
}

/** One recorded read: its key, the value seen, and how to read it again in a later version. */
export interface FactRead {
  /** Names the read: two reads with one key read the same thing (in one version, the same value). */
  key: string;
  value: unknown;
  /** The value is read at a file offset: it changes when code moves. */
  positional?: true;
  reread(version: VersionFacts): unknown;
}

const deriveIds = new WeakMap<object, string>();
let nextDeriveId = 0;
function deriveKey(derive: object, args: readonly string[]): string {
  let id = deriveIds.get(derive);
  if (id === undefined) deriveIds.set(derive, (id = `f${nextDeriveId++}`));
  // Most derived facts take no arguments: their key is built once.
  return args.length === 0 ? id : `${id}(${args.join('\u0000')})`;
}

const patternKeys = new WeakMap<RegExp, Map<string, string>>();
const itemShapes = new WeakMap<RegExpExecArray[], unknown[]>();
/** A pattern's memo key of one kind, built once per pattern object (sources can be long). */
function patternKey(kind: string, pattern: RegExp): string {
  let keys = patternKeys.get(pattern);
  if (!keys) patternKeys.set(pattern, (keys = new Map<string, string>()));
  let key = keys.get(kind);
  if (!key) keys.set(kind, (key = `${kind}/${pattern.source}/${pattern.flags}`));
  return key;
}

const globalCopies = new WeakMap<RegExp, RegExp>();
/** A global twin of `pattern`, one per pattern object (callers reset lastIndex before each scan). */
function globalCopy(pattern: RegExp): RegExp {
  let copy = globalCopies.get(pattern);
  if (!copy)
    globalCopies.set(
      pattern,
      (copy = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`)),
    );
  return copy;
}

/**
 * The facts of one file version. Regex facts are computed per top-level item and reused for items the
 * edit did not touch (items keep their id while unchanged); a value equal to the previous version's keeps
 * that object, so recorded reads compare by identity almost always.
 */
export class VersionFacts implements FileFacts {
  private readonly memo = new Map<string, unknown>();
  /** Per item text id and pattern key: the item's matches (offsets relative to the item). */
  private readonly itemMatches: Map<string, Map<number, RegExpExecArray[]>>;
  /** Per `eachItem` function and item text id: its value for the item. */
  private readonly itemValues: Map<object, Map<number, unknown>>;

  /**
   * @param previous the previous version's facts, whose unchanged parts carry over
   * @param recording false for a one-shot analysis: derived facts need not remember what they read
   */
  constructor(
    readonly text: string,
    readonly items: TopLevelItems,
    private readonly previous?: VersionFacts,
    private readonly recording = true,
    readonly project: ProjectContext | undefined = undefined,
    readonly imported: readonly ImportedModule[] | undefined = undefined,
  ) {
    // Per-item results are shared with the previous version (ids are never reused, so a gone item's entry
    // is only dead weight); a map is pruned when dead entries outnumber live ones.
    this.itemMatches = previous?.itemMatches ?? new Map<string, Map<number, RegExpExecArray[]>>();
    this.itemValues = previous?.itemValues ?? new Map<object, Map<number, unknown>>();
    const limit = 2 * items.list.length + 64;
    for (const byItem of [...this.itemMatches.values(), ...this.itemValues.values()]) {
      if (byItem.size > limit) for (const id of [...byItem.keys()]) if (!items.hasText(id)) byItem.delete(id);
    }
  }

  /** Derived facts of this version with the reads they were derived from. */
  private readonly derived = new Map<string, { value: unknown; reads: FactRead[] }>();
  /** What each recorded read (by key) reads in this version: many cached results share their reads. */
  private readonly rereads = new Map<string, unknown>();

  /** The value `read` gives in this version, read once per key (a key names one read, see FactRead). */
  reread(read: FactRead): unknown {
    if (this.rereads.has(read.key)) return this.rereads.get(read.key);
    const value = read.reread(this);
    this.rereads.set(read.key, value);
    return value;
  }

  /**
   * True when `pattern`'s matches are the previous version's: every item that went away had none, and so
   * does every new item (only those are scanned).
   */
  private unaffected(pattern: RegExp): boolean {
    const previous = this.previous;
    if (!previous || this.items.previous !== previous.items) return false;
    const before = previous.itemMatches.get(patternKey('m', pattern));
    if (!before) return false;
    // By item text: an item moved by a line break has the same matches.
    if (this.items.removedText.some((textId) => before.get(textId)?.length !== 0)) return false;
    return this.items.freshText.every((item) => this.itemList(pattern, item).length === 0);
  }

  private value<T>(key: string, compute: () => T, pattern?: RegExp): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    if (pattern && this.previous?.memo.has(key) && this.unaffected(pattern)) {
      const kept = this.previous.memo.get(key) as T;
      this.memo.set(key, kept);
      return kept;
    }
    let value: T = compute();
    const before = this.previous?.memo.get(key);
    if (this.previous?.memo.has(key) && sameValue(before, value)) value = before as T;
    this.memo.set(key, value);
    return value;
  }

  /** The matches of `pattern` in each item (item-relative indices), reusing unchanged items' lists. */
  private perItem(pattern: RegExp): { textId: number; start: number; list: RegExpExecArray[] }[] {
    const key = patternKey('m', pattern);
    let byItem = this.itemMatches.get(key);
    if (!byItem) this.itemMatches.set(key, (byItem = new Map<number, RegExpExecArray[]>()));
    const out: { textId: number; start: number; list: RegExpExecArray[] }[] = [];
    // A first version scans every item: the items holding the pattern's literal are found by one search of the text
    // (shared by every pattern needing that literal) instead of one test per item. Later versions scan fresh items only.
    const candidates = this.previous ? undefined : this.itemsHolding(pattern);
    for (const [index, item] of this.items.list.entries()) {
      if (candidates && !candidates.has(index) && !byItem.has(item.textId)) byItem.set(item.textId, []);
      const list = this.itemList(pattern, item, byItem);
      if (list.length > 0) out.push({ textId: item.textId, start: item.start, list });
    }
    return out;
  }

  /** Per literal (case-folded for /i patterns): the indexes, in `items.list`, of the items that may hold it. */
  private readonly literalItems = new Map<string, Set<number>>();

  /** The items that may hold one of the literals `pattern` needs, or undefined when it needs none. */
  private itemsHolding(pattern: RegExp): Set<number> | undefined {
    const required = patternLiterals(pattern);
    if (!required) return undefined;
    if (required.literals.length === 1) return this.itemsWith(required.literals[0], required.flags);
    const out = new Set<number>();
    for (const literal of required.literals)
      for (const index of this.itemsWith(literal, required.flags)) out.add(index);
    return out;
  }

  /** `flags`: the pattern's case flags; a case-insensitive literal is searched for with them. */
  private itemsWith(literal: string, flags: string): Set<number> {
    const key = `${flags}/${literal}`;
    let found = this.literalItems.get(key);
    if (found) return found;
    found = new Set<number>();
    const list = this.items.list;
    const search = flags.includes('i') ? literalSearch(literal, `g${flags}`) : undefined;
    const next = (from: number): number => {
      if (!search) return this.text.indexOf(literal, from);
      search.lastIndex = from;
      return search.exec(this.text)?.index ?? -1;
    };
    let index = 0;
    for (let at = next(0); at >= 0 && index < list.length;) {
      // The item ending after `at` (items are in file order); an occurrence in a gap between items belongs to none.
      while (index < list.length && list[index].end <= at) index++;
      if (index >= list.length) break;
      const item = list[index];
      if (item.start <= at) {
        found.add(index);
        at = next(item.end);
      } else at = next(item.start);
    }
    this.literalItems.set(key, found);
    return found;
  }

  /** One item's matches of `pattern` (item-relative), computed once per item. */
  private itemList(pattern: RegExp, item: TopLevelItem, known?: Map<number, RegExpExecArray[]>): RegExpExecArray[] {
    const { textId: id, start, end } = item;
    let byItem = known ?? this.itemMatches.get(patternKey('m', pattern));
    if (!byItem) this.itemMatches.set(patternKey('m', pattern), (byItem = new Map<number, RegExpExecArray[]>()));
    let list = byItem.get(id);
    if (!list) {
      list = [];
      const text = this.text.slice(start, end);
      // An item without the literal the pattern needs is not scanned: most patterns are tried at every offset.
      const mayMatch = literalPrefilter(pattern);
      if (!mayMatch || mayMatch(text)) {
        const re = globalCopy(pattern);
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) {
          if (m[0].length === 0) re.lastIndex++;
          list.push(m);
        }
      }
      byItem.set(id, list);
    }
    return list;
  }

  /** This version's matches with file offsets (never carried over: offsets move). */
  private allMatches(pattern: RegExp): RegExpExecArray[] {
    const key = patternKey('M', pattern);
    let raw = this.memo.get(key) as RegExpExecArray[] | undefined;
    if (!raw) {
      raw = [];
      for (const { start, list } of this.perItem(pattern)) {
        // A copy with the file offset: callers look nodes up by it.
        for (const m of list)
          raw.push(
            Object.assign([...m], { index: start + m.index, input: m.input, groups: m.groups }) as RegExpExecArray,
          );
      }
      this.memo.set(key, raw);
    }
    return raw;
  }

  eachItem<T>(each: (itemText: string) => T): readonly T[] {
    let byItem = this.itemValues.get(each) as Map<number, T> | undefined;
    if (!byItem) this.itemValues.set(each, (byItem = new Map<number, T>()));
    const out: T[] = [];
    for (const item of this.items.list) {
      if (!byItem.has(item.textId)) byItem.set(item.textId, each(this.text.slice(item.start, item.end)));
      out.push(byItem.get(item.textId) as T);
    }
    return out;
  }

  textAt(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  has(pattern: RegExp): boolean {
    return this.value(patternKey('h', pattern), () => this.anyItem(pattern), pattern);
  }

  /**
   * Whether some item matches. Without a previous version (a one-shot analysis, a first open) the scan stops
   * at the first match; later versions need every item's list to tell what an edit changed.
   */
  private anyItem(pattern: RegExp): boolean {
    if (this.previous) return this.perItem(pattern).length > 0;
    return this.items.list.some((item) => this.itemList(pattern, item).length > 0);
  }

  matches(pattern: RegExp): readonly RegExpExecArray[] {
    return this.allMatches(pattern);
  }

  /** Per item: its text id and its matches (offsets in the item, groups), one array per item and pattern. */
  private shapeOf(pattern: RegExp): unknown[] {
    return this.perItem(pattern).map(({ textId, list }) => {
      // Built once per item list, so an unchanged item's part compares by identity.
      let part = itemShapes.get(list);
      if (!part) itemShapes.set(list, (part = [textId, ...list.map((m) => [m.index, ...m])]));
      return part;
    });
  }

  /**
   * The part of `matches` a result can depend on: each match as its item's text id, offset in the item and
   * groups. Code moved by a line break keeps its shape; a node looked up at a match records its item.
   */
  matchShape(pattern: RegExp): unknown {
    return this.value(patternKey('s', pattern), () => this.shapeOf(pattern), pattern);
  }

  fact<A extends FactArg[], T>(derive: (file: FileFacts, ...args: A) => T, ...args: A): T {
    return this.factByKey(deriveKey(derive, args), derive, args);
  }

  /** `fact` with its key already built (a recorded read rereads by it). */
  factByKey<A extends FactArg[], T>(key: string, derive: (file: FileFacts, ...args: A) => T, args: A): T {
    let found = this.derived.get(key);
    if (!found) {
      // The previous version's value stands while everything it was derived from reads the same.
      const before = this.previous?.derived.get(key);
      if (before && readsHold(before.reads, this)) found = before;
      else {
        const recorder = new RecordingFacts(this, this.recording);
        let value: unknown = derive(recorder, ...args);
        if (before && sameValue(before.value, value)) value = before.value;
        found = { value, reads: recorder.reads };
      }
      this.derived.set(key, found);
    }
    return found.value as T;
  }
}

/** Facts of a plain string read as one item (for hosts without a tree, e.g. a prefilter before parsing). */
export function textFacts(text: string): FileFacts {
  return new VersionFacts(text, TopLevelItems.whole(text.length));
}

/** A FileFacts that records every read into `reads` (an analysis result's inputs). */
export class RecordingFacts implements FileFacts {
  readonly reads: FactRead[] = [];
  /** Keys recorded: a check reads the same fact over and over, and one record of it is enough to reread. */
  private readonly recorded = new Set<string>();

  /** @param record false for a one-shot analysis: nothing will be reused, so nothing is recorded. */
  constructor(
    readonly version: VersionFacts,
    private readonly record = true,
  ) {}

  get project(): ProjectContext | undefined {
    return this.version.project;
  }

  get imported(): readonly ImportedModule[] | undefined {
    return this.version.imported;
  }

  has(pattern: RegExp): boolean {
    const value = this.version.has(pattern);
    if (this.record) this.note(patternKey('h', pattern), value, (v) => v.has(pattern));
    return value;
  }

  matches(pattern: RegExp): readonly RegExpExecArray[] {
    const key = patternKey('s', pattern);
    if (this.record && !this.recorded.has(key))
      this.note(key, this.version.matchShape(pattern), (v) => v.matchShape(pattern));
    return this.version.matches(pattern);
  }

  eachItem<T>(each: (itemText: string) => T): readonly T[] {
    // The values in file order are all a reader can see (no positions): unchanged items give the same objects.
    const value = this.version.eachItem(each);
    if (this.record) this.note(`e${deriveKey(each, [])}`, value, (v) => v.eachItem(each));
    return value;
  }

  textAt(start: number, end: number): string {
    const value = this.version.textAt(start, end);
    if (this.record) this.note(`t${start}:${end}`, value, (v) => v.textAt(start, end), true);
    return value;
  }

  fact<A extends FactArg[], T>(derive: (file: FileFacts, ...args: A) => T, ...args: A): T {
    const value = this.version.fact(derive, ...args);
    const key = deriveKey(derive, args);
    if (this.record) this.note(key, value, (v) => v.factByKey(key, derive, args));
    return value;
  }

  private note(key: string, value: unknown, reread: (version: VersionFacts) => unknown, positional?: true): void {
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    this.reads.push(positional ? { key, value, positional, reread } : { key, value, reread });
  }
}

/** True when every recorded read gives the same value in `version`. */
export function readsHold(reads: readonly FactRead[], version: VersionFacts): boolean {
  for (const read of reads) {
    const now = version.reread(read);
    if (now !== read.value && !sameValue(now, read.value)) return false;
  }
  return true;
}

/** Structural equality for fact values: primitives, arrays, plain objects, Maps, Sets, RegExps. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return Number.isNaN(a) && Number.isNaN(b);
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
  return keys.every(
    (k) =>
      Object.prototype.hasOwnProperty.call(b, k) &&
      sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
