import type { FileFacts } from '../facts';
import type { CallMadeForYou, LibraryModel } from './model';

/**
 * What bounds the calls dbus-native makes: all go through `invoke`, which parks the callback in `cookies[serial]`
 * with no timer in dbus-native 0.4.0, @homebridge/dbus-native 0.7.9, @httptoolkit/dbus-native 0.1.5 and
 * dbus-native-victron 0.4.3; dbus-native from 0.14 gives every `invoke` a 25 s default (0.16.1 lib/bus.js DEFAULT_TIMEOUT;
 * the model's `defaultDeadlines`).
 */
const UNBOUNDED =
  'dbus-native sends it through `invoke` with no options: dbus-native before 0.14 and the forks (@homebridge/dbus-native 0.7, @httptoolkit/dbus-native 0.1, dbus-native-victron 0.4) have no timeout by default, dbus-native 0.14 and later bound it at 25 s';

const INTROSPECT = { interface: 'org.freedesktop.DBus.Introspectable', member: 'Introspect' };

/** `bus.requestName(name, flags, cb)` and the other bus-driver helpers: `invokeDbus({ member }, cb)`, one callback last. */
function busDriverCall(method: string, member: string, parameters: number): CallMadeForYou {
  return {
    method,
    sends: {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member,
    },
    callback: parameters,
    bound: UNBOUNDED,
  };
}

/** Read from dbus-native 0.4.0 lib/bus.js and lib/introspect.js; @homebridge 0.7.9 and @httptoolkit 0.1.5 alike. */
const CALLS_MADE_FOR_YOU: readonly CallMadeForYou[] = [
  // `service.getObject(path, cb)` / `service.getInterface(path, iface, cb)` introspect the object first.
  { method: 'getObject', args: { min: 1, max: 2 }, sends: { path: 0, ...INTROSPECT }, callback: 1, bound: UNBOUNDED },
  {
    method: 'getInterface',
    args: { min: 2, max: 3 },
    sends: { path: 0, ...INTROSPECT },
    callback: 2,
    bound: UNBOUNDED,
  },
  // `bus.getObject(service, path, cb)` / `bus.getInterface(service, path, iface, cb)`: the same through a service.
  {
    method: 'getObject',
    args: { min: 3 },
    sends: { destination: 0, path: 1, ...INTROSPECT },
    callback: 2,
    bound: UNBOUNDED,
  },
  {
    method: 'getInterface',
    args: { min: 4 },
    sends: { destination: 0, path: 1, ...INTROSPECT },
    callback: 3,
    bound: UNBOUNDED,
  },
  busDriverCall('addMatch', 'AddMatch', 1),
  busDriverCall('removeMatch', 'RemoveMatch', 1),
  busDriverCall('getId', 'GetId', 0),
  busDriverCall('requestName', 'RequestName', 2),
  busDriverCall('releaseName', 'ReleaseName', 1),
  busDriverCall('listNames', 'ListNames', 0),
  busDriverCall('listActivatableNames', 'ListActivatableNames', 0),
  busDriverCall('updateActivationEnvironment', 'UpdateActivationEnvironment', 1),
  busDriverCall('startServiceByName', 'StartServiceByName', 2),
  busDriverCall('getConnectionUnixUser', 'GetConnectionUnixUser', 1),
  busDriverCall('getConnectionUnixProcessId', 'GetConnectionUnixProcessID', 1),
  busDriverCall('getNameOwner', 'GetNameOwner', 1),
  busDriverCall('nameHasOwner', 'NameHasOwner', 1),
];

/** `bus.getService(name)`: a local handle on a peer; calls made through it (`getInterface`) go to its name. */
export const DBUS_NATIVE_SERVICE = 'getService';

/**
 * What bounds a generated proxy method (`iface.Notify(…, cb)`): `$callMethod` hands the trailing callback to
 * `bus.invoke(msg, cb)` and passes no options, so the library's default is all there is.
 */
export const PROXY_METHOD_BOUND = UNBOUNDED;

