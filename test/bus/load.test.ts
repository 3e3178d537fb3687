// Many calls: sequential and pipelined with zero mismatches; a storm of signals and incoming
// calls while calls are in flight, with nothing taken as a reply and nothing dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUS_NAME, BUS_PATH, Connection, type Message } from '../../wire/src/index';
import { forEachBus } from '../support/busSuite';
import { runSpam } from '../support/privateBus';
import { PEER, peerAndClient } from '../support/typesPeer';

const echo = { destination: PEER.name, path: PEER.path, interface: PEER.interface, member: 'Echo' };
const N = 10_000;

/** Resolves when `condition` holds after an event, or rejects after `timeoutMs`. */
function waitUntil(
  connection: Connection,
  event: 'signal' | 'methodCall',
  condition: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) return resolve();
    const timer = setTimeout(() => {
      connection.off(event, check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      connection.off(event, check);
      resolve();
    };
    connection.on(event, check);
  });
}

forEachBus('load', ({ need }) => {
  test(`${N} sequential and ${N} pipelined calls, zero mismatches`, async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await peerAndClient(t, b.address);
    let mismatches = 0;
    let started = performance.now();
    for (let i = 0; i < N; i++) {
      const reply = await connection.call({ ...echo, signature: 'u', body: [i] });
      if (reply.body[0] !== i) mismatches++;
    }
    const sequentialMs = performance.now() - started;
    started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => connection.call({ ...echo, signature: 'u', body: [i] })),
    );
    const pipelinedMs = performance.now() - started;
    replies.forEach((reply, i) => reply.body[0] !== i && mismatches++);
    console.log(
      `# ${b.kind}: ${N} sequential in ${sequentialMs.toFixed(0)} ms, ${N} pipelined in ${pipelinedMs.toFixed(0)} ms`,
    );
    assert.equal(mismatches, 0);
    assert.equal(connection.pendingCalls, 0);
  });

  test('a signal storm and a flood of incoming calls (dbus-test-tool spam) during calls in flight', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await peerAndClient(t, b.address);
    await connection.call({
      destination: BUS_NAME,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'AddMatch',
      signature: 's',
      body: [`type='signal',interface='${PEER.interface}',member='Tick'`],
    });
    const ticks: number[] = [];
    connection.on('signal', (signal: Message) => signal.member === 'Tick' && ticks.push(signal.body[0] as number));
    let spamCalls = 0;
    connection.on('methodCall', (call: Message) => call.member === 'Spam' && spamCalls++);
    let unmatched = 0;
    connection.on('unmatchedReply', () => unmatched++);

    const STORM = 2000;
    const SPAM = 2000;
    const spam = runSpam(b, [`--dest=${connection.uniqueName}`, `--count=${SPAM}`, '--no-reply']);
    const calls: Promise<Message>[] = [];
    for (let round = 0; round < 5; round++) {
      calls.push(
        connection.call({
          destination: PEER.name,
          path: PEER.path,
          interface: PEER.interface,
          member: 'Storm',
          signature: 'u',
          body: [STORM / 5],
        }),
      );
      for (let i = 0; i < 200; i++)
        calls.push(connection.call({ ...echo, signature: 'su', body: ['in flight', round * 1000 + i] }));
    }
    const replies = await Promise.all(calls);
    let mismatches = 0;
    replies.forEach((reply, i) => {
      const round = Math.floor(i / 201);
      const slot = i % 201;
      const expected = slot === 0 ? [STORM / 5] : ['in flight', round * 1000 + slot - 1];
      if (JSON.stringify(reply.body) !== JSON.stringify(expected)) mismatches++;
    });
    assert.equal(mismatches, 0);
    await spam;
    await waitUntil(
      connection,
      'signal',
      () => ticks.length === STORM,
      10_000,
      `${STORM} Tick signals (have ${ticks.length})`,
    );
    await waitUntil(
      connection,
      'methodCall',
      () => spamCalls === SPAM,
      10_000,
      `${SPAM} spam calls (have ${spamCalls})`,
    );
    assert.equal(unmatched, 0);
    // Broadcasts from one sender keep their order.
    assert.ok(ticks.every((tick, i) => i === 0 || tick === (ticks[i - 1] + 1) % (STORM / 5)));
  });
});
