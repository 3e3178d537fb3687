// What a naive client would have taken as the reply, computed from a recording of a reliable one: the one
// model behind the replay's verdict and the stress test's counts.
//
// The recorder reads everything and matches REPLY_SERIAL, so the recording says which socket read
// completed each message. A naive client sends one call at a time and reads after each send; replaying
// its logic over the recorded reads shows what it would have received:
//   first-message  one read after the call; the first message in it is "the reply"
//   single-read    one read after the call; the first METHOD_RETURN/ERROR in it, or nothing (youki before
//                  commit 56753c3c: "didn't get any")
//   type-only      reads until a METHOD_RETURN/ERROR arrives and takes it without checking REPLY_SERIAL
//                  (youki after the fix)
// Reads that arrived before the naive client sends its next call were queued in the kernel, so its
// one read after that send returns them together; otherwise it gets the next read that arrives.
import type { DetailedRecording, RecordedMessage } from '../../wire/src/index';
import { describeMessage, isAuthRead } from './describe';

export type NaiveStrategy = 'first-message' | 'single-read' | 'type-only';

export const NAIVE_LABELS: Record<NaiveStrategy, string> = {
  'first-message': 'first message wins',
  'single-read': 'single read, first return or error',
  'type-only': 'reads until a return or error, REPLY_SERIAL not checked',
};

export interface NaiveOutcome {
  strategy: NaiveStrategy;
  /** Index into `messages` of what this client takes as the reply; null when it finds nothing it accepts. */
  taken: number | null;
  /** Indexes into `reads` that this client consumed after sending the call. */
  reads: number[];
  correct: boolean;
  sentence: string;
}

export interface NaiveVerdict {
  /** Index into `messages` of the call, of its real reply, and the read that completed the reply. */
  call: number | null;
  reply: number | null;
  replyRead: number | null;
  outcomes: NaiveOutcome[];
  /** True when at least one naive client would not have got the reply. */
  wrong: boolean;
  headline: string;
}

type Recording = Pick<DetailedRecording, 'messages' | 'reads' | 'reply' | 'auth' | 'call'>;

const isReply = (message: RecordedMessage): boolean => message.type === 'method_return' || message.type === 'error';

interface Simulation {
  taken: number | null;
  reads: number[];
}

function simulate(
  recording: Recording,
  call: number,
  accept: (m: RecordedMessage) => boolean,
  keepReading: boolean,
): Simulation {
  const { messages, reads } = recording;
  const completed = (readIndexes: number[]): number[] =>
    readIndexes.flatMap((r) => reads[r]?.completes ?? []).sort((a, b) => a - b);
  const firstAccepted = (readIndexes: number[]): number | null =>
    completed(readIndexes).find((i) => accept(messages[i])) ?? null;

  // A naive client authenticates line by line before its first call, so auth reads are not its calls' reads.
  let next = 0;
  while (next < reads.length && isAuthRead(recording, next)) next++;
  for (let i = 0; i <= call; i++) {
    const sent = messages[i];
    if (sent.direction !== 'sent' || sent.type !== 'method_call') continue;
    const consumed: number[] = [];
    while (next < reads.length && (reads[next]?.atMs ?? Infinity) <= sent.atMs) consumed.push(next++);
    if (consumed.length === 0 && next < reads.length) consumed.push(next++);
    let taken = firstAccepted(consumed);
    while (taken === null && keepReading && next < reads.length) {
      consumed.push(next++);
      taken = firstAccepted(consumed);
    }
    if (i === call) return { taken, reads: consumed };
  }
  return { taken: null, reads: [] };
}

function readOf(recording: Recording, message: number | null): number | null {
  if (message === null) return null;
  const index = recording.reads.findIndex((read) => read.completes.includes(message));
  return index < 0 ? null : index;
}

function whereReplyCame(recording: Recording, consumed: number[]): string {
  const replyRead = readOf(recording, recording.reply);
  if (recording.reply === null || replyRead === null) return 'the reply never arrived';
  const serial = recording.messages[recording.reply].replySerial;
  const last = consumed.length ? Math.max(...consumed) : -1;
  const where = consumed.includes(replyRead)
    ? 'later in the same read'
    : replyRead === last + 1
      ? 'in the next read'
      : `in read #${replyRead + 1}`;
  return `the reply (reply serial ${serial}) came ${where}`;
}

