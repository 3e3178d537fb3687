// Each fault does what the table in the README says, seen from both ends: the proxy's recording (its
// writes to the program) and a real client's own recorder (the reads it got), on a private dbus-daemon.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallTimeoutError, Connection, Recorder, type Message } from '../../wire/src/index';
import { FAULT_PAUSE_MS, type ProxiedConnection } from '../../replay/src/index';
import { startDbusDaemon, type PrivateBus } from '../support/privateBus';
import { BUS, proxyFor } from './support';

const getNameOwner = { ...BUS, member: 'GetNameOwner', signature: 's', body: [BUS.destination] };

/** One connection through a proxy with these faults: open, `work`, close; both recordings. */
async function through(
  bus: PrivateBus,
  faults: string[],
  work: (connection: Connection) => Promise<void>,
  match: string[] = [],
): Promise<{ proxied: ProxiedConnection; client: ReturnType<Recorder['result']>; openMs: number }> {
  const proxy = await proxyFor(bus, faults, match);
  try {
    const recorder = new Recorder();
    const started = performance.now();
    const connection = await Connection.open({ address: proxy.address, recorder });
    const openMs = performance.now() - started;
    try {
      await work(connection);
    } finally {
      await connection.close();
    }
    assert.ok(await proxy.whenIdle(5000));
    return { proxied: proxy.recording().connections[0], client: recorder.result(null, null, null), openMs };
  } finally {
    await proxy.close();
  }
}

function readOf(recording: { reads: { completes: number[] }[] }, index: number): number {
  return recording.reads.findIndex((read) => read.completes.includes(index));
}

const named = (recording: ProxiedConnection, member: string) =>
  recording.messages.findIndex((m) => m.member === member);
const replyTo = (
  recording: { messages: { type: string; replySerial: number | null; fault?: unknown }[] },
  serial: number,
) => recording.messages.findIndex((m) => m.type === 'method_return' && m.replySerial === serial && !m.fault);

