// D-Bus type signatures: parsing into type trees, validation against the specification's rules
// and limits (255 bytes, 32 nested arrays, 32 nested structs, dict entries only inside arrays).
import { SignatureError } from './errors';

export const MAX_SIGNATURE_LENGTH = 255;
export const MAX_ARRAY_NESTING = 32;
export const MAX_STRUCT_NESTING = 32;
/** Total container depth of a value, variants included, as libdbus enforces on message bodies. */
export const MAX_TOTAL_NESTING = 64;

export type BasicCode = 'y' | 'b' | 'n' | 'q' | 'i' | 'u' | 'x' | 't' | 'd' | 'h' | 's' | 'o' | 'g';
export type TypeCode = BasicCode | 'a' | '(' | '{' | 'v';

/** One single complete type. `children`: [element] for arrays, fields for structs, [key, value] for dict entries. */
export interface TypeNode {
  code: TypeCode;
  /** Alignment of the type's start on the wire, in bytes. */
  align: number;
  /** The signature text of this type alone. */
  signature: string;
  children: TypeNode[];
}

const BASIC_ALIGN: Record<BasicCode, number> = {
  y: 1,
  b: 4,
  n: 2,
  q: 2,
  i: 4,
  u: 4,
  x: 8,
  t: 8,
  d: 8,
  h: 4,
  s: 4,
  o: 4,
  g: 1,
};

export function isBasicCode(code: string): code is BasicCode {
  return Object.prototype.hasOwnProperty.call(BASIC_ALIGN, code);
}

class Parser {
  pos = 0;
  arrayDepth = 0;
  structDepth = 0;
  constructor(readonly text: string) {}

  fail(reason: string): never {
    throw new SignatureError(this.text, `${reason} at position ${this.pos}`);
  }

  one(insideArray: boolean): TypeNode {
    const start = this.pos;
    const code = this.text[this.pos];
    if (code === undefined) this.fail('a complete type is missing');
    this.pos++;
    if (isBasicCode(code)) return { code, align: BASIC_ALIGN[code], signature: code, children: [] };
    if (code === 'v') return { code, align: 1, signature: 'v', children: [] };
    if (code === 'a') {
      if (++this.arrayDepth > MAX_ARRAY_NESTING) this.fail(`more than ${MAX_ARRAY_NESTING} nested arrays`);
      const element = this.one(true);
      this.arrayDepth--;
      return { code, align: 4, signature: this.text.slice(start, this.pos), children: [element] };
    }
    if (code === '(') {
      if (++this.structDepth > MAX_STRUCT_NESTING) this.fail(`more than ${MAX_STRUCT_NESTING} nested structs`);
      const fields: TypeNode[] = [];
      while (this.text[this.pos] !== ')') {
        if (this.pos >= this.text.length) this.fail('struct not closed with ")"');
        fields.push(this.one(false));
      }
      if (fields.length === 0) this.fail('empty struct "()"');
      this.pos++;
      this.structDepth--;
      return { code, align: 8, signature: this.text.slice(start, this.pos), children: fields };
    }
    if (code === '{') {
      if (!insideArray) this.fail('dict entry "{…}" outside an array');
      if (++this.structDepth > MAX_STRUCT_NESTING) this.fail(`more than ${MAX_STRUCT_NESTING} nested structs`);
      const key = this.one(false);
      if (!isBasicCode(key.code)) this.fail(`dict entry key must be a basic type, not "${key.signature}"`);
      if (this.text[this.pos] === '}') this.fail('dict entry must hold exactly a key and a value, closed by "}"');
      const value = this.one(false);
      if (this.text[this.pos] !== '}') this.fail('dict entry must hold exactly a key and a value, closed by "}"');
      this.pos++;
      this.structDepth--;
      return { code, align: 8, signature: this.text.slice(start, this.pos), children: [key, value] };
    }
    this.pos--;
    if (code === ')' || code === '}') this.fail(`unexpected "${code}"`);
    return this.fail(`unknown type code "${code}"`);
  }
}

const cache = new Map<string, TypeNode[]>();
const CACHE_LIMIT = 4096;

/** Parses a signature (zero or more complete types). Throws SignatureError. Results are cached and must not be mutated. */
export function parseSignature(signature: string): TypeNode[] {
  const hit = cache.get(signature);
  if (hit) return hit;
  if (signature.length > MAX_SIGNATURE_LENGTH) {
    throw new SignatureError(signature.slice(0, 40) + '…', `longer than ${MAX_SIGNATURE_LENGTH} bytes`);
  }
  const parser = new Parser(signature);
  const types: TypeNode[] = [];
  while (parser.pos < signature.length) types.push(parser.one(false));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(signature, types);
  return types;
}

/** Parses a signature that must be exactly one complete type (a variant's signature). */
export function parseSingleType(signature: string): TypeNode {
  const types = parseSignature(signature);
  if (types.length !== 1) {
    throw new SignatureError(signature, `must be exactly one complete type, found ${types.length}`);
  }
  return types[0];
}

export function isValidSignature(signature: string): boolean {
  try {
    parseSignature(signature);
    return true;
  } catch {
    return false;
  }
}
