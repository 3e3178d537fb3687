import type { FileFacts } from '../facts';
import type { LibraryModel } from './model';

export const ZBUS: LibraryModel = {
  id: 'zbus',
  displayName: 'zbus',
  language: 'rust',
  imports: /\buse\s+zbus\b|\bzbus::/,
  packages: /^zbus$/,
  sends: ['send', 'send_message'],
  receives: ['receive_message', 'next'],
  receiveUnit: 'message',
  completeReads: [],
  timeoutDefault:
    'zbus connections have no method timeout unless the builder sets `method_timeout` (zbus ≥ 5.11; older zbus has none)',
};

/** Connection constructors: the place a method timeout would be configured. */
export const ZBUS_CONNECTION =
  /\b(?:(?:blocking::)?Connection::(session|system)|(?:connection::|blocking::connection::)?Builder::(session|system|address)|ConnectionBuilder::(session|system|address))\s*\(/g;

/** Proxy attributes that generate `<Trait>Proxy` / `<Trait>ProxyBlocking`. */
export const ZBUS_PROXY_ATTRIBUTE =
  /#\[\s*(?:zbus::)?(?:dbus_)?proxy\s*\(([^\]]*)\)\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?trait\s+(\w+)/g;

/** Proxy methods that are not D-Bus calls. */
export const ZBUS_PROXY_LOCAL_METHODS =
  /^(receive_\w+|cached_\w+|connect_\w+|disconnect_\w+|next_signal|handle_signal|inner|inner_mut|into_inner|connection|destination|path|interface|clone|builder|as_ref|to_owned|unwrap|expect|await)$/;

/** Calls whose argument future is bounded by a timer. */
export const RUST_TIMEOUT_WRAPPERS = /^(timeout|timeout_at|with_timeout|deadline)$/;

export interface ZbusProxyInfo {
  interface?: string;
  destination?: string;
  path?: string;
}

/** The proxies zbus ships in `zbus::fdo`, with what their defaults are. */
export const ZBUS_FDO_PROXIES: Record<string, ZbusProxyInfo> = {
  DBusProxy: { interface: 'org.freedesktop.DBus', destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus' },
  DBusProxyBlocking: {
    interface: 'org.freedesktop.DBus',
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
  },
  PeerProxy: { interface: 'org.freedesktop.DBus.Peer' },
  PeerProxyBlocking: { interface: 'org.freedesktop.DBus.Peer' },
  PropertiesProxy: { interface: 'org.freedesktop.DBus.Properties' },
  PropertiesProxyBlocking: { interface: 'org.freedesktop.DBus.Properties' },
  IntrospectableProxy: { interface: 'org.freedesktop.DBus.Introspectable' },
  IntrospectableProxyBlocking: { interface: 'org.freedesktop.DBus.Introspectable' },
  ObjectManagerProxy: { interface: 'org.freedesktop.DBus.ObjectManager' },
  ObjectManagerProxyBlocking: { interface: 'org.freedesktop.DBus.ObjectManager' },
};

/** Struct fields holding a proxy: `proxy: FooProxy<'static>`, `manager: zbus::fdo::DBusProxy<'a>`. */
export const ZBUS_PROXY_FIELD =
  /\b([a-z_]\w*)\s*:\s*(?:Option<\s*)?(?:Arc<\s*)?(?:[\w:]+::)?(\w*Proxy(?:Blocking)?)\b/g;

/** The proxy fields a file declares, by field name. */
export function zbusProxyFields(file: FileFacts): Map<string, string> {
  return file.fact(proxyFields);
}

function proxyFields(file: FileFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of file.matches(ZBUS_PROXY_FIELD)) if (m[1] && m[2]) out.set(m[1], m[2]);
  return out;
}
