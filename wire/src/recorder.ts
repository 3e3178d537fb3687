// Records one connection: auth lines, every message sent and received (decoded, with its raw
// bytes) and every socket read with the messages it completed. Times are monotonic ms since start.
import { performance } from 'node:perf_hooks';
import { typeName, type Message } from './message';
import type { DetailedRecording, RecordedAuthLine, RecordedMessage, RecordedRead } from './recording';
import { toJsonSafe } from './values';

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A decoded message in the recording's JSON-safe shape. */
export function recordedMessage(
  direction: 'sent' | 'received',
  message: Message,
  size: number,
  atMs: number,
): RecordedMessage {
  return {
    direction,
    type: typeName(message.type),
    serial: message.serial,
    replySerial: message.replySerial ?? null,
    sender: message.sender ?? null,
    destination: message.destination ?? null,
    path: message.path ?? null,
    interface: message.interface ?? null,
    member: message.member ?? null,
    errorName: message.errorName ?? null,
    signature: message.signature || null,
    body: toJsonSafe(message.body) as unknown[],
    atMs,
    size,
  };
}

export class Recorder {
  private readonly origin = performance.now();
  readonly startedAt = new Date().toISOString();
  readonly messages: RecordedMessage[] = [];
  readonly reads: RecordedRead[] = [];
  readonly auth: RecordedAuthLine[] = [];
  private readonly rawBytes: Buffer[] = [];

  now(): number {
    return round(performance.now() - this.origin);
  }

  authLine(direction: 'sent' | 'received', line: string): void {
    this.auth.push({ direction, line, atMs: this.now() });
  }

  /** Records a message; returns its index. */
  message(direction: 'sent' | 'received', message: Message, bytes: Buffer, atMs = this.now()): number {
    this.messages.push(recordedMessage(direction, message, bytes.length, atMs));
    this.rawBytes.push(bytes);
    return this.messages.length - 1;
  }

  read(bytes: number, completes: number[], atMs = this.now()): void {
    this.reads.push({ atMs, bytes, completes });
  }

  /** Adds messages to the latest read (the one that ended authentication also carried messages). */
  completeInLastRead(completes: number[]): void {
    const last = this.reads[this.reads.length - 1];
    if (last) last.completes.push(...completes);
    else this.read(0, completes);
  }

  /** Marks a received reply whose call had already timed out. */
  markLate(index: number): void {
    const message = this.messages[index];
    if (message) message.note = 'late reply: its call had already timed out';
  }

  result(
    call: number | null,
    reply: number | null,
    error: { name: string; message: string } | null,
  ): DetailedRecording {
    return {
      messages: this.messages,
      reads: this.reads,
      reply,
      error,
      auth: this.auth,
      raw: this.rawBytes.map((bytes) => bytes.toString('base64')),
      call,
      startedAt: this.startedAt,
    };
  }
}
