import { codeHas } from '../codeText';
import type { FileFacts } from '../facts';

// API models, one table per library: what recognises the library, which calls send and receive,
// and what the library does about timeouts. Rules read these tables; adding a library is adding a table.

export type LibraryId =
  'zbus' | 'dbus-rs' | 'rustbus' | 'raw-socket' | 'dbus-next' | 'dbus-native' | 'net-socket' | 'node-d-bus' | 'dbus-ts';

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
  /**
   * Registry names (npm packages, crates) of the library and of its forks and bundles that keep its API: a
   * project that is one of them, or depends on one at run time, may use it in a file that does not import it
   * (see `uses`). Absent for what is not a package (the platform's own sockets).
   */
  packages?: RegExp;
  /**
   * Versions whose calls have a deadline by default: a call given no timeout is bounded there. Each names the
   * package (forks keep their own history) and the first version with the default.
   */
  defaultDeadlines?: readonly { package: RegExp; since: string; seconds: number }[];
  /** Methods of the library that send a method call for the program and wait for its reply. */
  callsMadeForYou?: readonly CallMadeForYou[];
  /**
   * True when no rule has code of its own for the library's consumers: call-without-timeout then checks their
   * `callsMadeForYou` on its generic path (the library is data only). dbus-next and dbus-native have checkers that
   * also follow their proxies.
   */
  modelOnly?: boolean;
  /**
   * Classes whose instances stand for one peer object: which constructor arguments name the destination, path and
   * interface their calls go to (node-d-bus's `new ProxyObject(dBus, serviceName, objectPath, interfaceName)`, or a
   * subclass's `super(…)`). What a call made through an instance leaves out comes from there.
   */
  constructs?: Readonly<Record<string, Partial<Record<'destination' | 'path' | 'interface', number>>>>;
}

/** Where a field of the call a method sends comes from: a fixed value, or the index of the argument carrying it. */
export type SentField = string | number;

/**
 * A library method that puts a D-Bus method call on the wire for its caller (`bus.requestName(name)` sends
 * RequestName): the caller waits for that reply as if it had made the call itself, bounded only by what the
 * library bounds it with.
 */
export interface CallMadeForYou {
  /** The method the program calls. */
  method: string;
  /** Its arguments when it sends this call (the method may send another, or none, with other arguments). */
  args?: { min?: number; max?: number };
  /**
   * The call it sends. Each field is a fixed value or the index of the argument that carries it; no `destination`
   * means the service the receiver stands for (dbus-native's `bus.getService(name)`), no `interface` or `member`
   * the receiver's own (node-d-bus's `proxy.callMethod(member)` on the interface the proxy was made for).
   */
  sends: {
    destination?: SentField;
    path?: SentField;
    interface?: SentField;
    member?: SentField;
    /**
     * The argument that is the whole message (`bus.invoke({ destination, path, interface, member })`), and what its
     * fields are called where the library names them otherwise (`objectPath`, `memberName`). The fixed values above
     * are what the library fills in when the message leaves a field out.
     */
    message?: { argument: number; fields?: Partial<Record<'destination' | 'path' | 'interface' | 'member', string>> };
  };
  /**
   * The library's classes that have the method (a class and its subclasses in the file): it is this entry on their
   * instances (`new C(…)`, `this` in a subclass, a parameter typed `C`) and, called on the class, its static method.
   * A receiver whose class the file does not show is taken for one when it is named like a bus and so is a class
   * here (`dBus.callMethod(…)` is `DBus.callMethod`). Without `on`, any receiver named like a bus or service.
   */
  on?: readonly string[];
  /**
   * The index of the callback the reply is handed to; without one the reply comes as the returned promise. A
   * callback-style call with no callback there waits only if its value is awaited (forks that promisify it).
   */
  callback?: number;
  /** What bounds the wait, from the library's source, quoted in the finding. */
  bound: string;
  /**
   * The method hands back (as its promise's value) a proxy of one interface of the object it called, whose own
   * methods are method calls there with the same bound: `const m = await bus.getInterface(dest, path, iface)`,
   * then `await m.ListUnits()`. `interface` is the argument naming it, or a fixed name.
   */
  returnsProxy?: { interface: SentField };
}

/** D-Bus words that make a hand-written socket client worth looking at. */
export const DBUS_EVIDENCE =
  /d-?bus|org\.freedesktop|AUTH EXTERNAL|NameAcquired|METHOD_?CALL|MethodCall|MethodReturn|METHOD_RETURN|unix:path=|\/run\/user\/[^"'`\s]*\/bus\b|\b(?:session|system)_?bus(?![a-z])|reply_?serial|NEGOTIATE_UNIX_FD|\bBEGIN\\r\\n|\[\s*b'l'\s*,/i;

export const SECONDS_25 = 25;

/** Words that show a reply is matched to its call: the REPLY_SERIAL field (also by its code, 5), or a table keyed by it. */
export const REPLY_SERIAL_WORDS =
  /reply_?serial|replySerial|response_?serial|responseSerial|ReplySerial|REPLY_SERIAL|in_reply_to|inReplyTo|\b(?:is_)?reply_?(?:to|for)\s*\(|(?:is|answers)ReplyTo\b|\b(?:is|answers)_?reply_?to\b|\bfields?\s*(?:\.get\s*\(\s*&?|\[\s*)5\s*[\])]|\bcode\s*===?\s*5\b/i;

/**
 * What proves that hand-written socket code speaks D-Bus, in its code rather than its comments: a bus address
 * it connects to (`unix:path=`, the system bus socket, `/run/user/…/bus`, a `DBUS_*_BUS_ADDRESS` it reads), the
 * SASL exchange it writes (`AUTH EXTERNAL`, `NEGOTIATE_UNIX_FD`, `BEGIN\r\n`), or D-Bus framing (the `'l'`
 * endianness byte leading a header, the bus's own name as a destination).
 */
const DBUS_PROOF =
  /unix:(?:path|abstract|tmpdir)=|\/(?:var\/)?run\/dbus\/|\/run\/user\/[^"'`\s]*\/bus\b|DBUS_(?:SESSION|SYSTEM|STARTER)_BUS_ADDRESS|AUTH (?:EXTERNAL|ANONYMOUS|DBUS_COOKIE_SHA1)|NEGOTIATE_UNIX_FD|\bBEGIN\\r\\n|\[\s*b'l'\s*,|org\.freedesktop\.DBus\b/;

/**
 * True when the file's code (not a comment or doc) carries D-Bus: what makes a raw socket in it a bus
 * connection. Narrower than DBUS_EVIDENCE, so a rule asking it never says yes where the prefilter says no.
 */
export function provesDbus(file: FileFacts): boolean {
  // Asked by many checks of one version: a derived fact, worked out once per version.
  return file.fact(codeProvesDbus);
}

function codeProvesDbus(file: FileFacts): boolean {
  return codeHas(file, DBUS_PROOF) || codeHas(file, DBUS_EVIDENCE);
}
