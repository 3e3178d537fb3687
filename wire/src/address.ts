// D-Bus server addresses: "transport:key=value,…" alternatives separated by ";", values %-escaped.
// Resolves the session and system bus addresses from the environment as libdbus does.
import { AddressError } from './errors';

export type Transport =
  | { kind: 'unix'; path: string; abstract: boolean; guid?: string; text: string }
  | { kind: 'tcp'; host: string; port: number; guid?: string; text: string };

const SYSTEM_BUS_DEFAULT = 'unix:path=/var/run/dbus/system_bus_socket';

function unescape(address: string, part: string, value: string): string {
  if (!/^([-0-9A-Za-z_/.\\*]|%[0-9A-Fa-f]{2})*$/.test(value)) {
    throw new AddressError(address, part, 'values may hold only [-0-9A-Za-z_/.\\*] and %XX escapes');
  }
  return Buffer.from(
    value.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

function parseOne(address: string, text: string, env: NodeJS.ProcessEnv): Transport {
  const colon = text.indexOf(':');
  if (colon <= 0)
    throw new AddressError(address, text, 'expected "transport:key=value,…" (like unix:path=/run/user/1000/bus)');
  const kind = text.slice(0, colon);
  const keys = new Map<string, string>();
  const rest = text.slice(colon + 1);
  for (const pair of rest === '' ? [] : rest.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new AddressError(address, pair, 'expected key=value');
    const key = pair.slice(0, eq);
    if (keys.has(key)) throw new AddressError(address, pair, `key "${key}" given twice`);
    keys.set(key, unescape(address, pair, pair.slice(eq + 1)));
  }
  const guid = keys.get('guid');
  if (kind === 'unix') {
    const given = ['path', 'abstract', 'dir', 'tmpdir', 'runtime'].filter((key) => keys.has(key));
    if (given.length !== 1) {
      throw new AddressError(
        address,
        text,
        'a unix address needs exactly one of path=, abstract=, runtime=yes (dir= and tmpdir= only when they name the socket)',
      );
    }
    const key = given[0];
    const value = keys.get(key)!;
    if (key === 'path') return { kind: 'unix', path: value, abstract: false, guid, text };
    if (key === 'abstract') return { kind: 'unix', path: value, abstract: true, guid, text };
    if (key === 'runtime') {
      const dir = env.XDG_RUNTIME_DIR;
      if (value !== 'yes') throw new AddressError(address, text, 'runtime= must be "yes"');
      if (!dir) throw new AddressError(address, text, 'runtime=yes needs XDG_RUNTIME_DIR to be set');
      return { kind: 'unix', path: `${dir}/bus`, abstract: false, guid, text };
    }
    // dir= and tmpdir= are listening addresses: a server picks a random socket name inside. A client
    // cannot know that name; the bus prints the resolved address (path= or abstract=) to use instead.
    throw new AddressError(
      address,
      text,
      `${key}= is where a server creates a socket with a random name; connect with the address the bus printed (unix:path=… or unix:abstract=…)`,
    );
  }
  if (kind === 'tcp') {
    const host = keys.get('host') ?? 'localhost';
    const portText = keys.get('port');
    const port = Number(portText);
    if (portText === undefined || !Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new AddressError(address, text, 'tcp needs port= with a number 1..65535');
    }
    return { kind: 'tcp', host, port, guid, text };
  }
  throw new AddressError(address, text, `unsupported transport "${kind}" (supported: unix, tcp)`);
}

/** Parses every alternative of an address; throws AddressError naming the bad part. */
export function parseAddress(address: string, env: NodeJS.ProcessEnv = process.env): Transport[] {
  const alternatives = address.split(';').filter((part) => part !== '');
  if (alternatives.length === 0) throw new AddressError(address, address, 'the address is empty');
  return alternatives.map((text) => parseOne(address, text, env));
}

/** The session bus address: DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus. */
export function sessionBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DBUS_SESSION_BUS_ADDRESS) return env.DBUS_SESSION_BUS_ADDRESS;
  if (env.XDG_RUNTIME_DIR) return `unix:path=${env.XDG_RUNTIME_DIR}/bus`;
  throw new AddressError(
    '',
    'DBUS_SESSION_BUS_ADDRESS',
    'no session bus: neither DBUS_SESSION_BUS_ADDRESS nor XDG_RUNTIME_DIR is set (pass --address)',
  );
}

/** The system bus address: DBUS_SYSTEM_BUS_ADDRESS, else /var/run/dbus/system_bus_socket. */
export function systemBusAddress(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBUS_SYSTEM_BUS_ADDRESS || SYSTEM_BUS_DEFAULT;
}
