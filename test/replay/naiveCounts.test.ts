// The stress test's naive counts: what a single-read client would have taken, from a recording's reads
// (the same model as the replay's verdict).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { naiveCounts } from '../../replay/src/index';
import type { DetailedRecording, RecordedMessage } from '../../wire/src/index';

function message(
  direction: RecordedMessage['direction'],
  type: RecordedMessage['type'],
  atMs: number,
  member: string | null,
  replySerial: number | null = null,
): RecordedMessage {
  return {
    direction,
    type,
    serial: 1,
    replySerial,
    sender: null,
    destination: null,
    path: null,
    interface: null,
    member,
    errorName: null,
    signature: null,
    body: [],
    atMs,
    size: 100,
  };
}

/** Hello, its return, then the GetId call (index 2), then what follows in `after`, read as `reads`. */
function recording(
  after: RecordedMessage[],
  reads: number[][],
  reply: number | null,
  call: number | null = 2,
): Pick<DetailedRecording, 'messages' | 'reads' | 'reply' | 'auth' | 'call'> {
  const messages = [
    message('sent', 'method_call', 1, 'Hello'),
    message('received', 'method_return', 2, null, 1),
    message('sent', 'method_call', 3, 'GetId'),
    ...after,
  ];
  return {
    messages,
    reads: [
      { atMs: 2, bytes: 100, completes: [1] },
      ...reads.map((completes, i) => ({ atMs: 4 + i, bytes: 100 * completes.length, completes })),
    ],
    reply,
    auth: [],
    call,
  };
}

const acquired = message('received', 'signal', 4, 'NameAcquired');
const getIdReturn = message('received', 'method_return', 5, null, 2);

test('reply alone in the first read after the call: the naive client is right', () => {
  assert.deepEqual(naiveCounts(recording([getIdReturn], [[3]], 3)), {
    firstMessageWrong: false,
    noReplyInFirstRead: false,
  });
});

test('NameAcquired alone in the first read: wrong message, and no reply at all ("didn\'t get any")', () => {
  assert.deepEqual(naiveCounts(recording([acquired, getIdReturn], [[3], [4]], 4)), {
    firstMessageWrong: true,
    noReplyInFirstRead: true,
  });
});

test('NameAcquired then the reply in one read: the first message is wrong, but a reply was in the read', () => {
  assert.deepEqual(naiveCounts(recording([acquired, getIdReturn], [[3, 4]], 4)), {
    firstMessageWrong: true,
    noReplyInFirstRead: false,
  });
});

test('a first read that completes nothing (part of a big reply) counts as no reply', () => {
  assert.deepEqual(naiveCounts(recording([getIdReturn], [[], [3]], 3)), {
    firstMessageWrong: true,
    noReplyInFirstRead: true,
  });
});

test('no call in the recording: nothing to judge', () => {
  assert.equal(naiveCounts(recording([], [], null, null)), null);
});

test('NameAcquired alone in a read before the call: the one read after the call returns it, not the reply', () => {
  const messages = [
    message('sent', 'method_call', 1, 'Hello'),
    message('received', 'method_return', 2, null, 1),
    message('received', 'signal', 2.5, 'NameAcquired'),
    message('sent', 'method_call', 3, 'GetId'),
    message('received', 'method_return', 4, null, 2),
  ];
  const reads = [
    { atMs: 2, bytes: 100, completes: [1] },
    { atMs: 2.5, bytes: 100, completes: [2] },
    { atMs: 4, bytes: 100, completes: [4] },
  ];
  // The client read once for Hello's reply; the signal stayed queued and is what its read after GetId returns.
  assert.deepEqual(naiveCounts({ messages, reads, reply: 4, auth: [], call: 3 }), {
    firstMessageWrong: true,
    noReplyInFirstRead: true,
  });
});