export const DBUS_NATIVE: LibraryModel = {
  id: 'dbus-native',
  displayName: 'dbus-native',
  language: 'js',
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"](?:@[\w.-]+\/)?dbus-native['"]/,
  // Forks publish under a scope (@homebridge/dbus-native) or a suffix (dbus-native-victron).
  packages: /^(?:@[\w.-]+\/)?dbus-native(?:-[\w]+)?$/,
  sends: ['invoke', 'call'],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'dbus-native `invoke` waits for a reply forever unless it is given a non-zero `timeout` option',
  callsMadeForYou: CALLS_MADE_FOR_YOU,
  // sidorares/dbus-native's lib/bus.js: 0.6–0.13 take a `timeout` option and default to none; from 0.14.0
  // `opts.timeout` defaults to DEFAULT_TIMEOUT = 25000 (`timeout: 0` opts out). The forks never took it up.
  defaultDeadlines: [{ package: /^dbus-native$/, since: '0.14.0', seconds: 25 }],
};

/**
 * How dbus-native and dbus-next (and their forks and bundles) write a message inside the library: the bus hands it
 * to its connection (`self.connection.message(msg)`, `this._connection.message(msg)`).
 */
export const CONNECTION_MESSAGE_WRITE = /\b_?connection\.message\s*\(/;

/**
 * A pending-call table keyed by the call's serial, as libraries implement `invoke`/`call`: a callback, a handler,
 * or the promise's resolve/reject parked under the serial (`this.cookies[msg.serial] = callback`,
 * `this._methodReturnHandlers[msg.serial] = (reply) => …`, `cookies[serial] = [resolve, reject]`).
 */
// Each name starts where a name starts (the look-behind): without it every position of a long word starts a run
// to the word's end, quadratic in the word (a minified bundle's megabyte comment).
export const PENDING_BY_SERIAL =
  /(?<![\w$.])([\w$.]+)\[[^\]\n]*serial[^\]\n]*\]\s*=\s*(?:(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply|resolve|reject)\b|\([^)\n]*\)\s*=>|function\b)|(?<![\w$.])([\w$.]+)\.set\(\s*[^,\n]*serial[^,\n]*,\s*(?:(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply|resolve|reject)\b|\([^)\n]*\)\s*=>|function\b)/gi;

/**
 * `….getInterface(path, name, (err, iface) => …)` (or `function (err, iface) {`, typed or not): group 1 is the
 * parameter the proxy interface arrives in. The arguments before the callback hold no `;`.
 */
export const GET_INTERFACE_CALLBACK =
  /\.getInterface\s*\([^;]*?(?:\bfunction\s*[\w$]*\s*\(|\()\s*[\w$]+(?:\s*\??:\s*[^,()]+)?\s*,\s*([\w$]+)(?:\s*\??:\s*[^,()]+)?\s*\)\s*(?::\s*[^=>{]+)?(?:=>|\{)/g;

/**
 * Where a program keeps an interface the callback hands it: `notifier = iface;` or `this.manager = iface;`
 * stores it in a variable or property that outlives the callback, and every method called through that name
 * elsewhere in the file is the same proxy's.
 */
export function storedInterfaces(file: FileFacts, parameter: string): readonly string[] {
  if (!/^[\w$]+$/.test(parameter)) return [];
  const store = new RegExp(
    `(?<![\\w$.])(?<!\\b(?:const|let|var)\\s+)((?:this\\.)?[\\w$]+)\\s*=\\s*${parameter.replace(/\$/g, '\\$')}\\s*(?:;|$)`,
    'gm',
  );
  const out = new Set<string>();
  for (const m of file.matches(store)) if (m[1] && m[1] !== parameter) out.add(m[1]);
  return [...out];
}

/** The names of every stored interface in the file (anchors for the items that call through them). */
export function storedInterfaceNames(file: FileFacts): readonly string[] {
  const out = new Set<string>();
  for (const m of file.matches(GET_INTERFACE_CALLBACK)) {
    if (m[1]) for (const name of file.fact(storedInterfaces, m[1])) out.add(name.replace(/^this\./, ''));
  }
  return [...out].sort();
}
