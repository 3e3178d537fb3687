import type { FileFacts } from '../facts';

// API models, one table per library: what recognises the library, which calls send and receive,
// and what the library does about timeouts. Rules read these tables; adding a library is adding a table.

export type LibraryId = 'zbus' | 'dbus-rs' | 'rustbus' | 'raw-socket' | 'dbus-next' | 'dbus-native' | 'net-socket';

export interface LibraryModel {
  id: LibraryId;
  /** How messages name it. */
  displayName: string;
  language: 'rust' | 'js';
  /** `use`/`import`/`require` lines (or fully qualified paths) that show the file uses the library. */
  imports: RegExp;
  /** Calls that put a method call (or a SASL line, or `Hello`) on the wire. */
  sends: readonly string[];
  /** Calls that read bytes (`bytes`) or one whole message (`message`) and may return less than a reply. */
  receives: readonly string[];
  receiveUnit: 'bytes' | 'message' | 'none';
  /** Calls that read exactly what they are asked for, or up to a delimiter: framing done right. */
  completeReads: readonly string[];
  /** What the library does when a peer never answers, quoted in call-without-timeout messages. */
  timeoutDefault: string;
}

export function uses(library: LibraryModel, file: FileFacts): boolean {
  return file.has(library.imports);
}

/** D-Bus words that make a hand-written socket client worth looking at. */
export const DBUS_EVIDENCE =
  /d-?bus|org\.freedesktop|AUTH EXTERNAL|NameAcquired|METHOD_?CALL|MethodCall|MethodReturn|METHOD_RETURN|unix:path=|\/run\/user\/[^"'`\s]*\/bus\b|\b(?:session|system)_?bus(?![a-z])|reply_?serial|NEGOTIATE_UNIX_FD|\bBEGIN\\r\\n|\[\s*b'l'\s*,/i;

export const SECONDS_25 = 25;

/** Words that show a reply is matched to its call: the REPLY_SERIAL field (also by its code, 5), or a table keyed by it. */
export const REPLY_SERIAL_WORDS =
  /reply_?serial|replySerial|response_?serial|responseSerial|ReplySerial|REPLY_SERIAL|in_reply_to|inReplyTo|\b(?:is_)?reply_?(?:to|for)\s*\(|(?:is|answers)ReplyTo\b|\b(?:is|answers)_?reply_?to\b|\bfields?\s*(?:\.get\s*\(\s*&?|\[\s*)5\s*[\])]|\bcode\s*===?\s*5\b/i;
