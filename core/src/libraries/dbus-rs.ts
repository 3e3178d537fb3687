import type { FileFacts } from '../facts';
import type { LibraryModel } from './model';

export const DBUS_RS: LibraryModel = {
  id: 'dbus-rs',
  displayName: 'dbus-rs',
  language: 'rust',
  imports: /\buse\s+dbus\b|(?<![\w])dbus::(?:blocking|nonblock|ffidisp|channel|message|Message|arg|strings)/,
  // dbus-tokio only drives dbus-rs's nonblock connections.
  packages: /^dbus(?:-tokio)?$/,
  sends: ['send', 'send_message'],
  receives: ['process', 'read_write', 'pop_message', 'blocking_pop_message'],
  receiveUnit: 'message',
  completeReads: [],
  timeoutDefault: 'dbus-rs blocking calls wait as long as the timeout they are given',
};

/** Calls that take a timeout, and the index of that argument. */
export const DBUS_RS_TIMEOUT_ARGUMENT: Record<string, number> = {
  with_proxy: 2,
  send_with_reply_and_block: 1,
  new: 2, // blocking::Proxy::new(dest, path, timeout, conn) and nonblock::Proxy::new(…)
};

/** A timeout that never fires. */
export const INFINITE_TIMEOUT =
  /Duration::MAX|(?:i32|u32|u64|i64|c_int|usize)::MAX|DBUS_TIMEOUT_INFINITE|0x7fff_?ffff/i;

/** dbus-tokio installs the timeout handler nonblock proxies rely on. */
export const DBUS_TOKIO = /\bdbus_tokio\b/;

/** `use dbus::nonblock::Proxy` / `use dbus::nonblock::{…, Proxy, …}`, and the blocking twin. */
const NONBLOCK_PROXY_IMPORT = /\buse\s+dbus::nonblock::(?:Proxy\b|\{[^}]*\bProxy\b)/;
const BLOCKING_PROXY_IMPORT = /\buse\s+dbus::blocking::(?:Proxy\b|\{[^}]*\bProxy\b)/;

/**
 * Which proxy a call makes: `blocking::Proxy::new` and `with_proxy` (a blocking connection's) make a blocking
 * proxy, whose timeout libdbus enforces; `nonblock::Proxy::new` a nonblock one, whose timeout only a runtime such
 * as dbus-tokio enforces; a bare `Proxy::new` is whichever the file imports (undefined when it does not say).
 */
export function proxyFlavour(callee: string, path: string, file: FileFacts): 'blocking' | 'nonblock' | undefined {
  if (callee === 'with_proxy' || callee === 'send_with_reply_and_block') return 'blocking';
  if (/\bnonblock::Proxy::new$/.test(path)) return 'nonblock';
  if (/\bblocking::Proxy::new$/.test(path)) return 'blocking';
  if (file.has(NONBLOCK_PROXY_IMPORT)) return 'nonblock';
  if (file.has(BLOCKING_PROXY_IMPORT)) return 'blocking';
  return undefined;
}
