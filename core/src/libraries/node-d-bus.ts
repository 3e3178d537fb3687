import type { CallMadeForYou, LibraryModel } from './model';

/**
 * What bounds every call @clebert/node-d-bus makes: `DBus.callMethod` (lib/d-bus.js) parks a message listener that
 * settles only on a return or error with the call's serial, or on a socket error, and arms no timer.
 */
const UNBOUNDED = 'node-d-bus sends it through `DBus.callMethod`, which has no timeout';

const BUS = ['DBus', 'SystemDBus'];
const PROXY = ['ProxyObject'];
const PROPERTIES = 'org.freedesktop.DBus.Properties';

/**
 * Read from @clebert/node-d-bus 1.0.0 lib/d-bus.js, lib/proxy-object.js and lib/object-element.js. A `ProxyObject`
 * is made for one service, object and interface (`new ProxyObject(dBus, serviceName, objectPath, interfaceName)`,
 * or a subclass's `super(…)`): the calls it sends go there, which the call site does not show.
 */
const CALLS_MADE_FOR_YOU: readonly CallMadeForYou[] = [
  // `proxy.callMethod(memberName, types?, args?)`: a method of the proxy's interface.
  { method: 'callMethod', args: { min: 1, max: 3 }, on: PROXY, sends: { member: 0 }, bound: UNBOUNDED },
  {
    method: 'getProperty',
    args: { min: 1, max: 1 },
    on: PROXY,
    sends: { interface: PROPERTIES, member: 'Get' },
    bound: UNBOUNDED,
  },
  {
    method: 'setProperty',
    args: { min: 3, max: 3 },
    on: PROXY,
    sends: { interface: PROPERTIES, member: 'Set' },
    bound: UNBOUNDED,
  },
  {
    method: 'getObjectElements',
    args: { max: 0 },
    on: PROXY,
    sends: { path: '/', interface: 'org.freedesktop.DBus.ObjectManager', member: 'GetManagedObjects' },
    bound: UNBOUNDED,
  },
  // `dBus.callMethod({ messageType, destination, objectPath, interfaceName, memberName, serial, … })`.
  {
    method: 'callMethod',
    args: { min: 1, max: 1 },
    on: BUS,
    sends: {
      message: { argument: 0, fields: { path: 'objectPath', interface: 'interfaceName', member: 'memberName' } },
    },
    bound: UNBOUNDED,
  },
  {
    method: 'hello',
    args: { max: 0 },
    on: BUS,
    sends: {
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    },
    bound: UNBOUNDED,
  },
  // The static `ObjectElement.getAll(dBus, serviceName)`.
  {
    method: 'getAll',
    args: { min: 2, max: 2 },
    on: ['ObjectElement'],
    sends: { destination: 1, path: '/', interface: 'org.freedesktop.DBus.ObjectManager', member: 'GetManagedObjects' },
    bound: UNBOUNDED,
  },
];

export const NODE_D_BUS: LibraryModel = {
  id: 'node-d-bus',
  displayName: '@clebert/node-d-bus',
  language: 'js',
  imports: /(?:from\s+|require\s*\(\s*|import\s*\(\s*)['"]@clebert\/node-d-bus['"]/,
  packages: /^@clebert\/node-d-bus$/,
  // Its own `send` writes a message and waits for nothing; the waiting calls are the ones below.
  sends: [],
  receives: [],
  receiveUnit: 'none',
  completeReads: [],
  timeoutDefault: 'node-d-bus has no call timeout: a call whose reply never comes waits forever',
  callsMadeForYou: CALLS_MADE_FOR_YOU,
  modelOnly: true,
  constructs: { ProxyObject: { destination: 1, path: 2, interface: 3 } },
};
