import {
  provesDbus,
  DBUS_NATIVE,
  DBUS_NEXT,
  DBUS_RS,
  clientOf,
  handWrittenSocket,
  LIBRARIES,
  librarySourceOf,
  NET_SOCKET,
  RUSTBUS,
  uses,
  ZBUS,
} from '../libraries/index';
import { typedInterfaces } from '../libraries/dbus-next';
import { storedInterfaceNames } from '../libraries/dbus-native';
import { replyLoopNames, socketHelpers } from '../libraries/raw-socket';
import { ASYNC_RUSTBUS_IMPORT } from '../libraries/rustbus';
import { zbusProxyFields } from '../libraries/zbus';
import { escapeRegExp } from '../resolve';
import type { FileFacts } from '../facts';
import type { LibraryModel } from '../libraries/model';
import type { LanguageId } from '../types';
import type { Rule, RuleContext, RuleReport } from './rule';
import { checkDbusNative } from './timeouts/dbus-native';
import { checkDbusNext } from './timeouts/dbus-next';
import { checkAsyncRustbus } from './timeouts/async-rustbus';
import { checkDbusRs } from './timeouts/dbus-rs';
import { checkImportedCalls, importedWaits } from './timeouts/importedCalls';
import { checkCallsMadeForYou } from './timeouts/library-calls';
import { checkProxyCalls } from './timeouts/proxy-calls';
import { checkWaitingCalls, waitingCallAnchors } from './timeouts/jsSummaries';
import { checkPendingPromises, mayPark, parksBySerial } from './timeouts/pending-promise';
import { checkRawSocket } from './timeouts/raw-socket';
import { checkReplyLoops } from './timeouts/reply-loop';
import { checkRustbus } from './timeouts/rustbus';
import { checkZbus, proxyGetterNames } from './timeouts/zbus';

/**
 * Hand-written clients: a raw socket in a file whose code proves it speaks D-Bus (or that is a D-Bus library's own
 * source, whose sockets are the bus) and that is no client of a D-Bus library.
 */
const rawSocketClient = (f: FileFacts): boolean => f.fact(isRawSocketClient);

// A fact: asked by the anchors, the scope filter and every item's check, it reads the whole file's code once.
function isRawSocketClient(f: FileFacts): boolean {
  return (
    handWrittenSocket(f) &&
    (provesDbus(f) || !!librarySourceOf(f, 'rust')) &&
    !clientOf(ZBUS, f) &&
    !clientOf(DBUS_RS, f) &&
    !clientOf(RUSTBUS, f) &&
    !serverOnly(f)
  );
}

/** Where a function may loop until its own call's reply: a D-Bus library's own sources, or a hand-written client. */
const ownRoundTrips = (f: FileFacts): boolean => !!librarySourceOf(f, 'rust') || rawSocketClient(f);

