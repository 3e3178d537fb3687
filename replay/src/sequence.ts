// The recording as a message sequence chart: lifelines and time-ordered rows. The view and the text
// transcript both draw from this, so they always show the same sequence.
import type { DetailedRecording, RecordedMessage } from '../../wire/src/index';
import { isAuthRead, qualifiedMember } from './describe';

export const BUS_NAME = 'org.freedesktop.DBus';

export type LifelineId = 'us' | 'bus' | 'peer';

export interface Lifeline {
  id: LifelineId;
  /** Well-known name, or the role when there is none ("us"). */
  title: string;
  /** Unique connection name when known (":1.42"). */
  unique: string | null;
}

export interface SequenceRow {
  kind: 'auth' | 'message' | 'read';
  /** Index into auth, messages or reads, by kind. */
  index: number;
  atMs: number;
  from: LifelineId;
  to: LifelineId;
  /** "AUTH EXTERNAL 30", "method_call Hello", "method_return", "error org.freedesktop.DBus.Error.UnknownMethod". */
  label: string;
  serial: number | null;
  replySerial: number | null;
  /** Member of the call a return or error answers, when it is in the recording. */
  answers: string | null;
  /** Index into reads of the read that completed this message (received messages only). */
  read: number | null;
  firstInRead: boolean;
  broadcast: boolean;
  isCall: boolean;
  isReply: boolean;
  isError: boolean;
}

export interface Sequence {
  lifelines: Lifeline[];
  rows: SequenceRow[];
  /** Milliseconds from the call being sent to its reply arriving, when both are recorded. */
  callToReplyMs: number | null;
}

type Input = Pick<DetailedRecording, 'messages' | 'reads' | 'auth' | 'call' | 'reply'>;

function ourUniqueName(messages: RecordedMessage[]): string | null {
  const helloReturn = messages.find(
    (m) =>
      m.direction === 'received' &&
      m.type === 'method_return' &&
      m.sender === BUS_NAME &&
      typeof m.body[0] === 'string',
  );
  if (helloReturn) return helloReturn.body[0] as string;
  return messages.find((m) => m.direction === 'received' && m.destination?.startsWith(':'))?.destination ?? null;
}

function messageLabel(message: RecordedMessage): string {
  if (message.type === 'error') return `error ${message.errorName ?? ''}`.trim();
  if (message.type === 'method_return') return 'method_return';
  return `${message.type} ${message.member ?? ''}`.trim();
}

export function buildSequence(recording: Input): Sequence {
  const { messages, reads } = recording;
  const call = recording.call === null ? undefined : messages[recording.call];
  const reply = recording.reply === null ? undefined : messages[recording.reply];
  const peerName = call?.destination && call.destination !== BUS_NAME ? call.destination : null;
  const peerUnique =
    reply?.sender && reply.sender !== BUS_NAME ? reply.sender : peerName?.startsWith(':') ? peerName : null;

  const lifelines: Lifeline[] = [
    { id: 'us', title: 'us', unique: ourUniqueName(messages) },
    { id: 'bus', title: BUS_NAME, unique: null },
  ];
  if (peerName) lifelines.push({ id: 'peer', title: peerName, unique: peerUnique });

  const readOf = new Map<number, number>();
  reads.forEach((read, r) => read.completes.forEach((m) => readOf.set(m, r)));
  const sentBySerial = new Map(messages.filter((m) => m.direction === 'sent').map((m) => [m.serial, m]));
  const endpoint = (name: string | null): LifelineId =>
    name === null || name === BUS_NAME || !peerName ? 'bus' : 'peer';

  const rows: SequenceRow[] = recording.auth.map((line, index) => ({
    kind: 'auth',
    index,
    atMs: line.atMs,
    from: line.direction === 'sent' ? 'us' : 'bus',
    to: line.direction === 'sent' ? 'bus' : 'us',
    label: line.line,
    serial: null,
    replySerial: null,
    answers: null,
    read: null,
    firstInRead: false,
    broadcast: false,
    isCall: false,
    isReply: false,
    isError: false,
  }));
  messages.forEach((message, index) => {
    const sent = message.direction === 'sent';
    const read = sent ? null : (readOf.get(index) ?? null);
    const answered = message.replySerial === null ? undefined : sentBySerial.get(message.replySerial);
    rows.push({
      kind: 'message',
      index,
      atMs: message.atMs,
      from: sent ? 'us' : endpoint(message.sender),
      to: sent ? endpoint(message.destination) : 'us',
      label: messageLabel(message),
      serial: message.serial,
      replySerial: message.replySerial,
      answers: !sent && answered ? qualifiedMember(answered) || null : null,
      read,
      firstInRead: read !== null && reads[read]?.completes[0] === index,
      broadcast: message.type === 'signal' && message.destination === null,
      isCall: index === recording.call,
      isReply: index === recording.reply,
      isError: message.type === 'error',
    });
  });
  reads.forEach((read, index) => {
    if (read.completes.length > 0) return;
    const label = isAuthRead(recording, index)
      ? `read of ${read.bytes} B (auth lines)`
      : `read of ${read.bytes} B (no complete message yet)`;
    rows.push({
      kind: 'read',
      index,
      atMs: read.atMs,
      from: 'bus',
      to: 'us',
      label,
      serial: null,
      replySerial: null,
      answers: null,
      read: index,
      firstInRead: true,
      broadcast: false,
      isCall: false,
      isReply: false,
      isError: false,
    });
  });
  // Time order shows pipelining as it happened (AUTH, BEGIN and Hello sent before OK came back).
  rows.sort((a, b) => a.atMs - b.atMs);

  const callToReplyMs = call && reply ? reply.atMs - call.atMs : null;
  return { lifelines, rows, callToReplyMs };
}
