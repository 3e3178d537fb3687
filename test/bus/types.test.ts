// Every D-Bus type through a peer written with our own client, cross-checked with busctl and
// gdbus; replies of many MiB.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { Connection, Recorder } from '../../wire/src/index';
import { forEachBus } from '../support/busSuite';
import { EVERY_TYPE } from '../support/everyType';
import { PEER, peerAndClient, startTypesPeer } from '../support/typesPeer';

// Async: the peer runs in this process, so a blocking spawn would deadlock it.
const run = promisify(execFile);
const echo = { destination: PEER.name, path: PEER.path, interface: PEER.interface, member: 'Echo' };

forEachBus('types', ({ need }) => {
  test('every type round-trips through our own peer, singly and all in one message', async (t) => {
    const b = need(t);
    if (!b) return;
    const connection = await peerAndClient(t, b.address);
    for (const [signature, value] of EVERY_TYPE) {
      const reply = await connection.call({ ...echo, signature, body: [value] });
      assert.equal(reply.signature, signature);
      assert.deepEqual(reply.body, [value], `round trip of ${signature}`);
    }
    const signature = EVERY_TYPE.map(([sig]) => sig).join('');
    const body = EVERY_TYPE.map(([, value]) => value);
    const reply = await connection.call({ ...echo, signature, body });
    assert.deepEqual(reply.body, body);
  });

  test('busctl and gdbus call our peer and get every basic type and containers back', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTypesPeer(b.address);
    t.after(() => peer.stop());
    const { stdout: busctl } = await run(
      'busctl',
      [
        `--address=${b.address}`,
        '--json=short',
        'call',
        PEER.name,
        PEER.path,
        PEER.interface,
        'Echo',
        'ybnqiuxtdsogvas(is)a{sv}ayax',
        '--',
        '255',
        'true',
        '-32768',
        '65535',
        '-2147483648',
        '4294967295',
        '-9223372036854775808',
        '18446744073709551615',
        '3.5',
        'héllo wörld',
        '/a/b',
        'a{sv}',
        's',
        'hi',
        '2',
        'x',
        'y',
        '7',
        'seven',
        '2',
        'k',
        'i',
        '42',
        'l',
        'as',
        '2',
        'p',
        'q',
        '3',
        '1',
        '2',
        '3',
        '0',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    // 64-bit extremes do not survive JSON.parse as numbers: compare them as text.
    const parsed = JSON.parse(busctl.replace(/(?<=[[,:])(-?\d{16,})(?=[,\]}])/g, '"$1"')) as {
      type: string;
      data: unknown[];
    };
    assert.equal(parsed.type, 'ybnqiuxtdsogvas(is)a{sv}ayax');
    assert.deepEqual(parsed.data, [
      255,
      true,
      -32768,
      65535,
      -2147483648,
      4294967295,
      '-9223372036854775808',
      '18446744073709551615',
      3.5,
      'héllo wörld',
      '/a/b',
      'a{sv}',
      { type: 's', data: 'hi' },
      ['x', 'y'],
      [7, 'seven'],
      { k: { type: 'i', data: 42 }, l: { type: 'as', data: ['p', 'q'] } },
      [1, 2, 3],
      [],
    ]);
    const { stdout: gdbus } = await run(
      'gdbus',
      [
        'call',
        '--address',
        b.address,
        '--dest',
        PEER.name,
        '--object-path',
        PEER.path,
        '--method',
        `${PEER.interface}.Echo`,
        'byte 255',
        'true',
        'int16 -32768',
        'uint16 65535',
        'int32 -2147483648',
        'uint32 4294967295',
        'int64 -9223372036854775808',
        'uint64 18446744073709551615',
        '3.5',
        "'héllo'",
        "objectpath '/a/b'",
        "signature 'a{sv}'",
        "<'hi'>",
        "['x','y']",
        "(7,'seven')",
        "{'k': <42>}",
        '[byte 1,2,3]',
        '@ax []',
        '@a(ii) []',
      ],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(
      gdbus.trim(),
      "(byte 0xff, true, int16 -32768, uint16 65535, -2147483648, uint32 4294967295, int64 -9223372036854775808, uint64 18446744073709551615, 3.5, 'héllo', objectpath '/a/b', signature 'a{sv}', <'hi'>, ['x', 'y'], (7, 'seven'), {'k': <42>}, [byte 0x01, 0x02, 0x03], @ax [], @a(ii) [])",
    );
  });

  test('replies of 8 and 32 MiB arrive over many reads, intact and fast', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTypesPeer(b.address);
    t.after(() => peer.stop());
    for (const mib of [8, 32]) {
      const recorder = new Recorder();
      const connection = await Connection.open({ address: b.address, recorder });
      const size = mib * 1024 * 1024;
      const started = performance.now();
      const reply = await connection.call({
        destination: PEER.name,
        path: PEER.path,
        interface: PEER.interface,
        member: 'Blob',
        signature: 'u',
        body: [size],
        timeoutMs: 20_000,
      });
      const elapsed = performance.now() - started;
      await connection.close();
      const bytes = reply.body[0] as Buffer;
      assert.equal(bytes.length, size);
      assert.ok(
        bytes.every((byte, i) => byte === (i & 0xff)),
        'content intact',
      );
      const replyIndex = recorder.messages.findIndex((m) => m.type === 'method_return' && m.signature === 'ay');
      const readsForReply = recorder.reads.filter(
        (read, i) =>
          i > 0 &&
          read.atMs <= recorder.messages[replyIndex].atMs &&
          read.atMs >= recorder.messages[replyIndex - 1].atMs,
      );
      console.log(`# ${b.kind}: ${mib} MiB reply in ${elapsed.toFixed(0)} ms over ${readsForReply.length} reads`);
      assert.ok(readsForReply.length > 1, 'spread over several reads');
      assert.ok(elapsed < 5_000, `${mib} MiB took ${elapsed.toFixed(0)} ms`);
    }
  });
});
