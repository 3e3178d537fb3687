import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSequence } from '../../replay/src/sequence';
import { sameReadRecording } from './recordings';

describe('sequence model', () => {
  it('orders rows by time, so pipelined auth shows AUTH, BEGIN and Hello before OK', () => {
    const rec = sameReadRecording();
    rec.auth = [
      { direction: 'sent', line: 'AUTH EXTERNAL 30', atMs: 0.2 },
      { direction: 'sent', line: 'BEGIN', atMs: 0.21 },
      { direction: 'received', line: 'OK 1234abcd', atMs: 1.2 },
    ];
    rec.messages[0].atMs = 0.21;
    rec.reads.unshift({ atMs: 1.1, bytes: 37, completes: [] });
    const rows = buildSequence(rec).rows.map((r) => `${r.kind}:${r.label}`);
    assert.deepEqual(rows.slice(0, 5), [
      'auth:AUTH EXTERNAL 30',
      'auth:BEGIN',
      'message:method_call Hello',
      'read:read of 37 B (auth lines)',
      'auth:OK 1234abcd',
    ]);
  });

  it('draws a third lifeline for a peer, named by its well-known and unique names', () => {
    const rec = sameReadRecording();
    const call = rec.messages[3];
    const reply = rec.messages[4];
    call.destination = 'com.example.Echo';
    reply.sender = ':1.3';
    const sequence = buildSequence(rec);
    assert.deepEqual(
      sequence.lifelines.map((l) => [l.id, l.title, l.unique]),
      [
        ['us', 'us', ':1.7'],
        ['bus', 'org.freedesktop.DBus', null],
        ['peer', 'com.example.Echo', ':1.3'],
      ],
    );
    const replyRow = sequence.rows.find((r) => r.isReply)!;
    assert.deepEqual([replyRow.from, replyRow.to, replyRow.answers], ['peer', 'us', 'org.freedesktop.DBus.GetId']);
    assert.equal(sequence.callToReplyMs?.toFixed(2), '0.30');
  });
});
