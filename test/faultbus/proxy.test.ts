// The fault bus with no fault, against a real private dbus-daemon: bytes pass untouched both ways,
// nothing is lost or reordered (checked against dbus-monitor), two programs do not mix, NEGOTIATE_UNIX_FD
// is refused in its turn, and a program or bus going away mid-way gives a clear error and keeps the recording.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection, encodeMessage, MessageType, Recorder, type Message } from '../../wire/src/index';
import { UNIX_FD_REFUSAL, type FaultBus } from '../../replay/src/index';
import { startDbusDaemon, type PrivateBus } from '../support/privateBus';
import { authLines, BUS, monitor, proxyFor, RawClient } from './support';

describe('fault bus without faults', () => {
  let bus: PrivateBus;
  let proxy: FaultBus;
  before(async () => {
    bus = await startDbusDaemon();
    proxy = await proxyFor(bus);
  });
  after(async () => {
    await proxy?.close();
    await bus?.stop();
  });

  it('passes every byte untouched both ways, and records what the program saw', async () => {
    const recorder = new Recorder();
    const from = proxy.connectionCount + 1;
    const connection = await Connection.open({ address: proxy.address, recorder });
    for (let i = 0; i < 5; i++)
      await connection.call({ ...BUS, member: 'GetNameOwner', signature: 's', body: [BUS.destination] });
    await connection.close();
    assert.ok(await proxy.whenIdle(5000), 'the connection ends at the proxy too');
    const [recorded] = proxy.recording(from).connections;
    const client = recorder.result(null, null, null);
    assert.deepEqual(recorded.raw, client.raw, 'the same bytes, in the same order, in both directions');
    assert.deepEqual(
      recorded.messages.map((m) => [m.direction, m.type, m.serial, m.replySerial, m.member]),
      client.messages.map((m) => [m.direction, m.type, m.serial, m.replySerial, m.member]),
    );
    assert.deepEqual(
      recorded.auth.map((line) => [line.direction, line.line]),
      client.auth.map((line) => [line.direction, line.line]),
    );
    assert.equal(recorded.end?.by, 'program');
    assert.equal(recorded.end?.problem, null);
    assert.equal(recorded.messages.filter((m) => m.fault).length, 0);
    const completed = recorded.reads.flatMap((read) => read.completes);
    const received = recorded.messages.flatMap((m, i) => (m.direction === 'received' ? [i] : []));
    assert.deepEqual(completed, received, 'every message the program got is in exactly one read, in order');
  });

  it('loses and reorders nothing: the same messages as dbus-monitor saw on the bus', async () => {
    const watch = await monitor(bus);
    const from = proxy.connectionCount + 1;
    const connection = await Connection.open({ address: proxy.address });
    const calls = Array.from({ length: 50 }, (_, i) =>
      connection.call({
        ...BUS,
        member: i % 2 ? 'GetId' : 'NameHasOwner',
        signature: i % 2 ? '' : 's',
        body: i % 2 ? [] : [BUS.destination],
      }),
    );
    await Promise.all(calls);
    const unique = connection.uniqueName!;
    await connection.close();
    assert.ok(await proxy.whenIdle(5000));
    // The bus announces the connection's end (NameOwnerChanged for its unique name) after all its traffic.
    const gone = (m: Message) => m.member === 'NameOwnerChanged' && m.body[0] === unique && m.body[2] === '';
    // Its NameLost for its own unique name is addressed to it after it has gone, so the program never gets it.
    const afterEnd = (m: Message) => m.member === 'NameLost' && m.body[0] === unique;
    const seen = (await watch.stop((messages) => messages.some(gone))).filter(
      (m) => (m.sender === unique || m.destination === unique) && !afterEnd(m),
    );
    const [recorded] = proxy.recording(from).connections;
    const key = (m: { type: number | string; serial: number; replySerial?: number | null; member?: string | null }) =>
      `${typeof m.type === 'number' ? ['', 'method_call', 'method_return', 'error', 'signal'][m.type] : m.type} ${m.serial} ${m.replySerial ?? ''} ${m.member ?? ''}`;
    // Each direction is one ordered stream; how the two interleave depends on who looked when.
    for (const direction of ['sent', 'received'] as const) {
      const ours = recorded.messages.filter((m) => m.direction === direction).map(key);
      const theirs = seen
        .filter((m) => (direction === 'sent' ? m.sender === unique : m.destination === unique))
        .map(key);
      // The monitor may have joined after the Hello exchange it raced with: compare from the first message it saw.
      const start = ours.indexOf(theirs[0]);
      assert.ok(
        start >= 0 && start <= 2,
        `the monitor's first ${direction} message ${theirs[0]} is early in the recording`,
      );
      assert.deepEqual(ours.slice(start), theirs, `${direction}: same messages, same order`);
    }
    assert.ok(seen.length >= 100, `the monitor saw the 50 calls and their replies (${seen.length} messages)`);
  });

  it('lets two programs through at once without mixing their streams', async () => {
    const from = proxy.connectionCount + 1;
    const [a, b] = await Promise.all([
      Connection.open({ address: proxy.address }),
      Connection.open({ address: proxy.address }),
    ]);
    const run = (connection: Connection, tag: string) =>
      Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          connection.call({ ...BUS, member: 'NameHasOwner', signature: 's', body: [`${tag}.n${i}`] }),
        ),
      );
    const [ra, rb] = await Promise.all([run(a, 'com.example.a'), run(b, 'com.example.b')]);
    assert.equal(ra.length + rb.length, 400);
    await Promise.all([a.close(), b.close()]);
    assert.ok(await proxy.whenIdle(5000));
    const connections = proxy.recording(from).connections;
    assert.equal(connections.length, 2);
    for (const [connection, tag] of [
      [
        connections.find((c) => c.messages.some((m) => String(m.body[0]).startsWith('com.example.a')))!,
        'com.example.a',
      ],
      [
        connections.find((c) => c.messages.some((m) => String(m.body[0]).startsWith('com.example.b')))!,
        'com.example.b',
      ],
    ] as const) {
      const asked = connection.messages.filter((m) => m.member === 'NameHasOwner').map((m) => String(m.body[0]));
      assert.equal(asked.length, 200);
      assert.ok(
        asked.every((name) => name.startsWith(tag)),
        `${tag}'s connection carries only its own calls`,
      );
      const sentSerials = new Set(connection.messages.filter((m) => m.direction === 'sent').map((m) => m.serial));
      const replies = connection.messages.filter((m) => m.type === 'method_return');
      assert.ok(
        replies.every((m) => sentSerials.has(m.replySerial!)),
        'each reply answers a call of this connection',
      );
    }
  });

  it('answers NEGOTIATE_UNIX_FD with ERROR itself, after the bus has answered AUTH', async () => {
    const from = proxy.connectionCount + 1;
    const raw = new RawClient(proxy.address);
    raw.socket.write(`${authLines()}NEGOTIATE_UNIX_FD\r\nBEGIN\r\n`);
    await raw.until((got) => got.includes(UNIX_FD_REFUSAL), 'answer to NEGOTIATE_UNIX_FD');
    const lines = raw.received.toString('latin1').split('\r\n');
    assert.match(lines[0], /^OK [0-9a-f]{32}$/);
    assert.equal(lines[1], UNIX_FD_REFUSAL);
    // The stream is in message mode now: a Hello gets its reply.
    raw.socket.write(
      encodeMessage({ type: MessageType.METHOD_CALL, flags: 0, serial: 1, ...BUS, member: 'Hello', body: [] }, 1),
    );
    await raw.until((got) => got.length > Buffer.byteLength(lines[0] + lines[1]) + 4 + 16, 'the Hello reply');
    raw.socket.end();
    await raw.closed;
    assert.ok(await proxy.whenIdle(5000));
    const [recorded] = proxy.recording(from).connections;
    assert.deepEqual(
      recorded.auth.map((line) => `${line.direction} ${line.line.replace(/ .*/, '')}`),
      ['sent AUTH', 'sent NEGOTIATE_UNIX_FD', 'sent BEGIN', 'received OK', 'received ERROR'],
    );
    assert.equal(recorded.auth[4].line, UNIX_FD_REFUSAL);
    assert.equal(recorded.messages[1]?.type, 'method_return', 'the bus answered the Hello');
  });

  it('keeps the recording and says so when a program disconnects mid-message; others still get through', async () => {
    const from = proxy.connectionCount + 1;
    const raw = new RawClient(proxy.address);
    raw.socket.write(authLines());
    await raw.until((got) => got.includes('\r\n'), 'OK');
    const hello = encodeMessage(
      { type: MessageType.METHOD_CALL, flags: 0, serial: 1, ...BUS, member: 'Hello', body: [] },
      1,
    );
    raw.socket.write(Buffer.concat([Buffer.from('BEGIN\r\n'), hello.subarray(0, 40)]));
    raw.socket.end();
    await raw.closed;
    assert.ok(await proxy.whenIdle(5000));
    const [recorded] = proxy.recording(from).connections;
    assert.equal(recorded.end?.by, 'program');
    assert.match(recorded.end?.problem ?? '', /in the middle of a message \(40 bytes of it had come/);
    assert.ok(
      recorded.auth.some((line) => line.line.startsWith('AUTH EXTERNAL')),
      'what came before is kept',
    );
    const after = await Connection.open({ address: proxy.address });
    await after.call({ ...BUS, member: 'GetId' });
    await after.close();
  });
});

