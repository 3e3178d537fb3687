// Records one program connection as it passes. The hot path keeps only each transfer's bytes and
// time (the buffer the socket gave, never a copy): framing and decoding wait until someone asks for
// the recording, so forwarding costs one array push per read.
import { performance } from 'node:perf_hooks';
import {
  decodeHeader,
  decodeMessage,
  Framer,
  recordedMessage,
  type RecordedAuthLine,
  type RecordedFault,
  type RecordedMessage,
} from '../../../wire/src/index';
import type { ConnectionEnd, ProxiedConnection } from './recording';

export interface LoggedMessage {
  frame: Buffer;
  fault?: RecordedFault;
  note?: string;
}

interface Transfer {
  atMs: number;
  /** Bytes the read or write moved (auth lines included). */
  size: number;
  /** Message bytes still to be framed; null once framed (or when the messages were given whole). */
  data: Buffer[] | null;
  messages: LoggedMessage[];
  /** Logging order: breaks ties between the two directions' times. */
  order: number;
}

/** Frames one direction's transfers lazily, keeping the framer's state between calls. */
class Stream {
  readonly transfers: Transfer[] = [];
  private readonly framer = new Framer();
  private framed = 0;
  problem: string | null = null;

  settle(): void {
    for (; this.framed < this.transfers.length; this.framed++) {
      const transfer = this.transfers[this.framed];
      if (!transfer.data) continue;
      const frames: Buffer[] = [];
      if (this.problem === null) {
        try {
          for (const data of transfer.data) this.framer.push(data, frames);
        } catch (error) {
          this.problem = (error as Error).message;
        }
      }
      transfer.messages.push(...frames.map((frame) => ({ frame })));
      transfer.data = null;
    }
  }

  get pending(): number {
    this.settle();
    return this.framer.pending;
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export class ConnectionLog {
  private readonly origin = performance.now();
  readonly startedAt = new Date().toISOString();
  /** The program's writes, as the proxy read them. */
  private readonly fromProgram = new Stream();
  /** The proxy's writes to the program: what the program could read. */
  private readonly toProgram = new Stream();
  private readonly dropped: (LoggedMessage & { atMs: number; order: number })[] = [];
  private readonly auth: RecordedAuthLine[] = [];
  private order = 0;
  /** Each message decoded once, however often the recording is asked for (a live view asks every tick). */
  private readonly decodedByFrame = new WeakMap<Buffer, { message: RecordedMessage; raw: string }>();
  /** Bumped by everything recorded: a reader that saw the same count has nothing new to show. */
  changes = 0;
  end: ConnectionEnd | null = null;

  constructor(readonly id: number) {}

  now(): number {
    return round(performance.now() - this.origin);
  }

  authLine(direction: 'sent' | 'received', line: string): void {
    this.auth.push({ direction, line, atMs: this.now() });
    this.changes++;
  }

  /** A write of the program's: `size` bytes, of which `data` (if any) is message stream. */
  programWrote(size: number, data: Buffer | null): void {
    this.fromProgram.transfers.push(this.transfer(size, data));
    this.changes++;
  }

  /** Message bytes that came in the program's latest write, after its BEGIN. */
  programWroteAfterBegin(data: Buffer): void {
    const last = this.fromProgram.transfers[this.fromProgram.transfers.length - 1];
    if (last) (last.data ??= []).push(data);
    else this.programWrote(0, data);
    this.changes++;
  }

  /** A write to the program: raw message stream (`data`), or whole messages the faults decided on. */
  programGot(size: number, data: Buffer | null, messages: LoggedMessage[] = []): void {
    const transfer = this.transfer(size, data);
    transfer.messages.push(...messages);
    this.toProgram.transfers.push(transfer);
    this.changes++;
  }

  /** A message from the bus the program never got (drop-reply). */
  neverDelivered(message: LoggedMessage): void {
    this.dropped.push({ ...message, atMs: this.now(), order: this.order++ });
    this.changes++;
  }

  /** Bytes of an unfinished message from the program, or to it. */
  pending(direction: 'fromProgram' | 'toProgram'): number {
    return this[direction].pending;
  }

  /** The first close wins: its cause is the one the user needs. */
  finish(by: ConnectionEnd['by'], problem: string | null): void {
    this.end ??= { atMs: this.now(), by, problem };
    this.changes++;
  }

  snapshot(): ProxiedConnection {
    this.fromProgram.settle();
    this.toProgram.settle();
    type Entry = LoggedMessage & { direction: 'sent' | 'received'; atMs: number; order: number; sub: number };
    const entries: Entry[] = [];
    const collect = (transfers: Transfer[], direction: Entry['direction']) =>
      transfers.forEach((transfer) =>
        transfer.messages.forEach((message, sub) =>
          entries.push({ ...message, direction, atMs: transfer.atMs, order: transfer.order, sub }),
        ),
      );
    collect(this.fromProgram.transfers, 'sent');
    collect(this.toProgram.transfers, 'received');
    for (const message of this.dropped) entries.push({ ...message, direction: 'received', sub: 0 });
    entries.sort((a, b) => a.atMs - b.atMs || a.order - b.order || a.sub - b.sub);
    // Every message has a Buffer of its own: its frame identifies it.
    const byFrame = new Map<Buffer, number>();
    entries.forEach((entry, i) => byFrame.set(entry.frame, i));
    const completes = (transfer: Transfer) => transfer.messages.map((m) => byFrame.get(m.frame)!);
    const streamProblem = this.fromProgram.problem
      ? `the program's bytes stopped being D-Bus: ${this.fromProgram.problem}`
      : this.toProgram.problem
        ? `the bus's bytes stopped being D-Bus: ${this.toProgram.problem}`
        : null;
    const problem = this.end?.problem ?? streamProblem;
    const decodedEntries = entries.map((entry) => {
      let known = this.decodedByFrame.get(entry.frame);
      if (!known)
        this.decodedByFrame.set(
          entry.frame,
          (known = { message: decoded(entry), raw: entry.frame.toString('base64') }),
        );
      return known;
    });
    return {
      id: this.id,
      messages: decodedEntries.map((entry) => entry.message),
      reads: this.toProgram.transfers.map((t) => ({ atMs: t.atMs, bytes: t.size, completes: completes(t) })),
      writes: this.fromProgram.transfers.map((t) => ({ atMs: t.atMs, bytes: t.size, completes: completes(t) })),
      auth: [...this.auth],
      raw: decodedEntries.map((entry) => entry.raw),
      reply: null,
      call: null,
      error: problem ? { name: 'org.freedesktop.DBus.Error.Disconnected', message: problem } : null,
      startedAt: this.startedAt,
      end: this.end,
    };
  }

  private transfer(size: number, data: Buffer | null): Transfer {
    return { atMs: this.now(), size, data: data ? [data] : null, messages: [], order: this.order++ };
  }
}

function decoded(logged: LoggedMessage & { direction: 'sent' | 'received'; atMs: number }): RecordedMessage {
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
