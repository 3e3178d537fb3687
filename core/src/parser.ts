import { Language, Parser, Query, type Node, type Range as TreeRange, type Tree } from 'web-tree-sitter';
import { GRAMMAR_FILES, QUERY_FOLDER } from './languages';
import { DEFAULT_MAX_PARSE_MS, ParseTimeoutError, TooDeepError, type LanguageId } from './types';

/**
 * Where grammar wasm and query sources come from. The core never touches the file system:
 * the host (LSP server, CLI, tests) supplies bytes and text.
 */
export interface GrammarSource {
  /** Bytes of a wasm file in grammars/ (`web-tree-sitter.wasm` or a grammar). */
  wasm(file: string): Promise<Uint8Array>;
  /** Text of grammars/queries/<folder>/<name>.scm, or undefined if there is none. */
  query(folder: string, name: string): Promise<string | undefined>;
}

interface LoadedLanguage {
  language: Language;
  parser: Parser;
  queries: Map<string, Query | null>;
}

/**
 * One web-tree-sitter runtime, initialised once; each grammar is loaded the first time a file
 * of that language is analysed, so a Rust-only workspace never pays for the TS grammars.
 */
export class ParserPool {
  private runtime: Promise<void> | undefined;
  private readonly languages = new Map<LanguageId, Promise<LoadedLanguage>>();

  constructor(private readonly source: GrammarSource) {}

  private init(): Promise<void> {
    this.runtime ??= this.source
      .wasm('web-tree-sitter.wasm')
      .then((wasmBinary) => Parser.init({ wasmBinary: wasmBinary as unknown as ArrayBuffer }));
    return this.runtime;
  }

  load(id: LanguageId): Promise<LoadedLanguage> {
    let loaded = this.languages.get(id);
    if (!loaded) {
      loaded = (async () => {
        await this.init();
        const language = await Language.load(await this.source.wasm(GRAMMAR_FILES[id]));
        const parser = new Parser();
        parser.setLanguage(language);
        return { language, parser, queries: new Map<string, Query | null>() };
      })();
      // A failed load must not poison later attempts (e.g. a grammar file restored after the error).
      loaded.catch(() => this.languages.delete(id));
      this.languages.set(id, loaded);
    }
    return loaded;
  }

  /** The compiled query grammars/queries/<lang>/<name>.scm, cached per language; null when absent. */
  async query(id: LanguageId, name: string): Promise<Query | null> {
    const loaded = await this.load(id);
    if (!loaded.queries.has(name)) {
      const text = await this.source.query(QUERY_FOLDER[id], name);
      loaded.queries.set(name, text === undefined ? null : new Query(loaded.language, text));
    }
    return loaded.queries.get(name) ?? null;
  }

  /** Parses `text`; the caller owns the tree and must `delete()` it (wasm memory is manual). */
  async parse(id: LanguageId, text: string, maxParseMs?: number): Promise<Tree> {
    const { parser } = await this.load(id);
    return parseWithin(parser, text, undefined, maxParseMs);
  }
}

/**
 * `parser.parse(text, old)`, abandoned after `maxParseMs` (ParseTimeoutError). The caller owns the tree.
 * A cancelled parse leaves the parser mid-way: it is reset, or the next parse would resume this one.
 */
export function parseWithin(
  parser: Parser,
  text: string,
  old: Tree | undefined,
  maxParseMs = DEFAULT_MAX_PARSE_MS,
  /** Told a reparse's changed ranges (`old.getChangedRanges(tree)`), which cost a walk of both trees. */
  changed?: (ranges: readonly TreeRange[]) => void,
): Tree {
  const deadline = performance.now() + maxParseMs;
  const tree = parser.parse(chunkedInput(text), old, { progressCallback: () => performance.now() > deadline });
  if (!tree) {
    parser.reset();
    throw new ParseTimeoutError(maxParseMs);
  }
  try {
    // A reparse changed the structure only within the changed ranges: only the top-level nodes there can have
    // grown deeper (the rest are the old tree's, checked when it was made).
    if (old) {
      const ranges = old.getChangedRanges(tree);
      checkDepthWithin(tree, ranges);
      changed?.(ranges);
    } else checkDepth(tree);
  } catch (error) {
    tree.delete();
    throw error;
  }
  return tree;
}

/** The deepest node a query still matches, found by trying (a 16-bit depth counter in tree-sitter, less its margin). */
export const QUERY_DEPTH_LIMIT = 65_530;

/** Throws TooDeepError when some node of `tree` lies deeper than the queries read. */
export function checkDepth(tree: Tree): void {
  if (deeperThan(tree, QUERY_DEPTH_LIMIT)) throw new TooDeepError(QUERY_DEPTH_LIMIT);
}

/** `checkDepth` for the top-level nodes overlapping `ranges` (a reparse's changed ranges). */
export function checkDepthWithin(tree: Tree, ranges: readonly TreeRange[]): void {
  if (ranges.length === 0 || tree.rootNode.descendantCount <= QUERY_DEPTH_LIMIT) return;
  for (const range of ranges) {
    // The top-level nodes overlapping the range (a zero-width range: the one it touches).
    let child = tree.rootNode.firstChildForIndex(range.startIndex);
    for (; child; child = child.nextSibling) {
      if (child.startIndex > range.endIndex) break;
      if (deeperThan(child, QUERY_DEPTH_LIMIT - 1)) throw new TooDeepError(QUERY_DEPTH_LIMIT);
    }
  }
}

/**
 * Whether a node lies deeper than `limit` below `root`. A subtree with fewer descendants than the depth it has
 * left cannot reach it and is skipped (the count is stored in each node): an ordinary tree is decided at its root.
 */
function deeperThan(root: Tree | Node, limit: number): boolean {
  const top = 'rootNode' in root ? root.rootNode : root;
  if (top.descendantCount <= limit) return false;
  const cursor = root.walk();
  // Counted here: the cursor's own `currentDepth` walks its whole stack on every call.
  let depth = 0;
  try {
    for (;;) {
      if (depth > limit) return true;
      if (depth + cursor.currentNode.descendantCount > limit && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return false;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The first chunk after a jump, and the largest (web-tree-sitter's input buffer holds 5,119 characters). */
const FIRST_CHUNK = 64;
const LARGEST_CHUNK = 4096;

/**
 * The parser's input. Given a string, web-tree-sitter answers every request with the rest of the text and
 * copies up to 5,119 characters of it into wasm memory, one by one. A reparse after a keystroke requests
 * text at a few dozen scattered offsets (around the edit, and wherever a reused node ends) and reads a few
 * characters at each: ~100,000 characters copied to use ~1,000. Chunks here start small and double while
 * the parser reads on from where the last one ended, so a fresh parse still gets large ones.
 */
function chunkedInput(text: string): (index: number) => string {
  let next = -1;
  let size = FIRST_CHUNK;
  return (index) => {
    size = index === next ? Math.min(2 * size, LARGEST_CHUNK) : FIRST_CHUNK;
    next = index + size;
    return text.slice(index, next);
  };
}
