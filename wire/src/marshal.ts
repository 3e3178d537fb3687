// Little-endian marshalling of D-Bus values into a growable buffer (amortised doubling: output
// sizes are known only as values are written, and doubling keeps it linear).
import { MarshalError } from './errors';
import { isObjectPath } from './names';
import { parseSignature, parseSingleType, type TypeNode, MAX_TOTAL_NESTING } from './signature';
import { isVariant } from './values';

export const MAX_ARRAY_LENGTH = 64 * 1024 * 1024;
export const MAX_MESSAGE_LENGTH = 128 * 1024 * 1024;

export class Writer {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  align(n: number): void {
    const pad = (n - (this.pos % n)) % n;
    if (pad === 0) return;
    this.ensure(pad);
    this.buf.fill(0, this.pos, this.pos + pad);
    this.pos += pad;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  u32(value: number): void {
    this.align(4);
    this.ensure(4);
    this.buf.writeUInt32LE(value, this.pos);
    this.pos += 4;
  }

  string(text: string): void {
    const length = Buffer.byteLength(text);
    this.u32(length);
    this.ensure(length + 1);
    this.buf.write(text, this.pos, 'utf8');
    this.pos += length;
    this.buf[this.pos++] = 0;
  }

  signature(text: string): void {
    this.ensure(text.length + 2);
    this.buf[this.pos++] = text.length;
    this.buf.write(text, this.pos, 'latin1');
    this.pos += text.length;
    this.buf[this.pos++] = 0;
  }

