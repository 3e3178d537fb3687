import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  MarshalError,
  MessageType,
  ProtocolError,
  type Message,
} from '../../wire/src/index';
import { marshalBody, Writer } from '../../wire/src/marshal';
import { EVERY_TYPE } from '../support/everyType';

function methodReturn(signature: string, body: unknown[]): Message {
  return { type: MessageType.METHOD_RETURN, flags: 0, serial: 0, replySerial: 9, destination: ':1.5', signature, body };
}

/** A little-endian method return with a hand-made body, for inputs the encoder refuses to produce. */
export function rawReturn(signature: string, body: Buffer): Buffer {
  const w = new Writer();
  w.u8(0x6c);
  w.u8(2);
  w.u8(0);
  w.u8(1);
  w.u32(body.length);
  w.u32(7);
  w.u32(0);
  const start = w.pos;
  w.align(8);
  w.u8(5);
  w.signature('u');
  w.u32(1);
  w.align(8);
  w.u8(8);
  w.signature('g');
  w.signature(signature);
  w.buf.writeUInt32LE(w.pos - start, 12);
  w.align(8);
  return Buffer.concat([w.bytes(), body]);
}

test('every type survives encode → decode, one by one and all together', () => {
  for (const [signature, value] of EVERY_TYPE) {
    const decoded = decodeMessage(encodeMessage(methodReturn(signature, [value]), 3));
    assert.deepEqual(decoded.body, [value], signature);
  }
  const signature = EVERY_TYPE.map(([sig]) => sig).join('');
  const body = EVERY_TYPE.map(([, value]) => value);
  const decoded = decodeMessage(encodeMessage(methodReturn(signature, body), 4));
  assert.deepEqual(decoded.body, body);
  assert.equal(decoded.serial, 4);
  assert.equal(decoded.replySerial, 9);
  assert.equal(decoded.destination, ':1.5');
});

test('header fields of a method call round-trip; the encoder writes little-endian, version 1', () => {
  const call: Message = {
    type: MessageType.METHOD_CALL,
    flags: 1,
    serial: 0,
    destination: 'org.example.Dest',
    path: '/org/example/Obj',
    interface: 'org.example.Iface',
    member: 'Do',
    signature: 'as',
    body: [['x']],
  };
  const bytes = encodeMessage(call, 42);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x6c, 1, 1, 1]);
  assert.equal(bytes.length % 1, 0);
  const decoded = decodeMessage(bytes);
  assert.deepEqual({ ...decoded }, { ...call, serial: 42 });
});

test('a big-endian message written by hand per the specification decodes', () => {
  const bytes = Buffer.from([
    0x42,
    2,
    0,
    1,
    0,
    0,
    0,
    12,
    0,
    0,
    0,
    5,
    0,
    0,
    0,
    16, // 'B', method return, flags, v1, body 12, serial 5, fields 16
    5,
    1,
    0x75,
    0,
    0,
    0,
    0,
    3, // REPLY_SERIAL: u 3
    8,
    1,
    0x67,
    0,
    2,
    0x73,
    0x75,
    0, // SIGNATURE: g "su"
    0,
    0,
    0,
    2,
    0x68,
    0x69,
    0,
    0,
    0,
    0,
    0,
    7, // "hi", pad, 7
  ]);
  const message = decodeMessage(bytes);
  assert.equal(message.type, MessageType.METHOD_RETURN);
  assert.equal(message.serial, 5);
  assert.equal(message.replySerial, 3);
  assert.deepEqual(message.body, ['hi', 7]);
});

test('empty arrays are padded to their element alignment, and the padding is not in the length', () => {
  assert.deepEqual([...marshalBody('a(ii)y', [[], 5])], [0, 0, 0, 0, 0, 0, 0, 0, 5]);
  assert.deepEqual([...marshalBody('yax', [1, []])], [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...marshalBody('ay', [[]])], [0, 0, 0, 0]);
  // The length of a non-empty array of structs excludes the leading padding.
  const bytes = marshalBody('a(y)', [[[1]]]);
  assert.deepEqual([...bytes], [1, 0, 0, 0, 0, 0, 0, 0, 1]);
});

