// Random and mutated input to the framer and decoder: only typed ProtocolErrors, no crash, no hang.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeMessage, encodeMessage, MessageType, ProtocolError, type Message } from '../../wire/src/index';
import { Framer } from '../../wire/src/framer';
import { EVERY_TYPE } from '../support/everyType';

/** Frames and decodes; returns how many messages decoded. Throws anything that is not a ProtocolError. */
function decodeStream(bytes: Uint8Array, chunk: number): number {
  const framer = new Framer();
  const frames: Buffer[] = [];
  let decoded = 0;
  try {
    for (let at = 0; at < bytes.length; at += chunk) framer.push(Buffer.from(bytes.subarray(at, at + chunk)), frames);
    for (const frame of frames) {
      decodeMessage(frame);
      decoded++;
    }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
  return decoded;
}

const validMessage = fc
  .record({
    type: fc.constantFrom(MessageType.METHOD_CALL, MessageType.METHOD_RETURN, MessageType.ERROR, MessageType.SIGNAL),
    picks: fc.array(fc.nat(EVERY_TYPE.length - 1), { maxLength: 8 }),
    serial: fc.integer({ min: 1, max: 0xffffffff }),
  })
  .map(({ type, picks, serial }) => {
    const chosen = picks.map((i) => EVERY_TYPE[i]);
    const message: Message = {
      type,
      flags: 0,
      serial: 0,
      path: '/p',
      interface: 'a.b',
      member: 'M',
      replySerial: 3,
      errorName: 'a.b.E',
      destination: ':1.1',
      sender: 'org.example.S',
      signature: chosen.map(([signature]) => signature).join(''),
      body: chosen.map(([, value]) => value),
    };
    return encodeMessage(message, serial);
  });

test('random bytes: only ProtocolErrors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
      decodeStream(bytes, chunk);
    }),
    { numRuns: 3000 },
  );
});

test('random bytes behind a valid fixed header: only ProtocolErrors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 400 }), fc.boolean(), (bytes, little) => {
      const b = Buffer.from(bytes);
      b[0] = little ? 0x6c : 0x42;
      b[1] = 1 + (b[1] % 4);
      b[3] = 1;
      // Make the declared lengths fit the bytes we have, so the decoder (not the framer) gets exercised.
      const fields = b[12] % Math.max(1, b.length - 16);
      const body = Math.max(0, b.length - 16 - ((fields + 7) & ~7));
      if (little) {
        b.writeUInt32LE(body, 4);
        b.writeUInt32LE(fields, 12);
      } else {
        b.writeUInt32BE(body, 4);
        b.writeUInt32BE(fields, 12);
      }
      try {
        decodeMessage(b.subarray(0, 16 + ((fields + 7) & ~7) + body));
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
      }
    }),
    { numRuns: 3000 },
  );
});

test('valid messages decode; mutated ones (flipped bytes, truncation, splices) give only ProtocolErrors', () => {
  fc.assert(
    fc.property(validMessage, (bytes) => {
      assert.equal(decodeStream(bytes, 4096), 1);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      validMessage,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.nat(),
      fc.integer({ min: 1, max: 97 }),
      (bytes, flips, cut, chunk) => {
        const mutated = Buffer.from(bytes);
        for (const [at, value] of flips) mutated[at % mutated.length] = value;
        decodeStream(mutated, chunk);
        decodeStream(mutated.subarray(0, cut % mutated.length), chunk);
        decodeStream(Buffer.concat([mutated.subarray(0, cut % mutated.length), bytes]), chunk);
      },
    ),
    { numRuns: 2000 },
  );
});

test('deeply nested variants past the 64 limit are refused, not recursed into', () => {
  const depth = 200;
  const body = Buffer.concat([
    Buffer.from(Array.from({ length: depth }, () => [1, 0x76, 0]).flat()),
    Buffer.from([1, 0x79, 0, 5]),
  ]);
  const w = encodeMessage(
    {
      type: MessageType.METHOD_RETURN,
      flags: 0,
      serial: 0,
      replySerial: 1,
      signature: 'v',
      body: [{ signature: 'y', value: 5 }],
    },
    1,
  );
  const header = w.subarray(0, w.length - 4);
  const frame = Buffer.concat([header, body]);
  frame.writeUInt32LE(body.length, 4);
  assert.throws(
    () => decodeMessage(frame),
    (error: unknown) => error instanceof ProtocolError && /nested deeper than 64/.test(error.message),
  );
});