  /** The written bytes (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function integer(where: string, value: unknown, min: number, max: number, code: string): number {
  const n = typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new MarshalError(where, `expected an integer ${min}..${max} for "${code}", got ${describe(value)}`);
  }
  return n;
}

function int64(where: string, value: unknown, signed: boolean): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = BigInt(value);
  else
    throw new MarshalError(
      where,
      `expected a 64-bit integer (bigint, safe integer or decimal string), got ${describe(value)}`,
    );
  const [min, max] = signed ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
  if (n < min || n > max) throw new MarshalError(where, `${n} is out of range for "${signed ? 'x' : 't'}"`);
  return n;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  return `${value as number | boolean | undefined}`;
}

function text(where: string, value: unknown, code: string): string {
  if (typeof value !== 'string')
    throw new MarshalError(where, `expected a string for "${code}", got ${describe(value)}`);
  if (value.includes('\0')) throw new MarshalError(where, 'strings must not contain NUL characters');
  return value;
}

function writeValue(w: Writer, type: TypeNode, value: unknown, where: string, depth: number): void {
  switch (type.code) {
    case 'y':
      w.u8(integer(where, value, 0, 255, 'y'));
      return;
    case 'b':
      if (typeof value !== 'boolean')
        throw new MarshalError(where, `expected a boolean for "b", got ${describe(value)}`);
      w.u32(value ? 1 : 0);
      return;
    case 'n':
    case 'q': {
      const n = type.code === 'n' ? integer(where, value, -32768, 32767, 'n') : integer(where, value, 0, 65535, 'q');
      w.align(2);
      w.ensure(2);
      if (type.code === 'n') w.buf.writeInt16LE(n, w.pos);
      else w.buf.writeUInt16LE(n, w.pos);
      w.pos += 2;
      return;
    }
    case 'i':
      w.align(4);
      w.ensure(4);
      w.buf.writeInt32LE(integer(where, value, -2147483648, 2147483647, 'i'), w.pos);
      w.pos += 4;
      return;
    case 'u':
    case 'h':
      w.u32(integer(where, value, 0, 4294967295, type.code));
      return;
    case 'x':
    case 't': {
      const n = int64(where, value, type.code === 'x');
      w.align(8);
      w.ensure(8);
      if (type.code === 'x') w.buf.writeBigInt64LE(n, w.pos);
      else w.buf.writeBigUInt64LE(n, w.pos);
      w.pos += 8;
      return;
    }
    case 'd':
      if (typeof value !== 'number') throw new MarshalError(where, `expected a number for "d", got ${describe(value)}`);
      w.align(8);
      w.ensure(8);
      w.buf.writeDoubleLE(value, w.pos);
      w.pos += 8;
      return;
    case 's':
      w.string(text(where, value, 's'));
      return;
    case 'o': {
      const path = text(where, value, 'o');
      if (!isObjectPath(path)) throw new MarshalError(where, `${describe(path)} is not a valid object path`);
      w.string(path);
      return;
    }
    case 'g': {
      const signature = text(where, value, 'g');
      try {
        parseSignature(signature);
      } catch (error) {
        throw new MarshalError(where, (error as Error).message);
      }
      w.signature(signature);
      return;
    }
    case 'v': {
      if (!isVariant(value)) {
        throw new MarshalError(where, `expected a variant { signature, value } for "v", got ${describe(value)}`);
      }
      if (depth + 1 > MAX_TOTAL_NESTING) throw new MarshalError(where, `nesting deeper than ${MAX_TOTAL_NESTING}`);
      let inner: TypeNode;
      try {
        inner = parseSingleType(value.signature);
      } catch (error) {
        throw new MarshalError(where, (error as Error).message);
      }
      w.signature(value.signature);
      writeValue(w, inner, value.value, where, depth + 1);
      return;
    }
    case '(': {
      if (!Array.isArray(value) || value.length !== type.children.length) {
        throw new MarshalError(
          where,
          `expected an array of ${type.children.length} fields for "${type.signature}", got ${describe(value)}`,
        );
      }
      w.align(8);
      type.children.forEach((field, i) => writeValue(w, field, value[i], `${where}, field ${i}`, depth + 1));
      return;
    }
    case '{':
      throw new MarshalError(where, 'dict entries are written through their array');
    case 'a':
      writeArray(w, type, value, where, depth);
      return;
  }
}

function writeArray(w: Writer, type: TypeNode, value: unknown, where: string, depth: number): void {
  const element = type.children[0];
  if (depth + 1 > MAX_TOTAL_NESTING) throw new MarshalError(where, `nesting deeper than ${MAX_TOTAL_NESTING}`);
  w.u32(0);
  const lengthAt = w.pos - 4;
  // The padding to the element alignment is there even for an empty array, and not counted in the length.
  w.align(element.align);
  const start = w.pos;
  if (element.code === 'y' && (value instanceof Uint8Array || Array.isArray(value))) {
    if (value instanceof Uint8Array) {
      w.ensure(value.length);
      w.buf.set(value, w.pos);
      w.pos += value.length;
    } else {
      value.forEach((byte, i) => writeValue(w, element, byte, `${where}, element ${i}`, depth + 1));
    }
  } else if (element.code === '{') {
    const [keyType, valueType] = element.children as [TypeNode, TypeNode];
    const entries = dictEntries(value, keyType, where);
    for (const [key, entry] of entries) {
      w.align(8);
      writeValue(w, keyType, key, `${where}, key ${describe(key)}`, depth + 2);
      writeValue(w, valueType, entry, `${where}, value of ${describe(key)}`, depth + 2);
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => writeValue(w, element, item, `${where}, element ${i}`, depth + 1));
  } else {
    throw new MarshalError(where, `expected an array for "${type.signature}", got ${describe(value)}`);
  }
  const length = w.pos - start;
  if (length > MAX_ARRAY_LENGTH) throw new MarshalError(where, `array of ${length} bytes is over the 64 MiB limit`);
  w.buf.writeUInt32LE(length, lengthAt);
}

function dictEntries(value: unknown, keyType: TypeNode, where: string): Iterable<[unknown, unknown]> {
  if (value instanceof Map) return value.entries();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MarshalError(where, `expected a Map or an object for a dict, got ${describe(value)}`);
  }
  // Plain-object keys are strings: convert them to the key type.
  return Object.entries(value).map(([key, entry]): [unknown, unknown] => {
    switch (keyType.code) {
      case 's':
      case 'o':
      case 'g':
        return [key, entry];
      case 'b':
        return [key === 'true', entry];
      case 'x':
      case 't':
        return [key, entry];
      default:
        return [Number(key), entry];
    }
  });
}

/** Writes `values` as the given types; `where` names each argument by its position. */
export function writeValues(w: Writer, types: readonly TypeNode[], values: readonly unknown[]): void {
  if (values.length !== types.length) {
    throw new MarshalError('body', `signature has ${types.length} argument(s), got ${values.length} value(s)`);
  }
  for (let i = 0; i < types.length; i++) writeValue(w, types[i], values[i], `argument ${i + 1}`, 0);
}

/** Marshals a body on its own (offset 0 is 8-aligned, as a body is inside a message). */
export function marshalBody(signature: string, values: readonly unknown[]): Buffer {
  const w = new Writer();
  writeValues(w, parseSignature(signature), values);
  return Buffer.from(w.bytes());
}
