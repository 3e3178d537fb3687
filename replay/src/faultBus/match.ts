// --match destination=…,interface=…,member=…,path=…: which of the program's calls the faults act on.
// Several --match values: a call matching any of them. None: every call after the connection's setup.
import type { Message } from '../../../wire/src/index';
import { FaultSpecError } from './faults';

export interface CallMatch {
  destination?: string;
  path?: string;
  interface?: string;
  member?: string;
}

const KEYS = ['destination', 'path', 'interface', 'member'] as const;

export function parseMatch(text: string): CallMatch {
  const match: CallMatch = {};
  for (const pair of text.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq) as (typeof KEYS)[number];
    const value = pair.slice(eq + 1);
    if (eq <= 0 || !KEYS.includes(key) || value === '')
      throw new FaultSpecError(
        `--match "${text}": expected key=value pairs separated by commas, keys ${KEYS.join(', ')} (like member=GetId,destination=org.freedesktop.DBus)`,
      );
    if (match[key] !== undefined) throw new FaultSpecError(`--match "${text}": ${key} is given twice`);
    match[key] = value;
  }
  return match;
}

/** Whether a method call from the program matches (no matches at all: every call does). */
export function callMatches(matches: CallMatch[], call: Message): boolean {
  if (matches.length === 0) return true;
  return matches.some((match) => KEYS.every((key) => match[key] === undefined || match[key] === call[key]));
}

/** A --match that names Hello puts the connection's Hello (normally left alone as setup) under the faults. */
export function matchesNameHello(matches: CallMatch[]): boolean {
  return matches.some((match) => match.member === 'Hello');
}

export function matchLabel(match: CallMatch): string {
  return KEYS.filter((key) => match[key] !== undefined)
    .map((key) => `${key}=${match[key]}`)
    .join(',');
}
