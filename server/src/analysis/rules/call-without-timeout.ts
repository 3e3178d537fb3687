import { DBUS_EVIDENCE, DBUS_NATIVE, DBUS_NEXT, DBUS_RS, NET_SOCKET, RAW_SOCKET, RUSTBUS, uses, ZBUS } from '../libraries/index';
import type { LanguageId } from '../types';
import type { Rule, RuleContext, RuleReport } from './rule';
import { checkDbusNative } from './timeouts/dbus-native';
import { checkDbusNext } from './timeouts/dbus-next';
import { checkDbusRs } from './timeouts/dbus-rs';
import { checkPendingPromises } from './timeouts/pending-promise';
import { checkRawSocket } from './timeouts/raw-socket';
import { checkRustbus } from './timeouts/rustbus';
import { checkZbus } from './timeouts/zbus';

/** One checker per library, each run only when the file uses that library. */
const CHECKERS: { language: 'rust' | 'js'; applies: (text: string) => boolean; check: (ctx: RuleContext) => RuleReport[] }[] = [
  { language: 'rust', applies: (t) => uses(ZBUS, t), check: checkZbus },
  { language: 'rust', applies: (t) => uses(DBUS_RS, t), check: checkDbusRs },
  { language: 'rust', applies: (t) => uses(RUSTBUS, t), check: checkRustbus },
  {
    language: 'rust',
    applies: (t) => uses(RAW_SOCKET, t) && DBUS_EVIDENCE.test(t) && !uses(ZBUS, t) && !uses(DBUS_RS, t) && !uses(RUSTBUS, t),
    check: checkRawSocket,
  },
  { language: 'js', applies: (t) => uses(DBUS_NEXT, t), check: checkDbusNext },
  { language: 'js', applies: (t) => uses(DBUS_NATIVE, t), check: checkDbusNative },
  { language: 'js', applies: (t) => uses(NET_SOCKET, t) && DBUS_EVIDENCE.test(t), check: checkPendingPromises },
];

function family(language: LanguageId): 'rust' | 'js' {
  return language === 'rust' ? 'rust' : 'js';
}

export const callWithoutTimeout: Rule = {
  id: 'call-without-timeout',
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (text, language) => CHECKERS.some((c) => c.language === family(language) && c.applies(text)),
  anchors: (language) =>
    language === 'rust'
      ? /Proxy|proxy|\b(?:call_method|with_proxy|send_with_reply_and_block|Timeout::Infinite|poll|ppoll|recvmsg|recv|read|read_exact|recv_from)\b/g
      : /\bcall\s*\(|\binvoke\b|getInterface|new\s+Promise\b|promisify|\.\s*[A-Z]\w*\s*\(/g,
  check: (ctx) =>
    CHECKERS.filter((c) => c.language === family(ctx.language) && c.applies(ctx.text)).flatMap((c) => c.check(ctx)),
};