function sentenceFor(strategy: NaiveStrategy, recording: Recording, sim: Simulation, callSerial: number): string {
  const { messages } = recording;
  const taken = sim.taken === null ? null : messages[sim.taken];
  const replyPhrase = whereReplyCame(recording, sim.reads);
  if (sim.taken !== null && sim.taken === recording.reply) {
    return strategy === 'type-only'
      ? `reading until a return or error got the reply (reply serial ${callSerial}) in this run, only because no other return or error was queued first`
      : `a single read after the call held the reply (reply serial ${callSerial})${strategy === 'first-message' ? ' as its first message' : ''}: correct in this run`;
  }
  if (sim.reads.length === 0) return `no read arrived after the call; ${replyPhrase}`;
  if (taken === null) {
    const got = sim.reads.flatMap((r) => recording.reads[r]?.completes ?? []).map((i) => describeMessage(messages[i]));
    const held = got.length ? `only ${got.join(', ')}` : 'no complete message (part of a larger one)';
    return strategy === 'first-message'
      ? `a single read after the call returned ${held}; ${replyPhrase}`
      : `a single read after the call held no method return or error, ${held}: such a client fails with "no reply" (youki's "didn't get any"); ${replyPhrase}`;
  }
  if (strategy === 'type-only') {
    return `reading until a return or error took ${describeMessage(taken)}, which answers serial ${taken.replySerial ?? '?'}, not the call (serial ${callSerial}); ${replyPhrase}`;
  }
  return `a single read after the call returned ${describeMessage(taken)}${strategy === 'single-read' && isReply(taken) ? `, which answers serial ${taken.replySerial ?? '?'}, not the call (serial ${callSerial})` : ''} — ${replyPhrase}`;
}

const STRATEGIES: [NaiveStrategy, (m: RecordedMessage) => boolean, boolean][] = [
  ['first-message', (m) => m.direction === 'received', false],
  ['single-read', (m) => m.direction === 'received' && isReply(m), false],
  ['type-only', (m) => m.direction === 'received' && isReply(m), true],
];

type Simulated = Simulation & { strategy: NaiveStrategy; correct: boolean };

/** What each naive client takes after the recorded call; null when no call was sent. */
function simulateAll(recording: Recording): Simulated[] | null {
  const { call } = recording;
  if (call === null || !recording.messages[call]) return null;
  return STRATEGIES.map(([strategy, accept, keepReading]) => {
    const sim = simulate(recording, call, accept, keepReading);
    return { ...sim, strategy, correct: sim.taken !== null && sim.taken === recording.reply };
  });
}

/** The stress test's per-run counts, from the same model as the verdict (without its sentences). */
export interface NaiveCounts {
  /** A client that takes the first message of its one read after the call would not have got the reply. */
  firstMessageWrong: boolean;
  /** That one read held no method return or error at all ("didn't get any"). */
  noReplyInFirstRead: boolean;
}

/** Null when the recording has no sent call to judge from. */
export function naiveCounts(recording: Recording): NaiveCounts | null {
  const outcomes = simulateAll(recording);
  if (!outcomes) return null;
  const of = (strategy: NaiveStrategy) => outcomes.find((o) => o.strategy === strategy)!;
  return { firstMessageWrong: !of('first-message').correct, noReplyInFirstRead: of('single-read').taken === null };
}

export function naiveVerdict(recording: Recording): NaiveVerdict {
  const simulated = simulateAll(recording);
  const { call } = recording;
  if (call === null || !simulated) {
    return {
      call: null,
      reply: null,
      replyRead: null,
      outcomes: [],
      wrong: false,
      headline: 'The call was not sent, so there is nothing to compare.',
    };
  }
  const callSerial = recording.messages[call].serial;
  const outcomes = simulated.map((sim): NaiveOutcome => ({
    strategy: sim.strategy,
    taken: sim.taken,
    reads: sim.reads,
    correct: sim.correct,
    sentence: sentenceFor(sim.strategy, recording, sim, callSerial),
  }));
  const firstWrong = outcomes.find((o) => !o.correct);
  let headline: string;
  if (recording.reply === null) headline = 'No reply arrived, so every client would have waited or failed.';
  else if (firstWrong) headline = `In this run, ${firstWrong.sentence}.`;
  else {
    headline =
      'In this run the reply was the first message of the first read after the call, so naive clients would have got it; they fail in the runs where the bus delivers a signal first (try Run N times).';
  }
  return {
    call,
    reply: recording.reply,
    replyRead: readOf(recording, recording.reply),
    outcomes,
    wrong: firstWrong !== undefined,
    headline,
  };
}
