// Seeded random one-character edits (and a few pastes) of the kinds typing makes, for the incremental
// analysis' differential test and the keystroke benchmark: the same seed gives the same edits.
import { positionAt, type Position } from '../../core/src/index';

/** mulberry32: a small seeded PRNG, so a failing edit sequence can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An edit of the current text: replace [start, end) with `text`. */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
  kind: string;
}

const IDENTIFIER = 'abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PUNCTUATION = '(){}[];:.,=<>!&|"\'/*-+?#@ \t';
/** Words the rules look for: typing them (or breaking them) is what changes findings. */
const WORDS = [
  'read',
  'recv',
  'send',
  'call',
  'Proxy',
  'timeout',
  'system',
  'session',
  'serial',
  'method_timeout',
  'once',
  'await',
  'fn ',
  'let ',
  'const ',
  '// dbus-lint-ignore-next-line call-without-timeout: x\n',
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

/** Where edits land: half anywhere, half right at a word the rules anchor on (inside D-Bus code). */
export function editPosition(random: () => number, text: string): number {
  if (random() < 0.5 || text.length === 0) return Math.floor(random() * (text.length + 1));
  const word = pick(random, ['read', 'recv', 'call', 'send', 'Proxy', 'once', 'serial', 'bus', 'Message', 'timeout']);
  const from = Math.floor(random() * text.length);
  const at = text.indexOf(word, from);
  const found = at >= 0 ? at : text.indexOf(word);
  return found >= 0 ? found + Math.floor(random() * (word.length + 1)) : from;
}

/** One random edit of `text`: mostly single characters, sometimes a word, a line break, a line deleted or a multi-line paste. */
export function randomEdit(random: () => number, text: string): OffsetEdit {
  const at = editPosition(random, text);
  const roll = random();
  if (roll < 0.3) return { start: at, end: at, text: pick(random, [...IDENTIFIER]), kind: 'insert identifier char' };
  if (roll < 0.45) return { start: at, end: at, text: pick(random, [...PUNCTUATION]), kind: 'insert punctuation' };
  if (roll < 0.6) return { start: at, end: Math.min(text.length, at + 1), text: '', kind: 'delete char' };
  if (roll < 0.72)
    return {
      start: at,
      end: Math.min(text.length, at + 1),
      text: pick(random, [...IDENTIFIER, ...PUNCTUATION]),
      kind: 'replace char',
    };
  if (roll < 0.82) return { start: at, end: at, text: random() < 0.5 ? '\n' : '\r\n', kind: 'insert line break' };
  if (roll < 0.9) return { start: at, end: at, text: pick(random, WORDS), kind: 'insert word' };
  if (roll < 0.95) {
    // Paste a few lines copied from elsewhere in the file.
    const from = Math.floor(random() * text.length);
    const lineStart = text.lastIndexOf('\n', from) + 1;
    let end = lineStart;
    for (let i = 0, n = 1 + Math.floor(random() * 8); i < n && end >= 0; i++) end = text.indexOf('\n', end + 1);
    return { start: at, end: at, text: text.slice(lineStart, end < 0 ? text.length : end + 1), kind: 'paste lines' };
  }
  // Delete the rest of a line and maybe more (a cut).
  const end = text.indexOf('\n', at);
  return {
    start: at,
    end: end < 0 ? text.length : Math.min(text.length, end + 1 + Math.floor(random() * 40)),
    text: '',
    kind: 'cut',
  };
}

export function applyOffsetEdit(text: string, edit: OffsetEdit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** `edit` as an LSP didChange content change (line and UTF-16 character, as LSP and the text count). */
export function lspChange(text: string, edit: OffsetEdit): { range: { start: Position; end: Position }; text: string } {
  return { range: { start: positionAt(text, edit.start), end: positionAt(text, edit.end) }, text: edit.text };
}
