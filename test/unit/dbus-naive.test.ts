// What a single-read client would have taken, from a recording's reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { naiveView, type CallRecording, type RecordedMessage } from '../../client/src/dbus/index';

function message(direction: RecordedMessage['direction'], type: RecordedMessage['type'], atMs: number, member: string | null, replySerial: number | null = null): RecordedMessage {
  return { direction, type, serial: 1, replySerial, sender: null, destination: null, path: null, interface: null, member, errorName: null, signature: null, body: [], atMs, size: 100 };
}

/** Hello, its return, then the GetId call (index 2), then what follows in `after`, read as `reads`. */
function recording(after: RecordedMessage[], reads: number[][], reply: number | null): CallRecording {
  const messages = [message('sent', 'method_call', 1, 'Hello'), message('received', 'method_return', 2, null, 1), message('sent', 'method_call', 3, 'GetId'), ...after];
  return { messages, reads: [{ atMs: 2, bytes: 100, completes: [1] }, ...reads.map((completes, i) => ({ atMs: 4 + i, bytes: 100 * completes.length, completes }))], reply, error: null };
}

const acquired = message('received', 'signal', 4, 'NameAcquired');
const getIdReturn = message('received', 'method_return', 5, null, 2);

test('reply alone in the first read after the call: the naive client is right', () => {
  assert.deepEqual(naiveView(recording([getIdReturn], [[3]], 3), 2), { firstMessageWrong: false, noReplyInFirstRead: false });
});

test('NameAcquired alone in the first read: wrong message, and no reply at all ("didn\'t get any")', () => {
  assert.deepEqual(naiveView(recording([acquired, getIdReturn], [[3], [4]], 4), 2), { firstMessageWrong: true, noReplyInFirstRead: true });
});

test('NameAcquired then the reply in one read: the first message is wrong, but a reply was in the read', () => {
  assert.deepEqual(naiveView(recording([acquired, getIdReturn], [[3, 4]], 4), 2), { firstMessageWrong: true, noReplyInFirstRead: false });
});

test('a first read that completes nothing (part of a big reply) counts as no reply', () => {
  assert.deepEqual(naiveView(recording([getIdReturn], [[], [3]], 3), 2), { firstMessageWrong: true, noReplyInFirstRead: true });
});

test('no call in the recording: nothing to judge', () => {
  assert.equal(naiveView(recording([], [], null), null), null);
});
