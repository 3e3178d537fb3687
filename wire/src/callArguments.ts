// `dbus-lint call` arguments, read by the signature: one ARG per complete type.
//   basic types as plain words: y n q i u h x t (decimal or 0x hex), d (number), b (true|false|yes|no|1|0), s o g (as is)
//   containers and variants as JSON: as '["a","b"]', ai '[1,2]', ay '[1,2]', (si) '["x",5]',
//   a{sv} '{"key":{"signature":"s","value":"text"}}', v '{"signature":"u","value":7}'; 64-bit values may be strings.
import { parseSignature, parseSingleType, type TypeNode } from './index';

/** An argument, typed as text, that its type in the signature cannot take; says which argument and why. */
export class CallArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallArgumentError';
  }
}

function fail(where: string, type: TypeNode, reason: string): never {
  throw new CallArgumentError(`${where} (type "${type.signature}"): ${reason}`);
}

function integerWord(where: string, type: TypeNode, word: string): number | bigint {
  if (!/^[-+]?(0x[0-9a-fA-F]+|\d+)$/.test(word)) fail(where, type, `"${word}" is not an integer`);
  const negative = word.startsWith('-');
  const magnitude = BigInt(word.replace(/^[-+]/, ''));
  const value = negative ? -magnitude : magnitude;
  return type.code === 'x' || type.code === 't' ? value : Number(value);
}

function fromWord(where: string, type: TypeNode, word: string): unknown {
  switch (type.code) {
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'h':
    case 'x':
    case 't':
      return integerWord(where, type, word);
    case 'd': {
      const value = Number(word);
      if (word.trim() === '' || Number.isNaN(value)) fail(where, type, `"${word}" is not a number`);
      return value;
    }
    case 'b': {
      const lower = word.toLowerCase();
      if (['true', 'yes', '1'].includes(lower)) return true;
      if (['false', 'no', '0'].includes(lower)) return false;
      return fail(where, type, `"${word}" is not a boolean (true|false|yes|no|1|0)`);
    }
    case 's':
    case 'o':
    case 'g':
      return word;
    default: {
      let json: unknown;
      try {
        json = JSON.parse(word);
      } catch (error) {
        fail(where, type, `containers and variants are written as JSON: ${(error as Error).message}`);
      }
      return fromJson(where, type, json);
    }
  }
}

function fromJson(where: string, type: TypeNode, json: unknown): unknown {
  switch (type.code) {
    case 'y':
    case 'n':
    case 'q':
    case 'i':
    case 'u':
    case 'h':
    case 'x':
    case 't':
    case 'd':
      if (typeof json === 'number')
        return type.code === 'x' || type.code === 't'
          ? Number.isSafeInteger(json)
            ? BigInt(json)
            : fail(where, type, `${json} is not a safe integer: write it as a string`)
          : json;
      if (typeof json === 'string') return fromWord(where, type, json);
      return fail(where, type, `expected a number, got ${JSON.stringify(json)}`);
    case 'b':
      if (typeof json === 'boolean') return json;
      return fail(where, type, `expected true or false, got ${JSON.stringify(json)}`);
    case 's':
    case 'o':
    case 'g':
      if (typeof json === 'string') return json;
      return fail(where, type, `expected a string, got ${JSON.stringify(json)}`);
    case 'v': {
      if (
        typeof json !== 'object' ||
        json === null ||
        typeof (json as { signature?: unknown }).signature !== 'string' ||
        !('value' in json)
      ) {
        fail(where, type, 'a variant is {"signature":"<one type>","value":<value>}');
      }
      const { signature, value } = json as { signature: string; value: unknown };
      let inner: TypeNode;
      try {
        inner = parseSingleType(signature);
      } catch (error) {
        return fail(where, type, (error as Error).message);
      }
      return { signature, value: fromJson(`${where}, variant`, inner, value) };
    }
    case '(':
      if (!Array.isArray(json) || json.length !== type.children.length)
        fail(where, type, `a struct is a JSON array of ${type.children.length} fields`);
      return type.children.map((field, i) => fromJson(`${where}, field ${i}`, field, (json as unknown[])[i]));
    case 'a': {
      const element = type.children[0];
      if (element.code === '{') {
        if (typeof json !== 'object' || json === null || Array.isArray(json))
          fail(where, type, 'a dict is a JSON object');
        const [keyType, valueType] = element.children as [TypeNode, TypeNode];
        return new Map(
          Object.entries(json as Record<string, unknown>).map(([key, value]) => [
            fromWord(`${where}, key ${key}`, keyType, key),
            fromJson(`${where}, value of ${key}`, valueType, value),
          ]),
        );
      }
      if (!Array.isArray(json)) return fail(where, type, 'an array is a JSON array');
      return json.map((item, i) => fromJson(`${where}, element ${i}`, element, item));
    }
    default:
      return fail(where, type, 'unsupported type');
  }
}

/** Parses the ARGs by the signature; throws CallArgumentError naming the argument and its type. */
export function parseCallArguments(signature: string, words: string[]): unknown[] {
  let types: TypeNode[];
  try {
    types = parseSignature(signature);
  } catch (error) {
    throw new CallArgumentError(`--signature: ${(error as Error).message}`);
  }
  if (types.length !== words.length) {
    throw new CallArgumentError(`signature "${signature}" takes ${types.length} argument(s), got ${words.length}`);
  }
  return types.map((type, i) => fromWord(`argument ${i + 1}`, type, words[i]));
}
