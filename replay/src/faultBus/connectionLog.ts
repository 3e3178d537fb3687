// Records one program connection as it passes. The hot path only keeps each message's bytes and
// time (a view, never a copy); decoding waits until someone asks for the recording.
import { performance } from 'node:perf_hooks';
import {
  decodeHeader,
  decodeMessage,
  recordedMessage,
  type RecordedAuthLine,
  type RecordedFault,
  type RecordedMessage,
  type RecordedRead,
} from '../../../wire/src/index';
import type { ConnectionEnd, ProxiedConnection } from './recording';

interface LoggedMessage {
  direction: 'sent' | 'received';
  frame: Buffer;
  atMs: number;
  fault?: RecordedFault;
  note?: string;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export class ConnectionLog {
  private readonly origin = performance.now();
  readonly startedAt = new Date().toISOString();
  private readonly messages: LoggedMessage[] = [];
  /** The proxy's writes to the program: what the program could read. */
  private readonly reads: RecordedRead[] = [];
  private readonly writes: RecordedRead[] = [];
  private readonly auth: RecordedAuthLine[] = [];
  end: ConnectionEnd | null = null;

  constructor(readonly id: number) {}

  now(): number {
    return round(performance.now() - this.origin);
  }

  /** Records a message (sent: by the program; received: by the program, from the proxy); returns its index. */
  message(direction: 'sent' | 'received', frame: Buffer, fault?: RecordedFault, note?: string): number {
    this.messages.push({ direction, frame, atMs: this.now(), fault, note });
    return this.messages.length - 1;
  }

  authLine(direction: 'sent' | 'received', line: string): void {
    this.auth.push({ direction, line, atMs: this.now() });
  }

  programWrote(bytes: number, completes: number[]): void {
    this.writes.push({ atMs: this.now(), bytes, completes });
  }

  /** Adds messages to the program's latest write (the one that carried BEGIN also carried messages). */
  completeInLastWrite(completes: number[]): void {
    const last = this.writes[this.writes.length - 1];
    if (last) last.completes.push(...completes);
    else this.programWrote(0, completes);
  }

  programGot(bytes: number, completes: number[]): void {
    this.reads.push({ atMs: this.now(), bytes, completes });
  }

  /** The first close wins: its cause is the one the user needs. */
  finish(by: ConnectionEnd['by'], problem: string | null): void {
    this.end ??= { atMs: this.now(), by, problem };
  }

  snapshot(): ProxiedConnection {
    const messages = this.messages.map(decoded);
    return {
      id: this.id,
      messages,
      reads: [...this.reads],
      writes: [...this.writes],
      auth: [...this.auth],
      raw: this.messages.map((message) => message.frame.toString('base64')),
      reply: null,
      call: null,
      error: this.end?.problem ? { name: 'org.freedesktop.DBus.Error.Disconnected', message: this.end.problem } : null,
      startedAt: this.startedAt,
      end: this.end,
    };
  }
}

function decoded(logged: LoggedMessage): RecordedMessage {
  let recorded: RecordedMessage;
  try {
    recorded = recordedMessage(logged.direction, decodeMessage(logged.frame), logged.frame.length, logged.atMs);
  } catch (error) {
    // Forwarded untouched all the same: the bus judges it. The recording says why it shows no body.
    const header = headerOrNull(logged.frame);
    recorded = recordedMessage(
      logged.direction,
      header ?? { type: 1, flags: 0, serial: 0, body: [] },
      logged.frame.length,
      logged.atMs,
    );
    recorded.note = `not valid D-Bus, forwarded as it was: ${(error as Error).message}`;
  }
  if (logged.note) recorded.note = recorded.note ? `${logged.note}; ${recorded.note}` : logged.note;
  if (logged.fault) recorded.fault = logged.fault;
  return recorded;
}

function headerOrNull(frame: Buffer) {
  try {
    return decodeHeader(frame).message;
  } catch {
    return null;
  }
}
