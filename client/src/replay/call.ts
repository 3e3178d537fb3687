// The call a replay sends: what the finding knew, completed by the user, on a chosen bus.
import { toJsonSafe } from '../dbus/values';

export type BusChoice = { kind: 'session' } | { kind: 'system' } | { kind: 'address'; address: string };

/** What a finding knows about its call (the shape of the analysis core's CallData; every part optional). */
export interface KnownCall {
  library?: string;
  bus?: 'session' | 'system';
  destination?: string;
  path?: string;
  interface?: string;
  member?: string;
  signature?: string;
  args?: unknown[];
}

export interface ReplayCall {
  bus: BusChoice;
  destination: string;
  path: string;
  /** Optional on the wire, but busctl needs one and most services expect it. */
  interface: string | null;
  member: string;
  signature: string;
  /** Body values as the marshaller takes them (bigint, Map allowed); shown through toJsonSafe. */
  args: unknown[];
}

/** The parts a replay cannot go without, in the order they are asked for. */
export type CallPart = 'destination' | 'path' | 'interface' | 'member' | 'args';

export function busLabel(bus: BusChoice): string {
  return bus.kind === 'address' ? `bus at ${bus.address}` : `${bus.kind} bus`;
}

/** Parts still missing from `known` for a call that can be sent. Arguments are missing when the signature takes some and none are known. */
export function missingParts(known: KnownCall): CallPart[] {
  const missing: CallPart[] = [];
  if (!known.destination) missing.push('destination');
  if (!known.path) missing.push('path');
  if (!known.interface) missing.push('interface');
  if (!known.member) missing.push('member');
  if (known.signature && !known.args) missing.push('args');
  return missing;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)+$/;
const UNIQUE = /^:[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;
const PATH = /^\/$|^(\/[A-Za-z0-9_]+)+$/;
const INTERFACE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const MEMBER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why `value` is not valid for `part`, or undefined when it is (for input-box validation and CLI errors). */
export function validatePart(part: Exclude<CallPart, 'args'>, value: string): string | undefined {
  switch (part) {
    case 'destination':
      return NAME.test(value) || UNIQUE.test(value) ? undefined : 'a bus name such as org.example.Service or :1.42';
    case 'path':
      return PATH.test(value) ? undefined : 'an object path such as /org/example/Object';
    case 'interface':
      return INTERFACE.test(value) ? undefined : 'an interface name such as org.example.Interface';
    case 'member':
      return MEMBER.test(value) ? undefined : 'a method name such as GetId';
  }
}

/** One line that says exactly what will be sent (the confirmation modal and the CLI both show it). */
export function describeCall(call: ReplayCall): string {
  const target = `${call.interface ? `${call.interface}.` : ''}${call.member}`;
  const args = call.args.length ? JSON.stringify(toJsonSafe(call.args)) : '(no arguments)';
  return `${busLabel(call.bus)}: ${call.destination} ${call.path} ${target} signature "${call.signature}" ${args}`;
}

const BUS = 'org.freedesktop.DBus';

/**
 * Every replay connection sends Hello itself, and the bus refuses a second one. A finding on code
 * that sends Hello is replayed as Hello followed by the bus's simplest call (GetId): the read after
 * that next call is where a NameAcquired left unread by a single-read Hello shows up (youki's bug).
 */
export function replayable(known: KnownCall): { known: KnownCall; note: string | null } {
  if (known.member !== 'Hello' || (known.destination ?? BUS) !== BUS) return { known, note: null };
  return {
    known: { ...known, destination: BUS, path: '/org/freedesktop/DBus', interface: BUS, member: 'GetId', signature: '', args: [] },
    note: 'The flagged code sends Hello, which every replay connection sends first; the replay follows it with GetId, the call whose reply a stale NameAcquired can displace.',
  };
}
