import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMessage, MessageType, ProtocolError } from '../../wire/src/index';
import { Framer } from '../../wire/src/framer';

function message(i: number, size = 10): Buffer {
  return Buffer.from(
    encodeMessage(
      {
        type: MessageType.SIGNAL,
        flags: 0,
        serial: 0,
        path: '/a',
        interface: 'a.b',
        member: 'S',
        signature: 'us',
        body: [i, 'x'.repeat(size)],
      },
      i + 1,
    ),
  );
}

function frameAll(stream: Buffer, cuts: number[]): Buffer[] {
  const framer = new Framer();
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, stream.length]) {
    framer.push(stream.subarray(from, cut), out);
    from = cut;
  }
  assert.equal(framer.pending, 0);
  return out;
}

test('several messages in one read, and every way of cutting a stream in two, give the same messages', () => {
  const messages = [message(0), message(1, 0), message(2, 100)];
  const stream = Buffer.concat(messages);
  assert.deepEqual(frameAll(stream, []), messages);
  for (let cut = 1; cut < stream.length; cut++) assert.deepEqual(frameAll(stream, [cut]), messages, `cut at ${cut}`);
});

test('one message across many reads: byte by byte and in random pieces', () => {
  const messages = [message(0, 3000), message(1, 5)];
  const stream = Buffer.concat(messages);
  assert.deepEqual(
    frameAll(
      stream,
      Array.from({ length: stream.length - 1 }, (_, i) => i + 1),
    ),
    messages,
  );
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 50; round++) {
    const cuts = [...new Set(Array.from({ length: 20 }, () => 1 + Math.floor(random() * (stream.length - 1))))].sort(
      (a, b) => a - b,
    );
    assert.deepEqual(frameAll(stream, cuts), messages);
  }
});

test('a message spanning reads is allocated once, at its final size', () => {
  const big = message(0, 1_000_000);
  const original = Buffer.allocUnsafe.bind(Buffer);
  let allocations = 0;
  Buffer.allocUnsafe = (size: number) => {
    allocations++;
    return original(size);
  };
  try {
    const out: Buffer[] = [];
    const framer = new Framer();
    for (let at = 0; at < big.length; at += 1000) framer.push(big.subarray(at, at + 1000), out);
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], big);
  } finally {
    Buffer.allocUnsafe = original;
  }
  assert.equal(allocations, 1);
});

test('a message that fits in one read is a view of it, not a copy', () => {
  const stream = Buffer.concat([message(0), message(1)]);
  const out: Buffer[] = [];
  new Framer().push(stream, out);
  assert.equal(out[0].buffer, stream.buffer);
});

test('in copy mode (reused read buffer) no message aliases the read', () => {
  const stream = Buffer.concat([message(0), message(1), message(2, 200)]);
  // Buffer.alloc is never pooled: its ArrayBuffer is the read's alone.
  const read = Buffer.alloc(stream.length);
  stream.copy(read);
  const out: Buffer[] = [];
  new Framer(true).push(read, out);
  read.fill(0);
  assert.deepEqual(Buffer.concat(out), stream);
  assert.ok(out.every((frame) => frame.buffer !== read.buffer));
});

test('framing 32 MiB in 64 KiB reads is linear (well under a second)', () => {
  const size = 32 * 1024 * 1024;
  const big = Buffer.from(
    encodeMessage(
      {
        type: MessageType.METHOD_RETURN,
        flags: 0,
        serial: 0,
        replySerial: 1,
        signature: 'ay',
        body: [Buffer.alloc(size)],
      },
      2,
    ),
  );
  const started = performance.now();
  const out: Buffer[] = [];
  const framer = new Framer();
  for (let at = 0; at < big.length; at += 65536) framer.push(big.subarray(at, at + 65536), out);
  const elapsed = performance.now() - started;
  assert.equal(out[0].length, big.length);
  assert.ok(elapsed < 1000, `${elapsed.toFixed(0)} ms`);
});

test('limits and garbage: over 128 MiB, bad endianness, bad version → ProtocolError', () => {
  const header = (endian: number, version: number, body: number, fields: number) => {
    const b = Buffer.alloc(16);
    b[0] = endian;
    b[1] = 1;
    b[3] = version;
    b.writeUInt32LE(body, 4);
    b.writeUInt32LE(1, 8);
    b.writeUInt32LE(fields, 12);
    return b;
  };
  const push = (bytes: Buffer) => new Framer().push(bytes, []);
  assert.throws(
    () => push(header(0x6c, 1, 128 * 1024 * 1024, 8)),
    (e: unknown) => e instanceof ProtocolError && /128 MiB/.test(e.message),
  );
  assert.throws(
    () => push(header(0x6c, 1, 0, 64 * 1024 * 1024 + 1)),
    (e: unknown) => e instanceof ProtocolError && /64 MiB/.test(e.message),
  );
  assert.throws(
    () => push(header(0x78, 1, 0, 0)),
    (e: unknown) => e instanceof ProtocolError && /endianness/.test(e.message),
  );
  assert.throws(
    () => push(header(0x6c, 2, 0, 0)),
    (e: unknown) => e instanceof ProtocolError && /version 2/.test(e.message),
  );
  // Just under the limit is accepted (the framer waits for the bytes).
  const framer = new Framer();
  framer.push(header(0x6c, 1, 128 * 1024 * 1024 - 24, 8), []);
  assert.equal(framer.pending, 16);
});