describe('faults', () => {
  let bus: PrivateBus;
  before(async () => {
    bus = await startDbusDaemon();
  });
  after(async () => {
    await bus?.stop();
  });

  it('late-signal: NameAcquired held, then written alone just before the reply, the reply a pause later', async () => {
    const { proxied, client } = await through(bus, ['late-signal'], async (connection) => {
      await connection.call(getNameOwner);
    });
    const signal = named(proxied, 'NameAcquired');
    const call = named(proxied, 'GetNameOwner');
    const reply = replyTo(proxied, proxied.messages[call].serial);
    assert.deepEqual(proxied.messages[signal].fault, { name: 'late-signal', action: 'held' });
    assert.ok(signal > call, 'the program got NameAcquired only after it sent its call');
    const signalRead = proxied.reads[readOf(proxied, signal)];
    const replyRead = proxied.reads[readOf(proxied, reply)];
    assert.deepEqual(signalRead.completes, [signal], 'the signal in a write of its own');
    assert.equal(readOf(proxied, reply), readOf(proxied, signal) + 1, 'the reply in the next write');
    assert.ok(
      replyRead.atMs - signalRead.atMs >= FAULT_PAUSE_MS - 1,
      `a pause of ${replyRead.atMs - signalRead.atMs} ms`,
    );
    // The client saw the same: the signal came in a read before the reply's.
    const clientSignal = client.messages.findIndex((m) => m.member === 'NameAcquired');
    const clientReply = client.messages.findIndex(
      (m) => m.type === 'method_return' && m.replySerial === proxied.messages[call].serial,
    );
    assert.ok(readOf(client, clientSignal) < readOf(client, clientReply));
  });

  it('records what it still held when the program left: the reply a single-read client never waited for', async () => {
    const proxy = await proxyFor(bus, ['late-signal']);
    try {
      const connection = await Connection.open({ address: proxy.address });
      const gotSignal = new Promise<void>((resolve) => connection.once('signal', () => resolve()));
      const call = connection.call(getNameOwner);
      call.catch(() => undefined);
      await gotSignal;
      await connection.close();
      assert.ok(await proxy.whenIdle(5000));
      const [recorded] = proxy.recording().connections;
      const reply = recorded.messages.find((m) => m.type === 'method_return' && m.replySerial === 2);
      assert.ok(reply, 'the reply the bus sent is in the recording');
      assert.match(reply.note ?? '', /never delivered: the connection closed first/);
      assert.equal(readOf(recorded, recorded.messages.indexOf(reply)), -1);
    } finally {
      await proxy.close();
    }
  });

  it('split: every message after setup written header first, then body, a pause apart', async () => {
    const { proxied, client } = await through(bus, ['split'], async (connection) => {
      await connection.call(getNameOwner);
    });
    const after = proxied.messages.map((m, i) => ({ m, i })).filter(({ m, i }) => m.direction === 'received' && i > 1);
    assert.ok(after.length >= 2, 'NameAcquired and the reply');
    for (const { m, i } of after) {
      const last = readOf(proxied, i);
      const piece = proxied.reads[last - 1];
      assert.equal(piece.completes.length, 0, `${m.type} ${m.member ?? ''}: its first piece completes nothing`);
      assert.equal(piece.bytes + proxied.reads[last].bytes, m.size, 'two pieces make the message');
      assert.ok(proxied.reads[last].atMs - piece.atMs >= FAULT_PAUSE_MS - 1);
      assert.deepEqual(m.fault, { name: 'split', action: 'split' });
    }
    assert.equal(proxied.messages[1].fault, undefined, 'the Hello reply (setup) is left alone');
    const clientReply = client.messages.findIndex((m, i) => i > 1 && m.type === 'method_return');
    assert.ok(
      client.reads[readOf(client, clientReply)].bytes < client.messages[clientReply].size,
      'the read that completed the reply for the client held only its last piece',
    );
  });

  it('split:N: pieces of N bytes', async () => {
    const { proxied } = await through(bus, ['split:40'], async (connection) => {
      await connection.call(getNameOwner);
    });
    const reply = proxied.messages.findIndex((m, i) => i > 1 && m.type === 'method_return');
    const last = readOf(proxied, reply);
    const pieces = Math.ceil(proxied.messages[reply].size / 40);
    const sizes = proxied.reads.slice(last - pieces + 1, last + 1).map((read) => read.bytes);
    assert.deepEqual(sizes.slice(0, -1), Array(pieces - 1).fill(40));
    assert.equal(
      sizes.reduce((a, b) => a + b),
      proxied.messages[reply].size,
    );
  });

  it('coalesce: the held signal and the reply in one write', async () => {
    const { proxied, client } = await through(bus, ['coalesce'], async (connection) => {
      await connection.call(getNameOwner);
    });
    const signal = named(proxied, 'NameAcquired');
    const reply = replyTo(proxied, proxied.messages[named(proxied, 'GetNameOwner')].serial);
    assert.deepEqual(proxied.reads[readOf(proxied, reply)].completes, [signal, reply]);
    const clientSignal = client.messages.findIndex((m) => m.member === 'NameAcquired');
    const clientReply = client.messages.findIndex((m, i) => i > clientSignal && m.type === 'method_return');
    assert.equal(readOf(client, clientSignal), readOf(client, clientReply), 'the client got both in one read');
  });

  it('stale-reply: a method return for another serial comes first, in the same write; a serial-matching client is not fooled', async () => {
    const stale: Message[] = [];
    const { proxied } = await through(bus, ['stale-reply'], async (connection) => {
      connection.on('unmatchedReply', (message) => stale.push(message));
      const reply = await connection.call(getNameOwner);
      assert.deepEqual(reply.body, [BUS.destination]);
    });
    assert.equal(stale.length, 1);
    assert.equal(stale[0].replySerial, 1, 'it names the Hello, an earlier call');
    const injected = proxied.messages.findIndex((m) => m.fault?.action === 'injected');
    const reply = replyTo(proxied, proxied.messages[named(proxied, 'GetNameOwner')].serial);
    assert.deepEqual(proxied.reads[readOf(proxied, reply)].completes, [injected, reply]);
    assert.match(proxied.messages[injected].note ?? '', /names an earlier call/);
  });

  it('drop-reply: the reply is swallowed (recorded as dropped); a call with a timeout times out', async () => {
    const { proxied } = await through(bus, ['drop-reply'], async (connection) => {
      await assert.rejects(connection.call({ ...getNameOwner, timeoutMs: 300 }), CallTimeoutError);
    });
    const dropped = proxied.messages.findIndex((m) => m.fault?.action === 'dropped');
    assert.ok(dropped >= 0);
    assert.equal(readOf(proxied, dropped), -1, 'in no write to the program');
  });

  it('delay-reply:MS holds the reply MS ms; --match limits it to matching calls', async () => {
    await through(
      bus,
      ['delay-reply:300'],
      async (connection) => {
        let started = performance.now();
        await connection.call({ ...BUS, member: 'NameHasOwner', signature: 's', body: [BUS.destination] });
        assert.ok(performance.now() - started < 250, 'a call that does not match is not delayed');
        started = performance.now();
        await connection.call({ ...BUS, member: 'GetId' });
        assert.ok(performance.now() - started >= 299, 'GetId matches: delayed');
      },
      ['member=GetId'],
    );
  });

  it('setup is left alone unless --match names Hello', async () => {
    const plain = await through(bus, ['delay-reply:300'], () => Promise.resolve());
    assert.ok(plain.openMs < 250, `Hello answered at once (${plain.openMs} ms)`);
    const hello = await through(bus, ['delay-reply:300'], () => Promise.resolve(), ['member=Hello']);
    assert.ok(hello.openMs >= 299, `Hello delayed (${hello.openMs} ms)`);
    assert.equal(hello.proxied.messages.find((m) => m.replySerial === 1)?.fault?.action, 'delayed');
  });

  it('faults combine: late-signal and stale-reply', async () => {
    const { proxied } = await through(bus, ['late-signal', 'stale-reply'], async (connection) => {
      await connection.call(getNameOwner);
    });
    const signal = named(proxied, 'NameAcquired');
    const injected = proxied.messages.findIndex((m) => m.fault?.action === 'injected');
    const reply = replyTo(proxied, proxied.messages[named(proxied, 'GetNameOwner')].serial);
    assert.deepEqual(proxied.reads[readOf(proxied, signal)].completes, [signal]);
    assert.deepEqual(proxied.reads[readOf(proxied, reply)].completes, [injected, reply]);
  });
});
