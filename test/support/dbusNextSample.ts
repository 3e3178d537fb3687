// A small dbus-next client with two calls without a timeout: the sample the baseline, fingerprint and config
// tests change and check.
export const NETWORK_STATE_SOURCE = `import dbus from 'dbus-next';

const bus = dbus.systemBus();

export async function state(): Promise<number> {
  const obj = await bus.getProxyObject('org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager');
  const nm = obj.getInterface('org.freedesktop.NetworkManager');
  const value = (await nm.state()) as number;
  await nm.CheckConnectivity();
  return value;
}
`;
