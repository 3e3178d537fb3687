// The call a replay sends: what the finding knew, completed by the user, on a chosen bus.
import type { CallData } from '../../core/src/index';
import { isBusName, isInterfaceName, isMemberName, isObjectPath, toJsonSafe } from '../../wire/src/index';

export type BusChoice = { kind: 'session' } | { kind: 'system' } | { kind: 'address'; address: string };

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
export function missingParts(known: CallData): CallPart[] {
  const missing: CallPart[] = [];
  if (!known.destination) missing.push('destination');
  if (!known.path) missing.push('path');
  if (!known.interface) missing.push('interface');
  if (!known.member) missing.push('member');
  if (known.signature && !known.args) missing.push('args');
  return missing;
}

/** The parts a replay asks for by name (arguments are asked for by type). */
export type NamePart = Exclude<CallPart, 'args'>;

/** Why `value` is not valid for `part`, or undefined when it is (input-box validation and CLI errors): the wire client's grammar. */
export function validatePart(part: NamePart, value: string): string | undefined {
  switch (part) {
    case 'destination':
      return isBusName(value) ? undefined : 'a bus name such as org.example.Service or :1.42';
    case 'path':
      return isObjectPath(value) ? undefined : 'an object path such as /org/example/Object';
    case 'interface':
      return isInterfaceName(value) ? undefined : 'an interface name such as org.example.Interface';
    case 'member':
      return isMemberName(value) ? undefined : 'a method name such as GetId';
  }
}

/** A call's values as JSON text (bigint and Map as the wire client shows them), for prompts and modals. */
export function jsonText(value: unknown): string {
  return JSON.stringify(toJsonSafe(value));
}

/** One line that says exactly what will be sent (the confirmation modal and the CLI both show it). */
export function describeCall(call: ReplayCall): string {
  const target = `${call.interface ? `${call.interface}.` : ''}${call.member}`;
  const args = call.args.length ? jsonText(call.args) : '(no arguments)';
  return `${busLabel(call.bus)}: ${call.destination} ${call.path} ${target} signature "${call.signature}" ${args}`;
}

const BUS = 'org.freedesktop.DBus';

/**
 * Every replay connection sends Hello itself, and the bus refuses a second one. A finding on code
 * that sends Hello is replayed as Hello followed by the bus's simplest call (GetId): the read after
 * that next call is where a NameAcquired left unread by a single-read Hello shows up (youki's bug).
 */
export function replayable(known: CallData): { known: CallData; note: string | null } {
  if (known.member !== 'Hello' || (known.destination ?? BUS) !== BUS) return { known, note: null };
  return {
    known: {
      ...known,
      destination: BUS,
      path: '/org/freedesktop/DBus',
      interface: BUS,
      member: 'GetId',
      signature: '',
      args: [],
    },
    note: 'The flagged code sends Hello, which every replay connection sends first; the replay follows it with GetId, the call whose reply a stale NameAcquired can displace.',
  };
}
