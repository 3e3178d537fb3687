// Fingerprints that tie a finding to its code rather than to a line number or a file name: the rule id, the
// whitespace-free text of the statement holding the finding, and which occurrence of that pair in the file it
// is. Lines added above or below, a reformat and a rename of the file keep it; a change to the call makes a
// new one. SARIF output carries it in `partialFingerprints` and a baseline is matched by it.
import { offsetAt } from './textPositions';
import type { Finding } from './types';

/** The `partialFingerprints` key; a new scheme gets a new version so old baselines are not misread. */
export const FINGERPRINT_KEY = 'dbusLint/v2';

/** How far the statement around a finding is read at most each way (whitespace-free characters). */
const STATEMENT_REACH = 1000;

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);
const BOUNDARY = new Set([';', '{', '}']);

/** `text` without whitespace, and for each of its offsets (and one past the end) the offset there. */
function compact(text: string): { chars: string; at: Int32Array } {
  const at = new Int32Array(text.length + 1);
  let chars = '';
  for (let i = 0; i < text.length; i++) {
    at[i] = chars.length;
    const c = text[i];
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r' && c !== '\f' && c !== '\v') chars += c;
  }
  at[text.length] = chars.length;
  return { chars, at };
}

/**
 * The statement around [start, end) of the compacted text: back to the last `;`, `{` or `}` outside the
 * brackets open there, forward to the next one (or to a bracket that closes one the finding sits in).
 */
function statementAround(chars: string, start: number, end: number): string {
  let from = start;
  for (let depth = 0; from > 0 && start - from < STATEMENT_REACH; from--) {
    const c = chars[from - 1];
    if (CLOSE.has(c)) depth++;
    else if (OPEN.has(c)) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && BOUNDARY.has(c)) break;
  }
  let to = end;
  for (let depth = 0; to < chars.length && to - end < STATEMENT_REACH; to++) {
    const c = chars[to];
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && BOUNDARY.has(c)) break;
  }
  return chars.slice(from, Math.max(to, end));
}

/** FNV-1a over UTF-16 units, twice with different offsets: 64 bits, stable across hosts, no node:crypto in the core. */
function hash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** One fingerprint per finding, in order: `<hash>:<occurrence>` (1-based among equal hashes in the file). */
export function fingerprints(text: string, findings: readonly Finding[]): string[] {
  const { chars, at } = compact(text);
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const start = at[Math.min(offsetAt(text, finding.range.start), text.length)];
    const end = at[Math.min(offsetAt(text, finding.range.end), text.length)];
    const key = hash(`${finding.ruleId}\0${finding.kind ?? ''}\0${statementAround(chars, start, end)}`);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return `${key}:${occurrence}`;
  });
}
