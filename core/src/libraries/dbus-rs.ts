import type { LibraryModel } from './model';

export const DBUS_RS: LibraryModel = {
  id: 'dbus-rs',
  displayName: 'dbus-rs',
  language: 'rust',
  imports: /\buse\s+dbus\b|(?<![\w])dbus::(?:blocking|nonblock|ffidisp|channel|message|Message|arg|strings)/,
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
