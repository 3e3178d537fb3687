import { DBUS_EVIDENCE, DBUS_NATIVE, DBUS_NEXT, DBUS_RS, handWrittenSocket, NET_SOCKET, RUSTBUS, uses, ZBUS } from '../libraries/index';
import { typedInterfaces } from '../libraries/dbus-next';
import { socketHelpers } from '../libraries/raw-socket';
import { ASYNC_RUSTBUS_IMPORT } from '../libraries/rustbus';
import { zbusProxyFields } from '../libraries/zbus';
import { escapeRegExp } from '../resolve';
import type { LanguageId } from '../types';
import type { Rule, RuleContext, RuleReport } from './rule';
import { checkDbusNative } from './timeouts/dbus-native';
import { checkDbusNext } from './timeouts/dbus-next';
import { checkAsyncRustbus } from './timeouts/async-rustbus';
import { checkDbusRs } from './timeouts/dbus-rs';
import { checkPendingPromises } from './timeouts/pending-promise';
import { checkRawSocket } from './timeouts/raw-socket';
import { checkRustbus } from './timeouts/rustbus';
import { checkZbus, proxyGetterNames } from './timeouts/zbus';

/** Hand-written clients: a raw socket in a file with D-Bus signs and no D-Bus library. */
const rawSocketClient = (t: string): boolean =>
  handWrittenSocket(t) && DBUS_EVIDENCE.test(t) && !uses(ZBUS, t) && !uses(DBUS_RS, t) && !uses(RUSTBUS, t) && !serverOnly(t);