describe('fault bus when the bus goes away', () => {
  it('disconnects the program with a clear error, keeps the recording, and refuses new programs clearly', async () => {
    const bus = await startDbusDaemon();
    const proxy = await proxyFor(bus);
    const problems: string[] = [];
    proxy.on('problem', (problem) => problems.push(problem));
    try {
      const connection = await Connection.open({ address: proxy.address });
      await connection.call({ ...BUS, member: 'GetId' });
      const closed = new Promise<Error>((resolve) => connection.once('close', resolve));
      await bus.stop();
      await closed;
      assert.ok(await proxy.whenIdle(5000));
      const [recorded] = proxy.recording().connections;
      assert.equal(recorded.end?.by, 'bus');
      assert.match(
        recorded.end?.problem ?? '',
        /the bus at unix:path=.* closed the connection.*the program was disconnected too/,
      );
      assert.ok(
        recorded.messages.some((m) => m.member === 'GetId'),
        'the messages before are kept',
      );
      assert.match(problems[0] ?? '', /closed the connection/);
      const refused = Connection.open({ address: proxy.address, authTimeoutMs: 3000 });
      await assert.rejects(refused);
      assert.ok(await proxy.whenIdle(5000));
      assert.match(problems.at(-1) ?? '', /cannot connect to the bus at .*is the bus running\?/);
    } finally {
      await proxy.close();
      await bus.stop();
    }
  });
});
