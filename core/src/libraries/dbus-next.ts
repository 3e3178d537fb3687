import type { FileFacts } from '../facts';
import type { CallMadeForYou, LibraryModel } from './model';

/** What bounds every call dbus-next makes: its `call()` parks the reply handler under the serial with no timer. */
const UNBOUNDED = 'dbus-next sends it through `call()`, which has no timeout';

const BUS_DRIVER = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
};

/**
 * Read from dbus-next 0.10.2 lib/bus.js and lib/client/proxy-object.js (0.9.2 and @jellybrick/dbus-next 0.11.3 alike,
 * except as noted): each method builds a Message and awaits `this.call(message)`.
 */
const CALLS_MADE_FOR_YOU: readonly CallMadeForYou[] = [
  { method: 'requestName', sends: { ...BUS_DRIVER, member: 'RequestName' }, bound: UNBOUNDED },
  { method: 'releaseName', sends: { ...BUS_DRIVER, member: 'ReleaseName' }, bound: UNBOUNDED },
  // Without introspection XML the proxy object introspects the peer (ProxyObject._init).
  {
    method: 'getProxyObject',
    args: { max: 2 },
    sends: { destination: 0, path: 1, interface: 'org.freedesktop.DBus.Introspectable', member: 'Introspect' },
    bound: UNBOUNDED,
  },
  // With XML it still asks the bus who owns the name (from 0.10; 0.9.2 sends nothing then).
  {
    method: 'getProxyObject',
    args: { min: 3 },
    sends: { ...BUS_DRIVER, member: 'GetNameOwner' },
    bound: `${UNBOUNDED} (dbus-next 0.10 and later; 0.9 sends nothing when given XML)`,
  },
];

export const DBUS_NEXT: LibraryModel = {
  id: 'dbus-next',
  displayName: 'dbus-next',
  language: 'js',
  // Scoped forks keep the API: @jellybrick/dbus-next, @particle/dbus-next, @holusion/dbus-next; dbus-final too.
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"](?:@[\w.-]+\/)?dbus-(?:next|final)['"]/,
  packages: /^(?:@[\w.-]+\/)?dbus-(?:next|final)$/,
  sends: ['call', 'send'],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'dbus-next has no call timeout: a call whose reply never comes waits forever',
  callsMadeForYou: CALLS_MADE_FOR_YOU,
};

/**
 * How a program reaches a peer's methods: `bus.getProxyObject(name, path)` gives the object (itself a call made
 * for you), `obj.getInterface(name)` one of its interfaces (a local lookup), whose methods are calls.
 */
export const DBUS_NEXT_PROXY = { object: 'getProxyObject', iface: 'getInterface' } as const;

/** Bus constructors. */
export const DBUS_NEXT_BUS =
  /(?:\b(?:const|let|var)\s+(\w+)|\bthis\.(\w+))\s*(?::\s*[\w.<>]+\s*)?=\s*(?:await\s+)?(?:\w+\.)?(session|system)Bus\s*\(/g;

/** Proxy interface methods that are not D-Bus calls (EventEmitter API, promise API). */
export const JS_LOCAL_METHODS =
  /^(on|once|off|addListener|removeListener|removeAllListeners|prependListener|emit|listeners|listenerCount|then|catch|finally|bind|toString|\$\w*)$/;

/** Callers that bound a promise with a timer. */
export const JS_TIMEOUT_WRAPPERS = /^(race|any)$|timeout|deadline/i;

/** Variables, parameters and fields typed as a dbus-next proxy interface: `iface: ClientInterface`. */
export const DBUS_NEXT_TYPED_INTERFACE = /\b([A-Za-z_$][\w$]*)\s*[?!]?\s*:\s*(?:[\w$]+\.)?ClientInterface\b/g;

export function typedInterfaces(file: FileFacts): Set<string> {
  return file.fact(typedInterfaceNames);
}

function typedInterfaceNames(file: FileFacts): Set<string> {
  const out = new Set<string>();
  for (const m of file.matches(DBUS_NEXT_TYPED_INTERFACE)) if (m[1]) out.add(m[1]);
  return out;
}
