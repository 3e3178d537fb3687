// Writes to the program, in order, one step at a time: a step is one socket write, optionally after
// a pause. A message is recorded as the program received it when the write carrying its last byte
// goes out, so the recording's reads are the proxy's writes.
import type { Socket } from 'node:net';
import type { RecordedFault } from '../../../wire/src/index';
import type { ConnectionLog } from './connectionLog';
import { FAULT_PAUSE_MS } from './faults';

export interface OutMessage {
  frame: Buffer;
  fault?: RecordedFault;
  note?: string;
}

interface Step {
  bytes: Buffer;
  /** Messages whose last byte is in this write. */
  completes: OutMessage[];
  pauseBeforeMs: number;
}

/** Where split cuts a message: every N bytes, or by default between the header and the body. */
function cutPoints(frame: Buffer, pieceBytes: number | null): number[] {
  if (pieceBytes !== null) {
    const points: number[] = [];
    for (let at = pieceBytes; at < frame.length; at += pieceBytes) points.push(at);
    return points;
  }
  const littleEndian = frame[0] === 0x6c;
  const fieldsLength = littleEndian ? frame.readUInt32LE(12) : frame.readUInt32BE(12);
  const bodyStart = 16 + ((fieldsLength + 7) & ~7);
  // No body: the fixed header, then the header fields.
  return [bodyStart < frame.length ? bodyStart : 16];
}

/** The message as recorded when the connection closed before the proxy delivered it. */
export function undelivered(message: OutMessage): OutMessage {
  const why = 'never delivered: the connection closed first';
  return { ...message, note: message.note ? `${message.note}; ${why}` : why };
}

export class ProgramWriter {
  private readonly steps: Step[] = [];
  private waiting = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly log: ConnectionLog,
    /** Non-null when split is on: bytes per piece, or null for header and body apart. */
    private readonly split: { pieceBytes: number | null } | null,
  ) {}

  /** Queues `messages` as one write (or, when `cut` and split is on, one write per piece). */
  write(messages: OutMessage[], options: { pauseBeforeMs?: number; cut?: boolean } = {}): void {
    if (this.closed || messages.length === 0) return;
    let pauseBeforeMs = options.pauseBeforeMs ?? 0;
    if (this.split && options.cut) {
      for (const message of messages) {
        const points = cutPoints(message.frame, this.split.pieceBytes);
        const marked: OutMessage = { ...message, fault: message.fault ?? { name: 'split', action: 'split' } };
        let from = 0;
        for (const to of [...points, message.frame.length]) {
          this.steps.push({
            bytes: message.frame.subarray(from, to),
            completes: to === message.frame.length ? [marked] : [],
            pauseBeforeMs,
          });
          pauseBeforeMs = FAULT_PAUSE_MS;
          from = to;
        }
      }
    } else {
      const bytes = messages.length === 1 ? messages[0].frame : Buffer.concat(messages.map((m) => m.frame));
      this.steps.push({ bytes, completes: messages, pauseBeforeMs });
    }
    this.pump();
  }

  /** Stops writing (the program is gone); what was still queued is recorded as never delivered. */
  close(): void {
    this.closed = true;
    for (const step of this.steps) for (const message of step.completes) this.log.neverDelivered(undelivered(message));
    this.steps.length = 0;
  }

  private pump(): void {
    while (!this.waiting && !this.closed && this.steps.length > 0) {
      const step = this.steps[0];
      if (step.pauseBeforeMs > 0) {
        this.waiting = true;
        const pause = step.pauseBeforeMs;
        step.pauseBeforeMs = 0;
        setTimeout(() => {
          this.waiting = false;
          this.pump();
        }, pause);
        return;
      }
      this.steps.shift();
      this.log.programGot(step.bytes.length, null, step.completes);
      this.socket.write(step.bytes);
    }
  }
}
