export * from './model';
export { ZBUS } from './zbus';
export { DBUS_RS } from './dbus-rs';
export { RUSTBUS } from './rustbus';
export { RAW_SOCKET } from './raw-socket';
export { DBUS_NEXT } from './dbus-next';
export { DBUS_NATIVE } from './dbus-native';
export { NET_SOCKET } from './net-socket';

import { DBUS_NATIVE } from './dbus-native';
import { DBUS_NEXT } from './dbus-next';
import { DBUS_RS } from './dbus-rs';
import { NET_SOCKET } from './net-socket';
import { RAW_SOCKET } from './raw-socket';
import { RUSTBUS } from './rustbus';
import { ZBUS } from './zbus';
import { uses } from './model';
import type { FileFacts } from '../facts';

export const LIBRARIES = [ZBUS, DBUS_RS, RUSTBUS, RAW_SOCKET, DBUS_NEXT, DBUS_NATIVE, NET_SOCKET] as const;

/** Every call any library table lists as putting a call on the wire, plus hand-written clients' usual names. */
export const ALL_SENDS: ReadonlySet<string> = new Set([
  ...LIBRARIES.flatMap((library) => library.sends),
  'send_msg',
  'write_message',
  'hello',
  'call_hello',
]);

/**
 * A file that talks to a socket by hand: nix/libc/Unix streams, or a `TcpStream` (D-Bus over TCP) in a
 * file that uses no D-Bus library (there a TCP stream is some other protocol's).
 */
export function handWrittenSocket(file: FileFacts): boolean {
  return (
    uses(RAW_SOCKET, file) ||
    (file.has(/\bTcpStream\b/) && !uses(ZBUS, file) && !uses(DBUS_RS, file) && !uses(RUSTBUS, file))
  );
}
