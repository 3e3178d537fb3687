// "Copy as busctl / dbus-send command": the replayed call as a shell command line.
import type { BusChoice, ReplayCall } from './call';
import { splitSignature } from './signature';

export type CommandLine = { ok: true; command: string } | { ok: false; reason: string };

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,:/=@+%]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function busctlBus(bus: BusChoice): string {
  return bus.kind === 'session' ? '--user' : bus.kind === 'system' ? '--system' : `--address=${bus.address}`;
}

function dictEntries(value: unknown): [unknown, unknown][] {
  if (Array.isArray(value)) return value.map((entry) => (Array.isArray(entry) ? [entry[0], entry[1]] : [entry, undefined]));
  if (value && typeof value === 'object') return Object.entries(value);
  throw new Error('expected a dict (object or list of [key, value])');
}

function scalarWord(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new Error(`expected a basic value, got ${JSON.stringify(value)}`);
}

/** busctl's argument syntax: arrays as count then items, variants as signature then value, structs flattened. */
function busctlWords(type: string, value: unknown): string[] {
  if (type === 'v') {
    const variant = value as { signature?: unknown; value?: unknown } | null;
    if (!variant || typeof variant.signature !== 'string') throw new Error('a variant needs {"signature", "value"}');
    return [variant.signature, ...busctlWords(variant.signature, variant.value)];
  }
  if (type.startsWith('a{')) {
    const [keyType, valueType] = splitSignature(type.slice(2, -1)) as [string, string];
    const entries = dictEntries(value);
    return [String(entries.length), ...entries.flatMap(([k, v]) => [...busctlWords(keyType, k), ...busctlWords(valueType, v)])];
  }
  if (type.startsWith('a')) {
    if (!Array.isArray(value)) throw new Error(`expected an array for ${type}`);
    const item = type.slice(1);
    return [String(value.length), ...value.flatMap((v) => busctlWords(item, v))];
  }
  if (type.startsWith('(')) {
    const fields = splitSignature(type.slice(1, -1));
    if (!Array.isArray(value) || value.length !== fields.length) throw new Error(`expected ${fields.length} struct fields for ${type}`);
    return fields.flatMap((field, i) => busctlWords(field, value[i]));
  }
  return [scalarWord(value)];
}

export function busctlCommand(call: ReplayCall): CommandLine {
  if (!call.interface) return { ok: false, reason: 'busctl needs an interface name' };
  try {
    const types = splitSignature(call.signature);
    const words = ['busctl', busctlBus(call.bus), 'call', call.destination, call.path, call.interface, call.member];
    if (call.signature) words.push(call.signature, ...types.flatMap((type, i) => busctlWords(type, call.args[i])));
    return { ok: true, command: words.map(shellQuote).join(' ') };
  } catch (error) {
    return { ok: false, reason: `busctl cannot express these arguments: ${(error as Error).message}` };
  }
}

const DBUS_SEND_TYPES: Record<string, string> = {
  s: 'string',
  n: 'int16',
  q: 'uint16',
  i: 'int32',
  u: 'uint32',
  x: 'int64',
  t: 'uint64',
  d: 'double',
  y: 'byte',
  b: 'boolean',
  o: 'objpath',
};

function dbusSendBasic(type: string): string {
  const name = DBUS_SEND_TYPES[type];
  if (!name) throw new Error(`dbus-send has no syntax for type ${type}`);
  return name;
}

/** dbus-send only knows basic types, arrays and dicts of basic types, and variants of a basic type. */
function dbusSendWord(type: string, value: unknown): string {
  if (type === 'v') {
    const variant = value as { signature?: unknown; value?: unknown } | null;
    if (!variant || typeof variant.signature !== 'string') throw new Error('a variant needs {"signature", "value"}');
    return `variant:${dbusSendBasic(variant.signature)}:${scalarWord(variant.value)}`;
  }
  if (type.startsWith('a{')) {
    const [keyType, valueType] = splitSignature(type.slice(2, -1)) as [string, string];
    const prefix = `dict:${dbusSendBasic(keyType)}:${dbusSendBasic(valueType)}:`;
    return prefix + dictEntries(value).flatMap(([k, v]) => [scalarWord(k), scalarWord(v)]).join(',');
  }
  if (type.startsWith('a')) {
    if (!Array.isArray(value)) throw new Error(`expected an array for ${type}`);
    return `array:${dbusSendBasic(type.slice(1))}:${value.map(scalarWord).join(',')}`;
  }
  return `${dbusSendBasic(type)}:${scalarWord(value)}`;
}

export function dbusSendCommand(call: ReplayCall): CommandLine {
  if (!call.interface) return { ok: false, reason: 'dbus-send needs an interface name' };
  const bus = call.bus.kind === 'address' ? `--bus=${call.bus.address}` : `--${call.bus.kind}`;
  try {
    const args = splitSignature(call.signature).map((type, i) => dbusSendWord(type, call.args[i]));
    const words = ['dbus-send', bus, '--print-reply', `--dest=${call.destination}`, call.path, `${call.interface}.${call.member}`, ...args];
    return { ok: true, command: words.map(shellQuote).join(' ') };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