/** A bus (or mock bus) that only accepts connections waits for its clients, not for replies. */
function serverOnly(t: string): boolean {
  return /\b(?:UnixListener|TcpListener)\b/.test(t) && !/\bconnect\s*\(/.test(t);
}

/** One checker per library, each run only when the file uses that library. */
const CHECKERS: { language: 'rust' | 'js'; applies: (text: string) => boolean; check: (ctx: RuleContext) => RuleReport[] }[] = [
  { language: 'rust', applies: (t) => uses(ZBUS, t), check: checkZbus },
  { language: 'rust', applies: (t) => uses(DBUS_RS, t), check: checkDbusRs },
  { language: 'rust', applies: (t) => uses(RUSTBUS, t), check: checkRustbus },
  { language: 'rust', applies: (t) => ASYNC_RUSTBUS_IMPORT.test(t), check: checkAsyncRustbus },
  { language: 'rust', applies: rawSocketClient, check: checkRawSocket },
  { language: 'js', applies: (t) => uses(DBUS_NEXT, t), check: checkDbusNext },
  { language: 'js', applies: (t) => uses(DBUS_NATIVE, t), check: checkDbusNative },
  { language: 'js', applies: (t) => uses(NET_SOCKET, t) && DBUS_EVIDENCE.test(t), check: checkPendingPromises },
];

const RUST_LIBRARY_WORDS = /\bcall_method\b|Proxy|_proxy\s*\(|\bwith_proxy\b|\bsend_with_reply_and_block\b|\bsend_msg_w_rsp\b|Timeout::Infinite|\bp?poll\b/;
const RAW_SEND = /\b(?:sendmsg|send|send_to|sendto|write_all|write|write_vectored|send_message|send_msg|write_message|hello|call_hello)\b\s*(?:::<[^>]*>)?\(/;
/** `write!(sock, …)` sends only where something is read with a buffer (`RwLock::read()` takes none). */
const WRITE_MACRO = /\bwrite(?:ln)?!\s*\(/;
const BLOCKING_READ = /\b(?:recvmsg|recv|recv_from|read|read_exact|read_line|read_until|read_to_end|read_to_string)\s*(?:::<[^>]*>)?\(\s*[^)\s]|\b(?:read|recv|receive|get_next|next|pop|read_next)_(?:message|msg|reply|response|frame)\s*\(/;

/** Blocking reads: anchors only in hand-written clients (the raw-socket checker is the only one reading them). */
const RAW_READS = /\b(?:recvmsg|recv|recv_from|read|read_exact|read_line|read_until|read_to_end|read_to_string)\b/;

/**
 * `self.<field>` for the zbus proxy fields the file declares, and calls to its functions that return a proxy
 * (`self.manager().await?`), or undefined when it has neither.
 */
function proxyFieldsPattern(text: string): RegExp | undefined {
  if (!uses(ZBUS, text)) return undefined;
  const fields = [...zbusProxyFields(text).keys()];
  const getters = proxyGetterNames(text);
  const words = [];
  if (fields.length > 0) words.push(`\\bself\\.(?:${fields.join('|')})\\b`);
  if (getters.length > 0) words.push(`\\b(?:${getters.join('|')})\\s*\\(`);
  return words.length === 0 ? undefined : new RegExp(words.join('|'));
}

/** Rust anchors, plus the proxy fields' uses. */
function rustAnchors(text: string): RegExp {
  const words = [RUST_LIBRARY_WORDS.source];
  const fields = proxyFieldsPattern(text);
  if (fields) words.push(fields.source);
  if (rawSocketClient(text)) {
    // Same-file socket helpers: calls to them send or block like the calls inside.
    const helpers = socketHelpers(text);
    words.push(RAW_READS.source);
    if (helpers.sends.size + helpers.receives.size > 0) words.push(`\\b(?:${[...helpers.sends, ...helpers.receives].join('|')})\\b`);
  }
  return new RegExp(words.join('|'), 'g');
}


/**
 * JS anchors from the file itself: the names its bus, proxy-interface and promisified-invoke variables
 * have, so a call like `this.player.PlayPause()` is found without anchoring every method call.
 */
function jsAnchors(text: string): RegExp {
  const names = new Set<string>();
  const binding = /(?:\b(?:const|let|var)\s+|\bthis\.)([A-Za-z_$][\w$]*)\s*(?::[^=\n]*)?=\s*(?:await\s+)?[\w$.]*\b(?:getInterface|sessionBus|systemBus|promisify)\s*\(/g;
  for (let m = binding.exec(text); m; m = binding.exec(text)) if (m[1]) names.add(escapeRegExp(m[1]));
  for (const name of typedInterfaces(text)) names.add(escapeRegExp(name));
  const words = ['\\.call\\s*\\(\\s*(?:new\\s+Message|\\w*(?:msg|message|Msg|Message)\\b)', '\\.invoke\\s*\\(', '\\.getInterface\\s*\\('];
  // Pending-call promises only matter in hand-written socket clients.
  if (uses(NET_SOCKET, text)) words.push('new\\s+Promise\\b', '\\bserial\\b');
  // `iface.Method(…)`, `iface?.Method(…)`, and `iface[name](…)` (a method picked by name).
  if (names.size > 0) words.push(`\\b(?:${[...names].join('|')})\\b\\s*(?:\\??\\.|\\(|\\[)`);
  return new RegExp(words.join('|'), 'g');
}

function family(language: LanguageId): 'rust' | 'js' {
  return language === 'rust' ? 'rust' : 'js';
}

export const callWithoutTimeout: Rule = {
  id: 'call-without-timeout',
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (text, language) => CHECKERS.some((c) => c.language === family(language) && c.applies(text)),
  anchors: (language, text) => (language === 'rust' ? rustAnchors(text) : jsAnchors(text)),
  // Raw sockets: a blocking read matters only after a send in the same function.
  scopeFilter: (language, text) => {
    if (language !== 'rust') return undefined;
    const fields = proxyFieldsPattern(text);
    const raw = rawSocketClient(text);
    const sendHelpers = raw ? [...socketHelpers(text).sends] : [];
    const helperSend = sendHelpers.length > 0 ? new RegExp(`\\b(?:${sendHelpers.join('|')})\\s*\\(`) : undefined;
    return (scopeText) =>
      RUST_LIBRARY_WORDS.test(scopeText) ||
      (!!fields && fields.test(scopeText)) ||
      (raw && (RAW_SEND.test(scopeText) || (WRITE_MACRO.test(scopeText) && BLOCKING_READ.test(scopeText)) || (!!helperSend && helperSend.test(scopeText))));
  },
  check: (ctx) =>
    CHECKERS.filter((c) => c.language === family(ctx.language) && c.applies(ctx.text)).flatMap((c) => c.check(ctx)),
};
