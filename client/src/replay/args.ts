// Arguments typed by a user (CLI --arg, editor input box) turned into body values for one complete type.
// Values follow the recording's conventions: 64-bit integers as decimal strings, variants as {signature, value}.
import { parseSignature } from '../dbus/signature';

/** "sa{sv}" → ["s", "a{sv}"]; throws the client's SignatureError on an invalid signature. */
export function completeTypes(signature: string): string[] {
  return parseSignature(signature).map((type) => type.signature);
}

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  y: [0, 0xff],
  n: [-0x8000, 0x7fff],
  q: [0, 0xffff],
  i: [-0x80000000, 0x7fffffff],
  u: [0, 0xffffffff],
};
const BIG_RANGES: Record<string, [bigint, bigint]> = {
  x: [-(2n ** 63n), 2n ** 63n - 1n],
  t: [0n, 2n ** 64n - 1n],
};

/** What to type for a value of `type`, for prompts and error messages. */
export function argumentHint(type: string): string {
  if (type in INTEGER_RANGES || type in BIG_RANGES) return 'an integer';
  switch (type) {
    case 'b':
      return 'true or false';
    case 'd':
      return 'a number';
    case 's':
      return 'a string';
    case 'o':
      return 'an object path such as /org/example/Object';
    case 'g':
      return 'a signature such as a{sv}';
    case 'v':
      return 'JSON {"signature": "s", "value": "text"}';
    default:
      return `JSON for ${type} (arrays as [...], structs as [...], dicts as {...})`;
  }
}

function parseInteger(text: string, type: string): number | string {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) throw new ArgumentError(`"${text}" is not an integer (type ${type})`);
  const big = BigInt(trimmed);
  const bigRange = BIG_RANGES[type];
  if (bigRange) {
    if (big < bigRange[0] || big > bigRange[1]) throw new ArgumentError(`${text} is out of range for type ${type}`);
    return big.toString();
  }
  const [min, max] = INTEGER_RANGES[type] as [number, number];
  if (big < BigInt(min) || big > BigInt(max)) throw new ArgumentError(`${text} is out of range for type ${type} (${min}..${max})`);
  return Number(big);
}

/** Parses one argument of complete type `type` from what the user typed. */
export function parseArgument(text: string, type: string): unknown {
  if (type in INTEGER_RANGES || type in BIG_RANGES) return parseInteger(text, type);
  switch (type) {
    case 'b': {
      const lower = text.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(lower)) return true;
      if (['false', '0', 'no'].includes(lower)) return false;
      throw new ArgumentError(`"${text}" is not a boolean (use true or false)`);
    }
    case 'd': {
      const value = Number(text);
      if (text.trim() === '' || Number.isNaN(value)) throw new ArgumentError(`"${text}" is not a number (type d)`);
      return value;
    }
    case 's':
    case 'g':
      return text;
    case 'o':
      if (!/^\/$|^(\/[A-Za-z0-9_]+)+$/.test(text)) throw new ArgumentError(`"${text}" is not an object path (e.g. /org/example/Object)`);
      return text;
    case 'h':
      throw new ArgumentError('file descriptors (type h) cannot be replayed');
    default:
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new ArgumentError(`"${text}" is not JSON; type ${type} needs ${argumentHint(type)}`);
      }
  }
}

/** Parses one typed string per complete type of `signature`; the count must match. */
export function parseArguments(texts: string[], signature: string): unknown[] {
  const types = completeTypes(signature);
  if (texts.length !== types.length) {
    throw new ArgumentError(
      `signature "${signature}" takes ${types.length} argument${types.length === 1 ? '' : 's'} (${types.join(', ') || 'none'}), got ${texts.length}`,
    );
  }
  return types.map((type, i) => parseArgument(texts[i] as string, type));
}