test('values that do not fit their type are MarshalErrors that say where', () => {
  const cases: [string, unknown[], RegExp][] = [
    ['u', [-1], /argument 1: expected an integer 0\.\.4294967295/],
    ['y', [256], /argument 1/],
    ['i', [1.5], /integer/],
    ['x', [1n << 63n], /out of range/],
    ['t', [-1n], /out of range/],
    ['s', [5], /expected a string/],
    ['s', ['a\0b'], /NUL/],
    ['o', ['not/a/path'], /not a valid object path/],
    ['o', ['/trailing/'], /not a valid object path/],
    ['g', ['a{'], /invalid D-Bus signature/],
    ['b', [1], /boolean/],
    ['v', ['bare'], /variant/],
    ['v', [{ signature: 'ii', value: 1 }], /exactly one complete type/],
    ['(is)', [[1]], /2 fields/],
    ['as', [[1]], /argument 1, element 0/],
    ['a{sv}', [new Map([['k', 5]])], /value of "k"/],
    ['ss', ['only one'], /2 argument\(s\), got 1/],
  ];
  for (const [signature, values, pattern] of cases) {
    assert.throws(
      () => marshalBody(signature, values),
      (error: unknown) => error instanceof MarshalError && pattern.test(error.message),
      `${signature} ${String(values[0])}`,
    );
  }
});

test('64-bit integers: bigint out, bigint/number/decimal string in', () => {
  const decoded = decodeMessage(encodeMessage(methodReturn('xtx', [5, '18446744073709551615', -3n]), 1));
  assert.deepEqual(decoded.body, [5n, 18446744073709551615n, -3n]);
});

test('dicts accept Maps and plain objects; keys are converted to the key type', () => {
  const decoded = decodeMessage(
    encodeMessage(
      methodReturn('a{is}a{bs}a{ts}', [{ 1: 'one' }, { true: 'yes' }, { '18446744073709551615': 'max' }]),
      1,
    ),
  );
  assert.deepEqual(decoded.body, [
    new Map([[1, 'one']]),
    new Map([[true, 'yes']]),
    new Map([[18446744073709551615n, 'max']]),
  ]);
});

test('receiver checks: bad booleans, padding, NULs, UTF-8, paths and trailing bytes are ProtocolErrors', () => {
  const cases: [string, number[], RegExp][] = [
    ['b', [2, 0, 0, 0], /boolean with value 2/],
    ['yu', [1, 9, 0, 0, 5, 0, 0, 0], /non-zero padding/],
    ['s', [2, 0, 0, 0, 0x61, 0, 0], /contains a NUL/],
    ['s', [1, 0, 0, 0, 0x61, 1], /not NUL-terminated/],
    ['s', [1, 0, 0, 0, 0xff, 0], /not valid UTF-8/],
    ['o', [1, 0, 0, 0, 0x61, 0], /invalid object path/],
    ['g', [2, 0x61, 0x7b, 0], /invalid D-Bus signature/],
    ['y', [1, 2], /beyond its signature/],
    ['u', [1, 0], /truncated/],
    ['v', [2, 0x69, 0x69, 0], /variant/],
    ['ai', [5, 0, 0, 0, 1, 0, 0, 0, 2], /truncated|overrun/],
  ];
  for (const [signature, body, pattern] of cases) {
    assert.throws(
      () => decodeMessage(rawReturn(signature, Buffer.from(body))),
      (error: unknown) => error instanceof ProtocolError && pattern.test(error.message),
      `${signature} ${body.join(',')}`,
    );
  }
});

test('required header fields are checked per message type', () => {
  const noMember = encodeMessage(
    { type: MessageType.METHOD_CALL, flags: 0, serial: 0, path: '/a', member: 'M', body: [] },
    1,
  );
  // Rewrite the MEMBER field code (3) to an unknown code (20): unknown fields are ignored, so MEMBER is missing.
  const index = noMember.indexOf(Buffer.from([3, 1, 0x73, 0]));
  noMember[index] = 20;
  assert.throws(() => decodeMessage(noMember), /without the required MEMBER/);
});
