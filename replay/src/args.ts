// Helpers for asking the user for arguments one complete type at a time (the parsing itself is the wire
// client's argument syntax, the one `dbus-lint call` reads, so the CLI and the editor accept the same text).
import { parseCallArguments, parseSignature } from '../../wire/src/index';

/** "sa{sv}" → ["s", "a{sv}"]; throws the client's SignatureError on an invalid signature. */
export function completeTypes(signature: string): string[] {
  return parseSignature(signature).map((type) => type.signature);
}

/** What to type for a value of `type`, for prompts and error messages. */
export function argumentHint(type: string): string {
  if ('ynqiuxt'.includes(type) && type.length === 1) return 'an integer (decimal or 0x hex)';
  switch (type) {
    case 'b':
      return 'true or false (yes/no, 1/0)';
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
      return `JSON for ${type}: arrays and structs as [...], dicts as {...}`;
  }
}

/** A signature read off literal arguments when that is unambiguous: all strings → "s" each; else undefined. */
export function signatureFromLiterals(args: readonly unknown[] | undefined): string | undefined {
  return args && args.every((arg) => typeof arg === 'string') ? 's'.repeat(args.length) : undefined;
}

/** One argument typed as text for a complete type: its value, or the problem to show while typing. */
export function parseArgumentText(type: string, text: string): { value?: unknown; problem?: string } {
  try {
    return { value: parseCallArguments(type, [text])[0] };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
