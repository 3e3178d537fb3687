// The literal text a regular expression cannot match without: a prefilter that lets a scan skip, with one
// `includes`, the parts of a file (top-level items) where the pattern cannot match. A pattern that starts with a
// character class (`\b([A-Za-z_$][\w$]*)\s*:\s*ClientInterface\b`) is tried by the regex engine at every offset
// of a 300 KiB file; most items do not hold `ClientInterface` at all.

/** Literals shorter than this say too little to be worth a scan. */
const MIN_LITERAL = 3;
/** More alternatives than this cost as much to look for as the pattern itself. */
const MAX_ALTERNATIVES = 6;

/** Any one of `literals` occurs in every text the pattern matches (none known: undefined). */
type Requirement = readonly string[];

interface Parsed {
  /** One requirement per alternative (undefined: that alternative requires nothing we can name). */
  alternatives: (Requirement | undefined)[];
  end: number;
}

/** Characters that stand for themselves unescaped. */
const SPECIAL = new Set(['\\', '[', ']', '(', ')', '{', '}', '|', '.', '^', '$', '*', '+', '?']);
/** Escapes that stand for a class, an assertion, a control character or a back reference. */
const CLASS_ESCAPE = /[A-Za-z0-9]/;

/** The better of two requirements: the one whose shortest literal is longer (fewer literals on a tie). */
function better(a: Requirement | undefined, b: Requirement | undefined): Requirement | undefined {
  if (!a) return b;
  if (!b) return a;
  const shortest = (r: Requirement) => Math.min(...r.map((s) => s.length));
  if (shortest(a) !== shortest(b)) return shortest(a) > shortest(b) ? a : b;
  return a.length <= b.length ? a : b;
}

/** Any of the alternatives' requirements, when every alternative has one worth looking for. */
function anyOf(alternatives: readonly (Requirement | undefined)[]): Requirement | undefined {
  const out: string[] = [];
  for (const requirement of alternatives) {
    if (!requirement || requirement.some((s) => s.length < MIN_LITERAL)) return undefined;
    for (const literal of requirement) if (!out.includes(literal)) out.push(literal);
  }
  return out.length > 0 && out.length <= MAX_ALTERNATIVES ? out : undefined;
}

/** The index after a quantifier at `i` and whether it allows zero repetitions (none there: `[i, false]`). */
function quantifier(source: string, i: number): { end: number; optional: boolean; quantified: boolean } {
  const c = source[i];
  let end = i;
  let optional = false;
  if (c === '?' || c === '*') {
    end = i + 1;
    optional = true;
  } else if (c === '+') end = i + 1;
  else if (c === '{') {
    const m = /^\{(\d*)(,\d*)?\}/.exec(source.slice(i));
    if (m) {
      end = i + m[0].length;
      optional = m[1] === '' || Number(m[1]) === 0;
    }
  }
  if (end === i) return { end, optional: false, quantified: false };
  if (source[end] === '?') end++;
  return { end, optional, quantified: true };
}

/** The index after the character class opening at `i` (in JS the first unescaped `]` closes it, even `[]`). */
function classEnd(source: string, i: number): number {
  for (let j = i + 1; j < source.length; j++) {
    if (source[j] === '\\') j++;
    else if (source[j] === ']') return j + 1;
  }
  throw new Unsupported();
}

/** A construct the reader does not know: the pattern gets no prefilter rather than a wrong one. */
class Unsupported extends Error {}

/** The index after the escape at `i` (`\\u0041`, `\\x41`, `\\cJ`, `\\p{L}`, `\\k<name>`, `\\12` included). */
function escapeEnd(source: string, i: number): number {
  const e = source[i + 1];
  let j = i + 2;
  if (e === undefined) throw new Unsupported();
  const skip = (re: RegExp) => {
    const m = re.exec(source.slice(j));
    if (m) j += m[0].length;
  };
  if (e === 'u') skip(/^(?:\{[0-9A-Fa-f]+\}|[0-9A-Fa-f]{1,4})/);
  else if (e === 'x') skip(/^[0-9A-Fa-f]{1,2}/);
  else if (e === 'c') skip(/^[A-Za-z]/);
  else if (e === 'p' || e === 'P') skip(/^\{[^}]*\}/);
  else if (e === 'k') skip(/^<[^>]*>/);
  else if (/[0-9]/.test(e)) skip(/^[0-9]+/);
  return j;
}

/**
 * Reads alternatives from `i` up to the `)` that closes the group (or the end), keeping for each the best
 * requirement among its mandatory parts: a run of literal characters, or a mandatory group's any-of.
 */
