// The code of a file without its comments: a word in a comment (a commented-out `set_nonblocking(true)`, a doc
// naming D-Bus) says nothing about what the code does.
import type { FileFacts } from './facts';

/** Comments, and the strings and char literals a comment marker inside them must not start one in. */
const COMMENTS_OR_LITERALS = /("(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*')|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;

/** `text` with every comment blanked (literals kept). */
export function withoutComments(text: string): string {
  return text.replace(COMMENTS_OR_LITERALS, (_all, literal?: string) => literal ?? ' ');
}

const testers = new WeakMap<RegExp, (itemText: string) => boolean>();

/** One function per pattern, so the facts compute it once per item (eachItem keys by the function). */
function testerFor(pattern: RegExp): (itemText: string) => boolean {
  let tester = testers.get(pattern);
  if (!tester) {
    const once = new RegExp(pattern.source, pattern.flags.replace('g', ''));
    tester = (itemText) => once.test(itemText) && once.test(withoutComments(itemText));
    testers.set(pattern, tester);
  }
  return tester;
}

/** True when `pattern` matches the code of some top-level item, comments left out. */
export function codeHas(file: FileFacts, pattern: RegExp): boolean {
  return file.has(pattern) && file.eachItem(testerFor(pattern)).some(Boolean);
}
