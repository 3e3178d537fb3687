import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordedMessage } from '../../wire/src/recording';
import { naiveVerdict } from '../../replay/src/naive';
import { sameReadRecording, splitRecording } from './recordings';

const outcome = (verdict: ReturnType<typeof naiveVerdict>, strategy: string) =>
  verdict.outcomes.find((o) => o.strategy === strategy)!;

describe('naive verdict', () => {
  it('says plainly that a single read after the call returned NameAcquired when it came in its own read', () => {
    const verdict = naiveVerdict(splitRecording());
    assert.equal(verdict.wrong, true);
    assert.equal(
      verdict.headline,
      'In this run, a single read after the call returned the NameAcquired signal (serial 2) — the reply (reply serial 2) came in the next read.',
    );
    assert.equal(outcome(verdict, 'first-message').taken, 2);
    assert.equal(outcome(verdict, 'first-message').correct, false);
    const single = outcome(verdict, 'single-read');
    assert.equal(single.taken, null);
    assert.match(
      single.sentence,
      /no method return or error, only the NameAcquired signal \(serial 2\).*didn't get any/,
    );
    // Reading on until a return arrives gets this one right: there is no other return queued.
    assert.equal(outcome(verdict, 'type-only').taken, 4);
    assert.equal(outcome(verdict, 'type-only').correct, true);
    assert.equal(verdict.replyRead, 2);
  });

  it('marks every naive client correct when Hello return and NameAcquired share a read', () => {
    const verdict = naiveVerdict(sameReadRecording());
    assert.equal(verdict.wrong, false);
    assert.ok(verdict.outcomes.every((o) => o.correct && o.taken === 4));
    assert.match(verdict.headline, /naive clients would have got it/);
  });

  it('skips the reads that carried only auth lines (the recorder counts them too)', () => {
    const rec = sameReadRecording();
    rec.reads.unshift({ atMs: 0.5, bytes: 37, completes: [] });
    const verdict = naiveVerdict(rec);
    assert.equal(verdict.wrong, false, verdict.headline);
    const split = splitRecording();
    split.reads.unshift({ atMs: 0.5, bytes: 37, completes: [] });
    assert.equal(outcome(naiveVerdict(split), 'first-message').taken, 2);
  });

  it('treats reads queued before the call as one read, and a late NameAcquired as the next read', () => {
    const rec = splitRecording();
    // The call goes out before NameAcquired arrives: the naive read after the call still gets the signal.
    rec.messages[3].atMs = 1.55;
    const verdict = naiveVerdict(rec);
    assert.equal(outcome(verdict, 'first-message').taken, 2);
    assert.deepEqual(outcome(verdict, 'first-message').reads, [1]);
  });

  it('catches a type-only client taking a return that answers another call', () => {
    const rec = sameReadRecording();
    // An error answering an earlier call (serial 7) is queued ahead of the reply.
    const stale: RecordedMessage = {
      ...rec.messages[4],
      type: 'error',
      serial: 3,
      replySerial: 7,
      errorName: 'org.example.Error.Stale',
      atMs: 2.0,
    };
    rec.messages.splice(4, 0, stale);
    rec.raw.push('');
    rec.reply = 5;
    rec.reads = [
      { atMs: 1.6, bytes: 132, completes: [1, 2] },
      { atMs: 2.1, bytes: 160, completes: [4, 5] },
    ];
    const verdict = naiveVerdict(rec);
    const typeOnly = outcome(verdict, 'type-only');
    assert.equal(typeOnly.taken, 4);
    assert.equal(typeOnly.correct, false);
    assert.match(
      typeOnly.sentence,
      /took the error org\.example\.Error\.Stale \(serial 3, reply serial 7\), which answers serial 7, not the call \(serial 2\); the reply \(reply serial 2\) came later in the same read/,
    );
  });

  it('reports a reply split over reads as no complete message in the first read', () => {
    const rec = splitRecording();
    rec.reads = [
      { atMs: 1.6, bytes: 132, completes: [1, 2] },
      { atMs: 2.0, bytes: 65536, completes: [] },
      { atMs: 2.1, bytes: 4000, completes: [4] },
    ];
    const verdict = naiveVerdict(rec);
    assert.match(
      outcome(verdict, 'single-read').sentence,
      /no complete message \(part of a larger one\).*the reply \(reply serial 2\) came in the next read/,
    );
    assert.equal(outcome(verdict, 'type-only').correct, true);
  });

  it('says when no reply arrived and when the call was never sent', () => {
    const rec = splitRecording();
    rec.reply = null;
    rec.messages.pop();
    rec.reads.pop();
    assert.match(naiveVerdict(rec).headline, /No reply arrived/);
    rec.call = null;
    assert.equal(naiveVerdict(rec).outcomes.length, 0);
  });
});