function parse(source: string, i: number): Parsed {
  const alternatives: (Requirement | undefined)[] = [];
  let best: Requirement | undefined;
  let run = '';
  const endRun = () => {
    if (run.length > 0) best = better(best, [run]);
    run = '';
  };
  while (i < source.length) {
    const c = source[i];
    if (c === ')') break;
    if (c === '|') {
      endRun();
      alternatives.push(best);
      best = undefined;
      i++;
      continue;
    }
    let literal: string | undefined;
    let group: Requirement | undefined;
    let next: number;
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      if (!CLASS_ESCAPE.test(e)) literal = e;
      next = escapeEnd(source, i);
    } else if (c === '[') next = classEnd(source, i);
    else if (c === '(') {
      let start: number;
      let lookaround = false;
      if (source[i + 1] !== '?') start = i + 1;
      else if (source[i + 2] === ':') start = i + 3;
      else if (source[i + 2] === '=' || source[i + 2] === '!') [start, lookaround] = [i + 3, true];
      else if (source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!'))
        [start, lookaround] = [i + 4, true];
      else if (source[i + 2] === '<' && source.indexOf('>', i) > 0) start = source.indexOf('>', i) + 1;
      else throw new Unsupported();
      const inner = parse(source, start);
      if (source[inner.end] !== ')') throw new Unsupported();
      next = inner.end + 1;
      if (!lookaround) group = inner.alternatives.length === 1 ? inner.alternatives[0] : anyOf(inner.alternatives);
    } else if (SPECIAL.has(c)) next = i + 1;
    else {
      literal = c;
      next = i + 1;
    }
    const q = quantifier(source, next);
    if (literal !== undefined && !q.optional) {
      run += literal;
      // `ab+c` holds "ab" but not always "abc": a repeated character ends the run.
      if (q.quantified) endRun();
    } else {
      endRun();
      if (group && !q.optional) best = better(best, group);
    }
    i = q.end;
  }
  endRun();
  alternatives.push(best);
  return { alternatives, end: i };
}

/** `literal` as pattern source: only syntax characters are escaped, which every mode accepts. */
function escapeLiteral(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/**
 * The literals one of which every match of `pattern` contains (compared case-insensitively for an /i pattern), or
 * undefined when the pattern requires none worth looking for.
 */
export function requiredLiterals(pattern: RegExp): Required | undefined {
  // Unicode-sets mode changes class syntax; no pattern here uses it, and guessing would be unsafe.
  if (pattern.flags.includes('v')) return undefined;
  const ignoreCase = pattern.flags.includes('i');
  let parsed: Parsed;
  try {
    parsed = parse(pattern.source, 0);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
  if (parsed.end < pattern.source.length) return undefined;
  const literals = anyOf(parsed.alternatives);
  const flags = `${ignoreCase ? 'i' : ''}${pattern.flags.includes('u') ? 'u' : ''}`;
  return literals ? { literals, ignoreCase, flags } : undefined;
}

interface Prefilter {
  required: Required | undefined;
  test: ((text: string) => boolean) | undefined;
}

/** `flags`: the case flags (`i`, `u`) a search for the literals must use to fold as the pattern does. */
type Required = { literals: readonly string[]; ignoreCase: boolean; flags: string };

const prefilters = new Map<string, Prefilter>();
/** The same, by pattern object: asked once per item, so the key is not rebuilt from a long source each time. */
const byObject = new WeakMap<RegExp, Prefilter>();

function prefilterOf(pattern: RegExp): Prefilter {
  const known = byObject.get(pattern);
  if (known) return known;
  const key = `${pattern.flags}/${pattern.source}`;
  let found = prefilters.get(key);
  if (!found) {
    const required = requiredLiterals(pattern);
    let test: ((text: string) => boolean) | undefined;
    if (required?.ignoreCase) {
      // The literals as a pattern with the same case flags: they fold exactly as they do inside the pattern (and a
      // case-insensitive search is faster than lower-casing the text).
      const literals = new RegExp(required.literals.map(escapeLiteral).join('|'), required.flags);
      test = (text) => literals.test(text);
    } else if (required) test = (text) => required.literals.some((s) => text.includes(s));
    found = { required, test };
    // Dynamic patterns (one per name) are many: the table is a cache, not a registry.
    if (prefilters.size > 4096) prefilters.clear();
    prefilters.set(key, found);
  }
  byObject.set(pattern, found);
  return found;
}

/**
 * A test that is false only where `pattern` cannot match (it may be true where it does not), built once per
 * pattern source and flags; undefined when the pattern names no literal to look for.
 */
export function literalPrefilter(pattern: RegExp): ((text: string) => boolean) | undefined {
  return prefilterOf(pattern).test;
}

/** `requiredLiterals`, worked out once per pattern. */
export function patternLiterals(pattern: RegExp): Required | undefined {
  return prefilterOf(pattern).required;
}

/** `pattern.test(text)` (from the start: `lastIndex` is reset), skipped when the text lacks the pattern's literal. */
export function quickTest(pattern: RegExp, text: string): boolean {
  const mayMatch = literalPrefilter(pattern);
  if (mayMatch && !mayMatch(text)) return false;
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/** `literal` as a case-insensitive pattern: only syntax characters are escaped, which every mode accepts. */
export function literalSearch(literal: string, flags: string): RegExp {
  return new RegExp(escapeLiteral(literal), flags);
}
