import { join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import { GRAMMAR_FILES } from '../../core/src/languages';
import type { LanguageId } from '../../core/src/index';
import { REPO_ROOT } from './analyzer';

/** Applies LSP-style edits (positions in the original text): the core's applier, which fix-all and --fix use. */
export { applyTextEdits as applyEdits } from '../../core/src/index';

const parsers = new Map<LanguageId, Promise<Parser>>();
let runtime: Promise<void> | undefined;

/** A parser of its own (not the analyzer's), so checking a fix's result proves it parses independently. */
function parserFor(language: LanguageId): Promise<Parser> {
  let parser = parsers.get(language);
  if (!parser) {
    runtime ??= Parser.init({ locateFile: (file: string) => join(REPO_ROOT, 'grammars', file) });
    parser = runtime.then(async () => {
      const p = new Parser();
      p.setLanguage(await Language.load(join(REPO_ROOT, 'grammars', GRAMMAR_FILES[language])));
      return p;
    });
    parsers.set(language, parser);
  }
  return parser;
}

/** The text of the first ERROR or MISSING node, or undefined when `text` parses cleanly. */
export async function syntaxError(text: string, language: LanguageId): Promise<string | undefined> {
  const tree = (await parserFor(language)).parse(text);
  if (!tree) return 'parse aborted';
  try {
    if (!tree.rootNode.hasError) return undefined;
    const bad = tree.rootNode.descendantsOfType('ERROR')[0];
    return bad ? `ERROR at line ${bad.startPosition.row + 1}: ${bad.text.slice(0, 80)}` : 'a MISSING node';
  } finally {
    tree.delete();
  }
}
