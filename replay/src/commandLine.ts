// "Copy as busctl / dbus-send command": the replayed call as a shell command line.
import { parseSignature, type TypeNode } from '../../wire/src/index';
import type { BusChoice, ReplayCall } from './call';

export type CommandLine = { ok: true; command: string } | { ok: false; reason: string };

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,:/=@+%]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function busctlBus(bus: BusChoice): string {
  return bus.kind === 'session' ? '--user' : bus.kind === 'system' ? '--system' : `--address=${bus.address}`;
}

function dictEntries(value: unknown): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  if (Array.isArray(value))
    return value.map((entry) => (Array.isArray(entry) ? [entry[0], entry[1]] : [entry, undefined]));
  if (value && typeof value === 'object') return Object.entries(value);
  throw new Error('expected a dict (object or list of [key, value])');
}

function scalarWord(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new Error(`expected a basic value, got ${JSON.stringify(value)}`);
}

function variantParts(value: unknown): { type: TypeNode; value: unknown } {
  const variant = value as { signature?: unknown; value?: unknown } | null;
  if (!variant || typeof variant.signature !== 'string') throw new Error('a variant needs {"signature", "value"}');
  const [type] = parseSignature(variant.signature);
  if (!type) throw new Error('a variant needs a non-empty signature');
  return { type, value: variant.value };
}

/** busctl's argument syntax: arrays as count then items, variants as signature then value, structs flattened. */
function busctlWords(type: TypeNode, value: unknown): string[] {
  const [first, second] = type.children;
  if (type.code === 'v') {
    const inner = variantParts(value);
    return [inner.type.signature, ...busctlWords(inner.type, inner.value)];
  }
  if (type.code === 'a' && first?.code === '{') {
    const entries = dictEntries(value);
    const [key, item] = first.children as [TypeNode, TypeNode];
    return [String(entries.length), ...entries.flatMap(([k, v]) => [...busctlWords(key, k), ...busctlWords(item, v)])];
  }
  if (type.code === 'a' && first) {
    const items = value instanceof Uint8Array ? [...value] : value;
    if (!Array.isArray(items)) throw new Error(`expected an array for ${type.signature}`);
    return [String(items.length), ...items.flatMap((v) => busctlWords(first, v))];
  }
  if (type.code === '(') {
    if (!Array.isArray(value) || value.length !== type.children.length)
      throw new Error(`expected ${type.children.length} struct fields for ${type.signature}`);
    return type.children.flatMap((field, i) => busctlWords(field, value[i]));
  }
  if (second) throw new Error(`unexpected type ${type.signature}`);
  return [scalarWord(value)];
}

export function busctlCommand(call: ReplayCall): CommandLine {
  if (!call.interface) return { ok: false, reason: 'busctl needs an interface name' };
  try {
    const types = parseSignature(call.signature);
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

function dbusSendBasic(type: TypeNode | undefined): string {
  const name = type && DBUS_SEND_TYPES[type.code];
  if (!name) throw new Error(`dbus-send has no syntax for type ${type?.signature ?? '?'}`);
  return name;
}

/** dbus-send only knows basic types, arrays and dicts of basic types, and variants of a basic type. */
function dbusSendWord(type: TypeNode, value: unknown): string {
  const [first] = type.children;
  if (type.code === 'v') {
    const inner = variantParts(value);
    return `variant:${dbusSendBasic(inner.type)}:${scalarWord(inner.value)}`;
  }
  if (type.code === 'a' && first?.code === '{') {
    const [key, item] = first.children;
    const prefix = `dict:${dbusSendBasic(key)}:${dbusSendBasic(item)}:`;
    return (
      prefix +
      dictEntries(value)
        .flatMap(([k, v]) => [scalarWord(k), scalarWord(v)])
        .join(',')
    );
  }
  if (type.code === 'a') {
    const prefix = `array:${dbusSendBasic(first)}:`;
    const items = value instanceof Uint8Array ? [...value] : value;
    if (!Array.isArray(items)) throw new Error(`expected an array for ${type.signature}`);
    return prefix + items.map(scalarWord).join(',');
  }
  return `${dbusSendBasic(type)}:${scalarWord(value)}`;
}

export function dbusSendCommand(call: ReplayCall): CommandLine {
  if (!call.interface) return { ok: false, reason: 'dbus-send needs an interface name' };
  const bus = call.bus.kind === 'address' ? `--bus=${call.bus.address}` : `--${call.bus.kind}`;
  try {
    const args = parseSignature(call.signature).map((type, i) => dbusSendWord(type, call.args[i]));
    const words = [
      'dbus-send',
      bus,
      '--print-reply',
      `--dest=${call.destination}`,
      call.path,
      `${call.interface}.${call.member}`,
      ...args,
    ];
    return { ok: true, command: words.map(shellQuote).join(' ') };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
