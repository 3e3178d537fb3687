// How D-Bus values look in JavaScript, and their JSON-safe form for recordings.
//   y n q i u h d → number      x t → bigint (number accepted on input)     b → boolean
//   s o g → string              ay → Uint8Array (number[] accepted)         a{kv} → Map (plain object accepted)
//   other arrays and structs → arrays                                       v → { signature, value }

export interface Variant {
  signature: string;
  value: unknown;
}

export function isVariant(value: unknown): value is Variant {
  return (
    typeof value === 'object' && value !== null && typeof (value as Variant).signature === 'string' && 'value' in value
  );
}

/**
 * The JSON-safe form used in recordings: bigint → decimal string, byte arrays → number arrays,
 * Maps → objects (keys as strings), variants → { signature, value }.
 */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) {
    // A preallocated loop: Array.from takes seconds on a 32 MiB reply, this takes a few hundred ms.
    const bytes = new Array<number>(value.length);
    for (let i = 0; i < value.length; i++) bytes[i] = value[i]!;
    return bytes;
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of value) out[String(key)] = toJsonSafe(entry);
    return out;
  }
  if (isVariant(value)) return { signature: value.signature, value: toJsonSafe(value.value) };
  return value;
}
