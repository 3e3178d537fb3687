// What findings carry for the live replay: resolved from literals, same-file constants and variables,
// `new Message({…})`, object literals, zbus proxy attributes and dbus-next proxy objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CallData } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';

async function dataAt(fixturePath: string, line: number): Promise<CallData | undefined> {
  const fixture = loadFixtures().find((f) => f.path.endsWith(fixturePath));
  assert.ok(fixture, fixturePath);
  const findings = await testAnalyzer().analyze(fixture.text, fixture.language);
  return findings.find((f) => f.ruleId === 'call-without-timeout' && f.range.start.line + 1 === line)?.data;
}

describe('call data', () => {
  it("zbus: #[proxy] attributes, PascalCase member, the connection's bus", async () => {
    assert.deepEqual(await dataAt('call-without-timeout/rust/zbus_session.rs', 37), {
      library: 'zbus',
      bus: 'session',
      destination: 'org.freedesktop.Notifications',
      path: '/org/freedesktop/Notifications',
      interface: 'org.freedesktop.Notifications',
      member: 'Notify',
    });
  });

  it('zbus: call_method literals and a same-file const, body tuple as literal args', async () => {
    assert.deepEqual(await dataAt('call-without-timeout/rust/zbus_session.rs', 47), {
      library: 'zbus',
      bus: 'system',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetId',
      args: [],
    });
  });

  it('zbus: the fdo::DBusProxy defaults', async () => {
    const data = await dataAt('call-without-timeout/rust/zbus_session.rs', 67);
    assert.equal(data?.destination, 'org.freedesktop.DBus');
    assert.equal(data?.member, 'ListNames');
  });

  it('dbus-rs: the message behind send_with_reply_and_block, and method_call on a proxy', async () => {
    assert.equal((await dataAt('call-without-timeout/rust/dbus_rs.rs', 20))?.member, 'GetId');
    assert.deepEqual(await dataAt('call-without-timeout/rust/dbus_rs.rs', 12), {
      library: 'dbus-rs',
      destination: 'org.freedesktop.DBus',
      path: '/',
      interface: 'org.freedesktop.DBus',
      member: 'ListNames',
    });
  });

  it('rustbus: the MessageBuilder chain in the same function', async () => {
    const data = await dataAt('call-without-timeout/rust/rustbus.rs', 17);
    assert.equal(data?.member, 'GetId');
    assert.equal(data?.destination, 'org.freedesktop.DBus');
    assert.equal(data?.bus, 'system');
  });

  it('dbus-next: getProxyObject(name, path).getInterface(iface), nearest binding of reused names', async () => {
    assert.deepEqual(await dataAt('call-without-timeout/typescript/dbus_next.ts', 12), {
      library: 'dbus-next',
      bus: 'system',
      destination: 'org.freedesktop.NetworkManager',
      path: '/org/freedesktop/NetworkManager',
      interface: 'org.freedesktop.NetworkManager',
      member: 'state',
    });
    const props = await dataAt('call-without-timeout/typescript/dbus_next.ts', 25);
    assert.deepEqual(props?.args, ['org.freedesktop.hostname1', 'Hostname']);
  });

  it('dbus-next: new Message({…}) passed to bus.call', async () => {
    const data = await dataAt('call-without-timeout/typescript/dbus_next.ts', 31);
    assert.equal(data?.member, 'GetId');
    assert.equal(data?.interface, 'org.freedesktop.DBus');
  });

  it('dbus-native: invoke({…}) through a same-file const, with signature and body', async () => {
    assert.deepEqual(await dataAt('call-without-timeout/javascript/dbus_native.js', 19), {
      library: 'dbus-native',
      bus: 'system',
      destination: 'org.freedesktop.systemd1',
      path: '/org/freedesktop/systemd1',
      interface: 'org.freedesktop.systemd1.Manager',
      member: 'GetUnit',
      signature: 's',
      args: ['ssh.service'],
    });
  });

  it('messages name the evidence and related locations point at the connection or proxy', async () => {
    const fixture = loadFixtures().find((f) => f.path.endsWith('call-without-timeout/rust/zbus_session.rs'));
    assert.ok(fixture);
    const [first] = await testAnalyzer().analyze(fixture.text, 'rust');
    assert.match(
      first?.message ?? '',
      /zbus connections have no method timeout unless the builder sets `method_timeout`/,
    );
    assert.match(first?.message ?? '', /connection made on line \d+/);
    assert.match(first?.related[0]?.message ?? '', /without `method_timeout`/);
    const youki = loadFixtures().find((f) => f.path.endsWith('single-read-receive/rust/nix_client.rs'));
    assert.ok(youki);
    const reads = (await testAnalyzer().analyze(youki.text, 'rust')).filter((f) => f.ruleId === 'single-read-receive');
    assert.match(reads[0]?.message ?? '', /single `recv` after `send` \(line \d+\)/);
    assert.match(reads[1]?.message ?? '', /first short `recvmsg` \(`received_byte_count < REPLY_BUF_SIZE`/);
    // Tight ranges: the callee name, not the whole expression.
    assert.equal(reads[1]?.range.end.character - reads[1]?.range.start.character, 'recvmsg'.length);
  });

  it('hand-written clients: Hello and literal names in the function become hints for the replay', async () => {
    const rust = `use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
const SOCKET: &str = "/run/dbus/system_bus_socket";
fn hello(stream: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    stream.write_all(&build_call("org.freedesktop.DBus", "/org/freedesktop/DBus", "Hello"))?;
    let mut buf = [0_u8; 256];
    let n = stream.read(&mut buf)?;
    Ok(buf[..n].to_vec())
}
`;
    const [finding] = (await testAnalyzer().analyze(rust, 'rust')).filter((f) => f.ruleId === 'single-read-receive');
    assert.deepEqual(finding?.data, {
      library: 'raw-socket',
      bus: 'system',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'Hello',
    });
  });

  it("node-d-bus: a message object's own field names, a proxy's constructor, a subclass's super(…)", async () => {
    assert.deepEqual(await dataAt('call-without-timeout/javascript/node_d_bus.js', 50), {
      library: 'node-d-bus',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetId',
    });
    assert.deepEqual(await dataAt('call-without-timeout/javascript/node_d_bus.js', 46), {
      library: 'node-d-bus',
      destination: 'org.freedesktop.login1',
      path: '/org/freedesktop/login1',
      interface: 'org.freedesktop.login1.Manager',
      member: 'ListSessions',
    });
    assert.deepEqual(await dataAt('call-without-timeout/javascript/node_d_bus.js', 13), {
      library: 'node-d-bus',
      destination: 'org.example.Player',
      interface: 'org.example.Player1',
      member: 'Play',
    });
    assert.deepEqual(await dataAt('call-without-timeout/javascript/node_d_bus.js', 18), {
      library: 'node-d-bus',
      destination: 'org.example.Player',
      interface: 'org.freedesktop.DBus.Properties',
      member: 'Get',
    });
  });

  it('dbus-ts: invokeDbus fills in the bus driver; a proxy from getInterface names its object', async () => {
    assert.deepEqual(await dataAt('call-without-timeout/typescript/dbus_ts.ts', 8), {
      library: 'dbus-ts',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'ListNames',
    });
    assert.deepEqual(await dataAt('call-without-timeout/typescript/dbus_ts.ts', 12), {
      library: 'dbus-ts',
      destination: 'org.freedesktop.systemd1',
      path: '/org/freedesktop/systemd1',
      interface: 'org.freedesktop.systemd1.Manager',
      member: 'ListUnits',
    });
  });
});
