import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { GRAMMAR_FILES, QUERY_FOLDER } from './languages';
import type { LanguageId } from './types';

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
    this.runtime ??= this.source.wasm('web-tree-sitter.wasm').then((wasmBinary) =>
      Parser.init({ wasmBinary: wasmBinary as unknown as ArrayBuffer }),
    );
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
  async parse(id: LanguageId, text: string): Promise<Tree> {
    const { parser } = await this.load(id);
    const tree = parser.parse(text);
    // web-tree-sitter returns null only for a cancelled parse, and we never cancel: a null is a broken runtime.
    if (!tree) throw new Error(`tree-sitter returned no tree for this ${id} file`);
    return tree;
  }
}
