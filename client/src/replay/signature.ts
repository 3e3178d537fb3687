// D-Bus signatures split into their complete types, so arguments can be typed one by one.

export class SignatureError extends Error {
  constructor(
    readonly signature: string,
    detail: string,
  ) {
    super(`invalid D-Bus signature "${signature}": ${detail}`);
    this.name = 'SignatureError';
  }
}

const BASIC = 'ybnqiuxtdhsog';

/** Index just past the complete type that starts at `start`. */
function endOfType(signature: string, start: number): number {
  const code = signature[start];
  if (code === undefined) throw new SignatureError(signature, 'ends inside a type');
  if (BASIC.includes(code) || code === 'v') return start + 1;
  if (code === 'a') {
    if (signature[start + 1] === '{') {
      const key = signature[start + 2];
      if (key === undefined || !BASIC.includes(key)) throw new SignatureError(signature, 'dict keys must be basic types');
      const valueEnd = endOfType(signature, start + 3);
      if (signature[valueEnd] !== '}') throw new SignatureError(signature, 'a dict entry holds exactly a key and a value');
      return valueEnd + 1;
    }
    return endOfType(signature, start + 1);
  }
  if (code === '(') {
    let at = start + 1;
    if (signature[at] === ')') throw new SignatureError(signature, 'empty struct');
    while (signature[at] !== ')') at = endOfType(signature, at);
    return at + 1;
  }
  throw new SignatureError(signature, `unexpected "${code}" at ${start}`);
}

/** "sa{sv}as" → ["s", "a{sv}", "as"]. */
export function splitSignature(signature: string): string[] {
  if (signature.length > 255) throw new SignatureError(signature, 'longer than 255 characters');
  const types: string[] = [];
  for (let at = 0; at < signature.length; ) {
    const end = endOfType(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}
