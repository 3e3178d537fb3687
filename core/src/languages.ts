import type { LanguageId } from './types';

/** File extensions the CLI walks, mapped to the grammar that parses them correctly. */
const BY_EXTENSION: Record<string, LanguageId> = {
  '.rs': 'rust',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  // JavaScript goes through the JavaScript grammar: TS's grammar rejects JSX and some JS-only syntax.
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
};

/** VS Code / LSP language ids mapped to our grammars. */
const BY_LSP_LANGUAGE: Record<string, LanguageId> = {
  rust: 'rust',
  typescript: 'typescript',
  typescriptreact: 'tsx',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};

export const ANALYSED_EXTENSIONS = Object.keys(BY_EXTENSION);

export function languageForPath(path: string): LanguageId | undefined {
  const dot = path.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[path.slice(dot).toLowerCase()];
}

export function languageForLspId(languageId: string): LanguageId | undefined {
  return BY_LSP_LANGUAGE[languageId];
}

/** The wasm file (as copied into grammars/) for each language. */
export const GRAMMAR_FILES: Record<LanguageId, string> = {
  rust: 'tree-sitter-rust.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
};

/** The queries/<folder> each language's patterns live in (tsx and JS share TypeScript's node names). */
export const QUERY_FOLDER: Record<LanguageId, 'rust' | 'typescript'> = {
  rust: 'rust',
  typescript: 'typescript',
  tsx: 'typescript',
  javascript: 'typescript',
};