/** A bus (or mock bus) that only accepts connections waits for its clients, not for replies. */
function serverOnly(f: FileFacts): boolean {
  return f.has(/\b(?:UnixListener|TcpListener)\b/) && !f.has(/\bconnect\s*\(/);
}

/** Hand-written clients and libraries' own `call`: where a call can wait on its serial. */
const pendingCalls = (f: FileFacts): boolean => (uses(NET_SOCKET, f) || parksBySerial(f)) && provesDbus(f);

/** JS libraries that are data only: their consumers are checked from the model (`callsMadeForYou`) alone. */
const MODEL_ONLY = LIBRARIES.filter((library) => library.language === 'js' && library.modelOnly);

/**
 * A file that uses the library and is not its own source: there the calls go through the library's pending-call
 * code, which the serial-table and summary checkers read.
 */
const consumerOf = (library: LibraryModel, f: FileFacts): boolean =>
  uses(library, f) && librarySourceOf(f, 'js') !== library;

/** One checker per library, each run only when the file uses that library. */
const CHECKERS: {
  language: 'rust' | 'js';
  applies: (file: FileFacts) => boolean;
  check: (ctx: RuleContext) => RuleReport[];
}[] = [
  { language: 'rust', applies: (f) => uses(ZBUS, f), check: checkZbus },
  { language: 'rust', applies: (f) => uses(DBUS_RS, f), check: checkDbusRs },
  { language: 'rust', applies: (f) => uses(RUSTBUS, f), check: checkRustbus },
  { language: 'rust', applies: (f) => f.has(ASYNC_RUSTBUS_IMPORT), check: checkAsyncRustbus },
  { language: 'rust', applies: rawSocketClient, check: checkRawSocket },
  { language: 'rust', applies: ownRoundTrips, check: checkReplyLoops },
  // Calls of functions in other files of the crate whose summaries say they wait forever.
  { language: 'rust', applies: (f) => importedWaits(f).size > 0, check: checkImportedCalls },
  { language: 'js', applies: (f) => uses(DBUS_NEXT, f), check: checkDbusNext },
  { language: 'js', applies: (f) => uses(DBUS_NATIVE, f), check: checkDbusNative },
  ...MODEL_ONLY.map((library) => ({
    language: 'js' as const,
    applies: (f: FileFacts) => consumerOf(library, f),
    check: (ctx: RuleContext) => [
      ...checkCallsMadeForYou(ctx, library, { busOf: () => undefined }),
      ...checkProxyCalls(ctx, library),
    ],
  })),
  // Hand-written socket clients, and libraries' own `invoke`/`call` (a pending-call table keyed by serial, or a
  // listener that tests reply serials).
  { language: 'js', applies: pendingCalls, check: checkPendingPromises },
  // Their callers in the same file wait as they do (last: a library checker's finding at the same call wins).
  { language: 'js', applies: pendingCalls, check: checkWaitingCalls },
  // Calls of functions in other files whose summaries say they wait forever.
  { language: 'js', applies: (f) => importedWaits(f).size > 0, check: checkImportedCalls },
];

const RUST_LIBRARY_WORDS =
  /\bcall_method\b|Proxy|_proxy\s*\(|\bwith_proxy\b|\bsend_with_reply_and_block\b|\bsend_msg_w_rsp\b|Timeout::Infinite|\bp?poll\b/;
const RAW_SEND =
  /\b(?:sendmsg|send|send_to|sendto|write_all|write|write_vectored|send_message|send_msg|write_message|hello|call_hello)\b\s*(?:::<[^>]*>)?\(/;
/** `write!(sock, …)` sends only where something is read with a buffer (`RwLock::read()` takes none). */
const WRITE_MACRO = /\bwrite(?:ln)?!\s*\(/;
const BLOCKING_READ =
  /\b(?:recvmsg|recv|recv_from|read|read_exact|read_line|read_until|read_to_end|read_to_string)\s*(?:::<[^>]*>)?\(\s*[^)\s]|\b(?:read|recv|receive|get_next|next|pop|read_next)_(?:message|msg|reply|response|frame)\s*\(/;

/** A reply serial tested: what a loop waiting for its own call's reply does. */
const REPLY_SERIAL_ANCHOR = /reply_?serial|replySerial|REPLY_SERIAL/;

/** Blocking reads: anchors only in hand-written clients (the raw-socket checker is the only one reading them). */
const RAW_READS = /\b(?:recvmsg|recv|recv_from|read|read_exact|read_line|read_until|read_to_end|read_to_string)\b/;

/**
 * `self.<field>` for the zbus proxy fields the file declares, and calls to its functions that return a proxy
 * (`self.manager().await?`), or undefined when it has neither.
 */
function proxyFieldsPattern(file: FileFacts): RegExp | undefined {
  if (!uses(ZBUS, file)) return undefined;
  const fields = [...zbusProxyFields(file).keys()];
  const getters = proxyGetterNames(file);
  const words = [];
  // A chain broken over lines (`self` / `.item_proxy` / `.get_secret()`) is the same access; a pattern
  // naming the field (`let Self { item_proxy: p, .. } = self`) takes the proxy out of `self`.
  if (fields.length > 0) {
    const names = fields.join('|');
    words.push(`\\bself\\s*\\.\\s*(?:${names})\\b`, `\\{[^{}]*\\b(?:${names})\\s*(?::\\s*\\w|,|\\})`);
  }
  if (getters.length > 0) words.push(`\\b(?:${getters.join('|')})\\s*\\(`);
  return words.length === 0 ? undefined : new RegExp(words.join('|'));
}

/** Calls of the names of imported functions that wait forever (`helper(`, `client::helper(`, `c.get(`). */
function importedCallPattern(file: FileFacts): RegExp | undefined {
  const names = [...importedWaits(file).keys()].map(escapeRegExp);
  return names.length > 0 ? new RegExp(`\\b(?:${names.join('|')})\\s*(?:::\\s*<[^>]*>\\s*)?\\(`) : undefined;
}

/** Rust anchors, plus the proxy fields' uses. */
function rustAnchors(file: FileFacts): RegExp {
  return new RegExp(file.fact(rustAnchorWords).join('|'), 'g');
}

/** The Rust anchor words of a file: a fact of its own, for the reason `jsAnchorWords` is. */
function rustAnchorWords(file: FileFacts): string[] {
  const words = [RUST_LIBRARY_WORDS.source];
  const fields = proxyFieldsPattern(file);
  if (fields) words.push(fields.source);
  const imported = importedCallPattern(file);
  if (imported) words.push(imported.source);
  if (ownRoundTrips(file)) {
    // Reply loops, and the calls that wait through them.
    words.push(REPLY_SERIAL_ANCHOR.source);
    const loops = [...replyLoopNames(file)];
    if (loops.length > 0) words.push(`\\b(?:${loops.join('|')})\\s*\\(`);
  }
  if (rawSocketClient(file)) {
    // Same-file socket helpers: calls to them send or block like the calls inside.
    const helpers = socketHelpers(file);
    words.push(RAW_READS.source);
    const names = [...helpers.sends, ...helpers.receives, ...helpers.roundTrips];
    if (names.length > 0) words.push(`\\b(?:${names.join('|')})\\b`);
  }
  return words;
}

/**
 * JS anchors from the file itself: the names its bus, proxy-interface and promisified-invoke variables
 * have, so a call like `this.player.PlayPause()` is found without anchoring every method call.
 */
function jsAnchors(file: FileFacts): RegExp {
  const { words, pending } = file.fact(jsAnchorWords);
  return new RegExp([...words, ...pending].join('|'), 'g');
}

/**
 * The anchor words of a JS file: `words` anchor a function by themselves; `pending` (`new Promise`, `serial`)
 * matter only in a function that may park a call by its serial, which the scope filter asks. A fact of its own:
 * the anchors then depend on the words, not on every match they were read from, so an edit that leaves the words
 * alone keeps every anchor-only result.
 */
function jsAnchorWords(file: FileFacts): { words: string[]; pending: string[] } {
  const names = new Set(file.fact(busVariableNames));
  for (const name of typedInterfaces(file)) names.add(escapeRegExp(name));
  if (uses(DBUS_NATIVE, file)) for (const name of storedInterfaceNames(file)) names.add(escapeRegExp(name));
  const words = [
    '\\.call\\s*\\(\\s*(?:new\\s+Message|\\w*(?:msg|message|Msg|Message)\\b)',
    '\\.invoke\\s*\\(',
    '\\.getInterface\\s*\\(',
  ];
  // Calls the file's libraries make for it (`bus.requestName(…)`), whatever the receiver is called.
  const made = LIBRARIES.filter((library) => library.language === 'js' && uses(library, file))
    .flatMap((library) => library.callsMadeForYou ?? [])
    .map((entry) => entry.method);
  if (made.length > 0) words.push(`\\.(?:${[...new Set(made)].join('|')})\\s*\\(`);
  // Pending-call promises only matter in hand-written socket clients.
  const pending = uses(NET_SOCKET, file) || parksBySerial(file) ? ['new\\s+Promise\\b', '\\bserial\\b'] : [];
  // Calls to the file's own functions, which may wait as the pending call inside them does.
  if (pendingCalls(file)) words.push(...waitingCallAnchors(file));
  // Calls of imported functions that wait forever.
  const imported = [...importedWaits(file).keys()].map(escapeRegExp);
  if (imported.length > 0) words.push(`\\b(?:${imported.join('|')})\\s*\\(`);
  // `iface.Method(…)`, `iface?.Method(…)`, and `iface[name](…)` (a method picked by name).
  if (names.size > 0) words.push(`\\b(?:${[...names].join('|')})\\b\\s*(?:\\??\\.|\\(|\\[)`);
  return { words, pending };
}

/**
 * JS functions anchored only by `new Promise` or `serial` are checked when they may park a call by its serial:
 * ordinary code is full of promises (a large file's every `new Promise` was a queried function).
 */
function jsScopeFilter(file: FileFacts): ((scopeText: string) => boolean) | undefined {
  const { words, pending } = file.fact(jsAnchorWords);
  if (pending.length === 0) return undefined;
  const others = new RegExp(words.join('|'));
  return (scopeText) => others.test(scopeText) || mayPark(scopeText);
}

/** Names of the file's bus, proxy-interface and promisified-invoke variables (escaped for a pattern). */
function busVariableNames(file: FileFacts): Set<string> {
  const names = new Set<string>();
  const binding =
    /(?:\b(?:const|let|var)\s+|\bthis\.)([A-Za-z_$][\w$]*)\s*(?::[^=\n]*)?=\s*(?:await\s+)?[\w$.]*\b(?:getInterface|sessionBus|systemBus|promisify)\s*\(/g;
  for (const m of file.matches(binding)) if (m[1]) names.add(escapeRegExp(m[1]));
  return names;
}

function family(language: LanguageId): 'rust' | 'js' {
  return language === 'rust' ? 'rust' : 'js';
}

export const callWithoutTimeout: Rule<'call-without-timeout'> = {
  id: 'call-without-timeout',
  title: 'Method call that can wait forever',
  summary: 'A D-Bus method call with no timeout: if the peer never answers, the caller waits forever.',
  description:
    'A D-Bus method call whose reply is awaited with no timeout: if the peer never answers (it hangs, deadlocks, or drops the call), the caller waits forever.',
  defaultSeverity: 'warning',
  quickFixes: [
    'add `method_timeout` to a zbus connection',
    'replace `Timeout::Infinite` (rustbus)',
    'race a dbus-next/dbus-native promise against a timer',
  ],
  fixAll: true,
  proof: { naiveVerdict: false, faults: ['drop-reply'] },
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (file, language) => CHECKERS.some((c) => c.language === family(language) && c.applies(file)),
  anchors: (language, file) => (language === 'rust' ? rustAnchors(file) : jsAnchors(file)),
  // Raw sockets: a blocking read matters only after a send in the same function.
  scopeFilter: (language, file) => {
    if (language !== 'rust') return jsScopeFilter(file);
    const fields = proxyFieldsPattern(file);
    const raw = rawSocketClient(file);
    // A round trip's caller waits as the round trip does.
    const sendHelpers = raw ? [...socketHelpers(file).sends, ...socketHelpers(file).roundTrips] : [];
    const helperSend = sendHelpers.length > 0 ? new RegExp(`\\b(?:${sendHelpers.join('|')})\\s*\\(`) : undefined;
    const loops = ownRoundTrips(file) ? [...replyLoopNames(file)] : [];
    const replyLoopCall = loops.length > 0 ? new RegExp(`\\b(?:${loops.join('|')})\\s*\\(`) : undefined;
    const imported = importedCallPattern(file);
    return (scopeText) =>
      RUST_LIBRARY_WORDS.test(scopeText) ||
      (!!imported && imported.test(scopeText)) ||
      (!!fields && fields.test(scopeText)) ||
      (!!replyLoopCall && replyLoopCall.test(scopeText)) ||
      (ownRoundTrips(file) && REPLY_SERIAL_ANCHOR.test(scopeText)) ||
      (raw &&
        (RAW_SEND.test(scopeText) ||
          (WRITE_MACRO.test(scopeText) && BLOCKING_READ.test(scopeText)) ||
          (!!helperSend && helperSend.test(scopeText))));
  },
  check: (ctx) =>
    CHECKERS.filter((c) => c.language === family(ctx.language) && c.applies(ctx)).flatMap((c) => c.check(ctx)),
};
