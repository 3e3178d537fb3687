import type { CallMadeForYou, LibraryModel } from './model';

/**
 * What bounds every call dbus-ts makes: `MessageBus.invoke` (src/messageBus.ts) parks `[resolve, reject]` in
 * `this.cookies` under the serial and writes the message, with no timer.
 */
const UNBOUNDED = 'dbus-ts sends it through `MessageBus.invoke`, which has no timeout';

const BUS = ['MessageBus'];
const SERVICE = ['DBusService'];
const BUS_DRIVER = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
};
const INTROSPECT = { interface: 'org.freedesktop.DBus.Introspectable', member: 'Introspect' };

/**
 * Read from dbus-ts 0.0.7 src/messageBus.ts, src/dbusService.ts and src/utils/introspect.ts: objects and
 * interfaces come from introspecting the peer (`DBusObject.introspect` → `bus.invoke({ … member: 'Introspect' })`).
 */
const CALLS_MADE_FOR_YOU: readonly CallMadeForYou[] = [
  // `bus.invoke({ destination, path, interface, member, signature, body })`.
  { method: 'invoke', args: { min: 1, max: 1 }, on: BUS, sends: { message: { argument: 0 } }, bound: UNBOUNDED },
  // `bus.invokeDbus({ member })` fills in the bus driver's name, path and interface when the message has none.
  {
    method: 'invokeDbus',
    args: { min: 1, max: 1 },
    on: BUS,
    sends: { ...BUS_DRIVER, message: { argument: 0 } },
    bound: UNBOUNDED,
  },
  // `bus.getObject(service, path)` / `bus.getInterface(service, path, iface)` introspect the object.
  {
    method: 'getObject',
    args: { min: 2, max: 2 },
    on: BUS,
    sends: { destination: 0, path: 1, ...INTROSPECT },
    bound: UNBOUNDED,
  },
  {
    method: 'getInterface',
    args: { min: 3, max: 3 },
    on: BUS,
    sends: { destination: 0, path: 1, ...INTROSPECT },
    bound: UNBOUNDED,
    // Its methods are generated from the introspection data: each awaits `bus.invoke(msg)` (`$callMethod`).
    returnsProxy: { interface: 2 },
  },
  // `bus.dbus()` introspects the bus driver the first time (and keeps the object).
  {
    method: 'dbus',
    args: { max: 0 },
    on: BUS,
    sends: { ...BUS_DRIVER, ...INTROSPECT },
    bound: `${UNBOUNDED} (the first call introspects the bus driver)`,
  },
  // `bus.getService(name)` is a local handle; its `getObject(path)` / `getInterface(path, iface)` introspect too.
  { method: 'getObject', args: { min: 1, max: 1 }, on: SERVICE, sends: { path: 0, ...INTROSPECT }, bound: UNBOUNDED },
  {
    method: 'getInterface',
    args: { min: 2, max: 2 },
    on: SERVICE,
    sends: { path: 0, ...INTROSPECT },
    bound: UNBOUNDED,
    returnsProxy: { interface: 1 },
  },
];

export const DBUS_TS: LibraryModel = {
  id: 'dbus-ts',
  displayName: 'dbus-ts',
  language: 'js',
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"]dbus-ts['"]/,
  packages: /^dbus-ts$/,
  // Its calls are the waiting ones below; `sendSignal`/`sendReply` wait for nothing.
  sends: [],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'dbus-ts has no call timeout: a call whose reply never comes waits forever',
  callsMadeForYou: CALLS_MADE_FOR_YOU,
  modelOnly: true,
};
