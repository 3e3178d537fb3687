// Reading D-Bus values from a message buffer in either byte order. Every check the specification
// asks of a receiver is made here (bounds, padding, lengths, booleans, NULs, UTF-8, nesting, limits)
// and fails with a ProtocolError — never a RangeError, never a hang.
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from './errors';
import { MAX_ARRAY_LENGTH } from './marshal';
import { isObjectPath } from './names';
import { parseSignature, parseSingleType, type TypeNode, MAX_TOTAL_NESTING } from './signature';
import type { Variant } from './values';

export class Reader {
  pos: number;

  /** Offsets are absolute in `buf`; alignment is relative to `base` (the message start). */
  constructor(
    readonly buf: Buffer,
    readonly base: number,
    start: number,
    readonly end: number,
    readonly littleEndian: boolean,
  ) {
    this.pos = start;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.end)
      throw new ProtocolError(`message truncated reading ${what} at offset ${this.pos - this.base}`);
  }

  align(n: number): void {
    const rel = this.pos - this.base;
    const pad = (n - (rel % n)) % n;
    if (pad === 0) return;
    this.need(pad, 'padding');
    for (let i = 0; i < pad; i++) {
      if (this.buf[this.pos + i] !== 0)
        throw new ProtocolError(`non-zero padding byte at offset ${this.pos + i - this.base}`);
    }
    this.pos += pad;
  }

  u8(): number {
    this.need(1, 'a byte');
    return this.buf[this.pos++];
  }

  u32(): number {
    this.align(4);
    this.need(4, 'a uint32');
    const n = this.littleEndian ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return n;
  }

  private textAt(length: number, what: string): string {
    this.need(length + 1, what);
    const start = this.pos;
    const end = start + length;
    if (this.buf[end] !== 0) throw new ProtocolError(`${what} at offset ${start - this.base} is not NUL-terminated`);
    const bytes = this.buf.subarray(start, end);
    if (bytes.includes(0)) throw new ProtocolError(`${what} at offset ${start - this.base} contains a NUL byte`);
    if (!isUtf8(bytes)) throw new ProtocolError(`${what} at offset ${start - this.base} is not valid UTF-8`);
    this.pos = end + 1;
    return bytes.toString('utf8');
  }

  string(): string {
    return this.textAt(this.u32(), 'a string');
  }

  signature(): string {
    return this.textAt(this.u8(), 'a signature');
  }
}

function signatureValue(text: string): string {
  try {
    parseSignature(text);
  } catch (error) {
    throw new ProtocolError((error as Error).message);
  }
  return text;
}

export function readValue(r: Reader, type: TypeNode, depth: number): unknown {
  const { buf, littleEndian: le } = r;
  switch (type.code) {
    case 'y':
      return r.u8();
    case 'b': {
      const n = r.u32();
      if (n > 1) throw new ProtocolError(`boolean with value ${n} at offset ${r.pos - 4 - r.base}`);
      return n === 1;
    }
    case 'n':
    case 'q': {
      r.align(2);
      r.need(2, 'an int16');
      const n =
        type.code === 'n'
          ? le
            ? buf.readInt16LE(r.pos)
            : buf.readInt16BE(r.pos)
          : le
            ? buf.readUInt16LE(r.pos)
            : buf.readUInt16BE(r.pos);
      r.pos += 2;
      return n;
    }
    case 'i': {
      r.align(4);
      r.need(4, 'an int32');
      const n = le ? buf.readInt32LE(r.pos) : buf.readInt32BE(r.pos);
      r.pos += 4;
      return n;
    }
    case 'u':
    case 'h':
      return r.u32();
    case 'x':
    case 't': {
      r.align(8);
      r.need(8, 'an int64');
      const n =
        type.code === 'x'
          ? le
            ? buf.readBigInt64LE(r.pos)
            : buf.readBigInt64BE(r.pos)
          : le
            ? buf.readBigUInt64LE(r.pos)
            : buf.readBigUInt64BE(r.pos);
      r.pos += 8;
      return n;
    }
    case 'd': {
      r.align(8);
      r.need(8, 'a double');
      const n = le ? buf.readDoubleLE(r.pos) : buf.readDoubleBE(r.pos);
      r.pos += 8;
      return n;
    }
    case 's':
      return r.string();
    case 'o': {
      const path = r.string();
      if (!isObjectPath(path)) throw new ProtocolError(`invalid object path ${JSON.stringify(path.slice(0, 80))}`);
      return path;
    }
    case 'g':
      return signatureValue(r.signature());
    case 'v': {
      if (depth + 1 > MAX_TOTAL_NESTING) throw new ProtocolError(`values nested deeper than ${MAX_TOTAL_NESTING}`);
      const signature = r.signature();
      let inner: TypeNode;
      try {
        inner = parseSingleType(signature);
      } catch (error) {
        throw new ProtocolError(`variant: ${(error as Error).message}`);
      }
      const variant: Variant = { signature, value: readValue(r, inner, depth + 1) };
      return variant;
    }
    case '(':
    case '{': {
      if (depth + 1 > MAX_TOTAL_NESTING) throw new ProtocolError(`values nested deeper than ${MAX_TOTAL_NESTING}`);
      r.align(8);
      const fields = new Array<unknown>(type.children.length);
      for (let i = 0; i < type.children.length; i++) fields[i] = readValue(r, type.children[i], depth + 1);
      return fields;
    }
    case 'a':
      return readArray(r, type, depth);
  }
}

function readArray(r: Reader, type: TypeNode, depth: number): unknown {
  if (depth + 1 > MAX_TOTAL_NESTING) throw new ProtocolError(`values nested deeper than ${MAX_TOTAL_NESTING}`);
  const length = r.u32();
  if (length > MAX_ARRAY_LENGTH) throw new ProtocolError(`array of ${length} bytes is over the 64 MiB limit`);
  const element = type.children[0];
  r.align(element.align);
  r.need(length, 'an array');
  const end = r.pos + length;
  if (element.code === 'y') {
    const bytes = r.buf.subarray(r.pos, end);
    r.pos = end;
    return bytes;
  }
  if (element.code === '{') {
    const [keyType, valueType] = element.children as [TypeNode, TypeNode];
    const map = new Map<unknown, unknown>();
    while (r.pos < end) {
      r.align(8);
      const key = readValue(r, keyType, depth + 2);
      map.set(key, readValue(r, valueType, depth + 2));
    }
    if (r.pos !== end) throw new ProtocolError('array contents overrun its declared length');
    return map;
  }
  const items: unknown[] = [];
  while (r.pos < end) items.push(readValue(r, element, depth + 1));
  if (r.pos !== end) throw new ProtocolError('array contents overrun its declared length');
  return items;
}

export function readValues(r: Reader, types: readonly TypeNode[]): unknown[] {
  const values = new Array<unknown>(types.length);
  for (let i = 0; i < types.length; i++) values[i] = readValue(r, types[i], 0);
  return values;
}
