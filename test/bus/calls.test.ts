// Basic calls on a live bus, compared with dbus-send; errors, timeouts, peers from dbus-test-tool.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import {
  BUS_NAME,
  BUS_PATH,
  CallTimeoutError,
  Connection,
  DBusErrorReply,
  DisconnectedError,
  Recorder,
} from '../../wire/src/index';
import { forEachBus } from '../support/busSuite';
import { startTestToolPeer } from '../support/privateBus';
import { PEER, peerAndClient, startTypesPeer } from '../support/typesPeer';

// Async where our own peer runs in this process: a blocking spawn would stall it.
const run = promisify(execFile);
const bus = { destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME };

function dbusSend(address: string, method: string, ...args: string[]): string {
  return execFileSync(
    'dbus-send',
    [`--bus=${address}`, '--print-reply', `--dest=${BUS_NAME}`, BUS_PATH, `${BUS_NAME}.${method}`, ...args],
    { encoding: 'utf8', timeout: 10_000 },
  );
}

forEachBus('calls', ({ kind, need }) => {
  test('GetId, ListNames and NameHasOwner agree with dbus-send --print-reply', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await Connection.open({ address: b.address });
    t.after(() => connection.close());
    assert.match(connection.uniqueName ?? '', /^:\d+\.\d+$/);

    const id = await connection.call({ ...bus, member: 'GetId' });
    assert.equal(id.signature, 's');
    assert.equal(dbusSend(b.address, 'GetId').match(/string "([0-9a-f]{32})"/)?.[1], id.body[0]);

    const names = (await connection.call({ ...bus, member: 'ListNames' })).body[0] as string[];
    assert.ok(names.includes(BUS_NAME));
    assert.ok(names.includes(connection.uniqueName!));
    const theirs = [...dbusSend(b.address, 'ListNames').matchAll(/string "([^"]+)"/g)].map((m) => m[1]);
    const wellKnown = (list: string[]) => list.filter((name) => !name.startsWith(':')).sort();
    assert.deepEqual(wellKnown(names), wellKnown(theirs));

    for (const [name, expected] of [
      [BUS_NAME, true],
      ['com.example.NoSuchName', false],
    ] as const) {
      const has = await connection.call({ ...bus, member: 'NameHasOwner', signature: 's', body: [name] });
      assert.equal(has.body[0], expected);
      assert.match(dbusSend(b.address, 'NameHasOwner', `string:${name}`), new RegExp(`boolean ${expected}`));
    }
  });

  test('Hello is serial 1, its reply has REPLY_SERIAL 1, NameAcquired is recorded and not taken as a reply', async (t) => {
    const b = need(t);
    if (!b) return;
    const recorder = new Recorder();
    const connection = await Connection.open({ address: b.address, recorder });
    const id = await connection.call({ ...bus, member: 'GetId' });
    await connection.close();
    const [hello, helloReturn] = recorder.messages;
    assert.equal(hello.member, 'Hello');
    assert.equal(hello.serial, 1);
    assert.equal(helloReturn.type, 'method_return');
    assert.equal(helloReturn.replySerial, 1);
    const acquired = recorder.messages.find((m) => m.member === 'NameAcquired');
    assert.ok(acquired, 'NameAcquired recorded');
    assert.equal(acquired.type, 'signal');
    if (kind === 'dbus-broker')
      assert.equal(helloReturn.serial, 0xffffffff, 'dbus-broker stamps driver messages 0xFFFFFFFF');
    const getIdReturn = recorder.messages.find((m) => m.replySerial === 2);
    assert.deepEqual(getIdReturn?.body, id.body);
    const completed = recorder.reads.flatMap((read) => read.completes);
    assert.deepEqual(
      completed,
      recorder.messages.flatMap((m, i) => (m.direction === 'received' ? [i] : [])),
      'every received message is completed by exactly one read, in order',
    );
    assert.ok(recorder.auth.some((line) => line.line.startsWith('AUTH EXTERNAL')));
    assert.ok(recorder.auth.some((line) => line.line.startsWith('OK ')));
  });

  test('step-by-step auth (no pipelining) works too', async (t) => {
    const b = need(t);
    if (!b) return;
    const recorder = new Recorder();
    const connection = await Connection.open({
      address: b.address,
      pipelineAuth: false,
      negotiateUnixFd: true,
      recorder,
    });
    await connection.call({ ...bus, member: 'GetId' });
    await connection.close();
    assert.deepEqual(
      recorder.auth.map((l) => l.line.split(' ')[0]),
      ['AUTH', 'OK', 'NEGOTIATE_UNIX_FD', 'AGREE_UNIX_FD', 'BEGIN'],
    );
  });

  test('UnknownMethod and ServiceUnknown come back as typed error replies', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await Connection.open({ address: b.address });
    t.after(() => connection.close());
    await assert.rejects(connection.call({ ...bus, member: 'NoSuchMethod' }), (error: unknown) => {
      assert.ok(error instanceof DBusErrorReply);
      assert.equal(error.errorName, 'org.freedesktop.DBus.Error.UnknownMethod');
      return true;
    });
    await assert.rejects(
      connection.call({ destination: 'com.example.Nobody', path: '/x', member: 'M' }),
      (error: unknown) => {
        assert.ok(error instanceof DBusErrorReply);
        assert.equal(error.errorName, 'org.freedesktop.DBus.Error.ServiceUnknown');
        return true;
      },
    );
    // The connection is still usable after errors.
    assert.equal(
      (await connection.call({ ...bus, member: 'NameHasOwner', signature: 's', body: [BUS_NAME] })).body[0],
      true,
    );
  });

  test('a silent peer (dbus-test-tool black-hole) times out at 300 ms; the pending entry is removed', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTestToolPeer(b, 'black-hole', 'com.example.Silent');
    t.after(() => peer.stop());
    const connection = await Connection.open({ address: b.address });
    t.after(() => connection.close());
    const started = performance.now();
    await assert.rejects(
      connection.call({
        destination: peer.name,
        path: '/',
        interface: 'com.example.X',
        member: 'Anything',
        timeoutMs: 300,
      }),
      CallTimeoutError,
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 299 && elapsed < 2000, `timed out after ${elapsed.toFixed(0)} ms`);
    assert.equal(connection.pendingCalls, 0);
  });

  test('closing the connection fails pending calls with DisconnectedError', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTestToolPeer(b, 'black-hole', 'com.example.Silent2');
    t.after(() => peer.stop());
    const connection = await Connection.open({ address: b.address });
    const pending = connection.call({ destination: peer.name, path: '/', member: 'Anything' });
    await connection.close();
    await assert.rejects(pending, DisconnectedError);
    await assert.rejects(connection.call({ ...bus, member: 'GetId' }), DisconnectedError);
  });

  test('dbus-test-tool echo answers with an empty return', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTestToolPeer(b, 'echo', 'com.example.Echo');
    t.after(() => peer.stop());
    const connection = await Connection.open({ address: b.address });
    t.after(() => connection.close());
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        connection.call({
          destination: peer.name,
          path: '/a',
          interface: 'com.example.E',
          member: 'Ping',
          signature: 'us',
          body: [i, 'x'],
        }),
      ),
    );
    for (const reply of replies) {
      assert.equal(reply.signature ?? '', '');
      assert.deepEqual(reply.body, []);
    }
  });

  test('a reply after the timeout is reported as late and recorded as such', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTypesPeer(b.address);
    t.after(() => peer.stop());
    const recorder = new Recorder();
    const connection = await Connection.open({ address: b.address, recorder });
    t.after(() => connection.close());
    const late = new Promise<number>((resolve) =>
      connection.once('unmatchedReply', (message, info) => info.late && resolve(message.replySerial!)),
    );
    await assert.rejects(
      connection.call({
        destination: PEER.name,
        path: PEER.path,
        interface: PEER.interface,
        member: 'Delay',
        signature: 'u',
        body: [200],
        timeoutMs: 50,
      }),
      CallTimeoutError,
    );
    const serial = await late;
    const recorded = recorder.messages.find((m) => m.replySerial === serial);
    assert.match(recorded?.note ?? '', /late reply/);
  });

  test('NO_REPLY_EXPECTED calls get no reply, and later calls still match', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await peerAndClient(t, b.address);
    let unmatched = 0;
    connection.on('unmatchedReply', () => unmatched++);
    for (let i = 0; i < 20; i++)
      connection.callNoReply({
        destination: PEER.name,
        path: PEER.path,
        interface: PEER.interface,
        member: 'Echo',
        signature: 'u',
        body: [i],
      });
    const reply = await connection.call({
      destination: PEER.name,
      path: PEER.path,
      interface: PEER.interface,
      member: 'Echo',
      signature: 's',
      body: ['after'],
    });
    assert.deepEqual(reply.body, ['after']);
    assert.equal(unmatched, 0);
  });

  test('every connection answers org.freedesktop.DBus.Peer Ping and GetMachineId', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await peerAndClient(t, b.address);
    const peer = { destination: PEER.name, path: '/any/path', interface: 'org.freedesktop.DBus.Peer' };
    assert.deepEqual((await connection.call({ ...peer, member: 'Ping' })).body, []);
    const { stdout } = await run(
      'busctl',
      [`--address=${b.address}`, 'call', PEER.name, '/', 'org.freedesktop.DBus.Peer', 'Ping'],
      { timeout: 10_000 },
    );
    assert.equal(stdout.trim(), '');
    // A container may have no machine id: then the answer is a typed error, not silence.
    const id = await connection.call({ ...peer, member: 'GetMachineId' }).then(
      (reply) => String(reply.body[0]),
      (error: unknown) => (error as DBusErrorReply).errorName,
    );
    assert.match(id, /^[0-9a-f]{32}$|^org\.freedesktop\.DBus\.Error\.FileNotFound$/);
    await assert.rejects(
      connection.call({ ...peer, member: 'Nope' }),
      (error: unknown) =>
        error instanceof DBusErrorReply && error.errorName === 'org.freedesktop.DBus.Error.UnknownMethod',
    );
  });
});
