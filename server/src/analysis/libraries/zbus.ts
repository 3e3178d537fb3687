import type { LibraryModel } from './model';

export const ZBUS: LibraryModel = {
  id: 'zbus',
  displayName: 'zbus',
  language: 'rust',
  imports: /\buse\s+zbus\b|\bzbus::/,
  sends: ['send', 'send_message'],
  receives: ['receive_message', 'next'],
  receiveUnit: 'message',
  completeReads: [],
  timeoutDefault: 'zbus connections have no method timeout unless the builder sets `method_timeout` (zbus ≥ 5.11; older zbus has none)',
};

/** Connection constructors: the place a method timeout would be configured. */
export const ZBUS_CONNECTION = /\b(?:(?:blocking::)?Connection::(session|system)|(?:connection::|blocking::connection::)?Builder::(session|system|address)|ConnectionBuilder::(session|system|address))\s*\(/g;

/** Proxy attributes that generate `<Trait>Proxy` / `<Trait>ProxyBlocking`. */
export const ZBUS_PROXY_ATTRIBUTE = /#\[\s*(?:zbus::)?(?:dbus_)?proxy\s*\(([^\]]*)\)\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?trait\s+(\w+)/g;

/** Proxy methods that are not D-Bus calls. */
export const ZBUS_PROXY_LOCAL_METHODS = /^(receive_\w+|cached_\w+|connect_\w+|disconnect_\w+|next_signal|handle_signal|inner|inner_mut|into_inner|connection|destination|path|interface|clone|builder|as_ref|to_owned|unwrap|expect|await)$/;

/** Calls whose argument future is bounded by a timer. */
export const RUST_TIMEOUT_WRAPPERS = /^(timeout|timeout_at|with_timeout|deadline)$/;
