// A small dbus-next client with two calls without a timeout: the sample the baseline, fingerprint and config
// tests change and check.
// The proxy object comes from the caller (getting one, `bus.getProxyObject`, is a call of its own); the lines of
// the two calls are the ones the tests expect.
export const NETWORK_STATE_SOURCE = `import type { ProxyObject } from 'dbus-next';

// obj: from bus.getProxyObject('org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager'),
// which introspects the object; here it is given.
export async function state(obj: ProxyObject): Promise<number> {
  // A local lookup in the introspected object.
  const nm = obj.getInterface('org.freedesktop.NetworkManager');
  const value = (await nm.state()) as number;
  await nm.CheckConnectivity();
  return value;
}
`;
