// The faults, applied to the messages the bus sends the program. The program's calls say which
// replies the faults act on; the connection's setup (Hello and its reply) passes untouched unless a
// --match names Hello.
import { encodeMessage, MessageFlag, MessageType, type Message } from '../../../wire/src/index';
import type { Fault } from './faults';
import { FAULT_PAUSE_MS } from './faults';
import { callMatches, matchesNameHello, type CallMatch } from './match';
import type { ConnectionLog } from './connectionLog';
import { undelivered, type OutMessage, type ProgramWriter } from './programWriter';

const BUS_NAME = 'org.freedesktop.DBus';

export interface FaultSet {
  lateSignal: boolean;
  split: { pieceBytes: number | null } | null;
  coalesce: boolean;
  staleReply: boolean;
  dropReply: boolean;
  delayReplyMs: number | null;
}

export function faultSet(faults: Fault[]): FaultSet {
  const set: FaultSet = {
    lateSignal: false,
    split: null,
    coalesce: false,
    staleReply: false,
    dropReply: false,
    delayReplyMs: null,
  };
  for (const fault of faults) {
    if (fault.kind === 'late-signal') set.lateSignal = true;
    else if (fault.kind === 'split') set.split = { pieceBytes: fault.pieceBytes };
    else if (fault.kind === 'coalesce') set.coalesce = true;
    else if (fault.kind === 'stale-reply') set.staleReply = true;
    else if (fault.kind === 'drop-reply') set.dropReply = true;
    else set.delayReplyMs = fault.ms;
  }
  return set;
}

export class FaultedStream {
  private setupDone: boolean;
  private helloSerial: number | null = null;
  /** Serials of the program's calls whose replies the faults act on. */
  private readonly faulted = new Set<number>();
  private readonly callSerials: number[] = [];
  private heldSignals: OutMessage[] = [];
  private coalesced: OutMessage[] = [];
  private nextInjectedSerial = 0xffffffff;
  /** Delayed replies, by their timer. */
  private readonly timers = new Map<NodeJS.Timeout, OutMessage>();

  constructor(
    private readonly faults: FaultSet,
    private readonly matches: CallMatch[],
    private readonly writer: ProgramWriter,
    private readonly log: ConnectionLog,
  ) {
    this.setupDone = matchesNameHello(matches);
  }

  fromProgram(message: Message): void {
    if (message.type !== MessageType.METHOD_CALL) return;
    if (!this.setupDone) {
      if (message.member === 'Hello' && message.destination === BUS_NAME) {
        this.helloSerial = message.serial;
        this.callSerials.push(message.serial);
        return;
      }
      // A program that never says Hello (or says it late): its first other call ends the setup.
      this.setupDone = true;
    }
    this.callSerials.push(message.serial);
    if ((message.flags & MessageFlag.NO_REPLY_EXPECTED) === 0 && callMatches(this.matches, message))
      this.faulted.add(message.serial);
  }

  fromBus(frame: Buffer, message: Message): void {
    const isReply = message.type === MessageType.METHOD_RETURN || message.type === MessageType.ERROR;
    if (!this.setupDone) {
      this.writer.write([{ frame }]);
      if (isReply && message.replySerial === this.helloSerial) this.setupDone = true;
      return;
    }
    if (isReply && this.faulted.delete(message.replySerial!)) {
      this.faultedReply(frame, message);
      return;
    }
    if (this.faults.lateSignal && message.type === MessageType.SIGNAL) {
      this.heldSignals.push({
        frame,
        fault: { name: 'late-signal', action: 'held' },
        note: `held by late-signal from ${this.log.now()} ms until the reply to the program's next call`,
      });
      return;
    }
    if (this.faults.coalesce) {
      if (!isReply) {
        this.coalesced.push({ frame, fault: { name: 'coalesce', action: 'coalesced' } });
        return;
      }
      this.writer.write([...this.takeCoalesced(), { frame }], { cut: true });
      return;
    }
    this.writer.write([{ frame }], { cut: true });
  }

  /** The connection is gone: what the faults still held is recorded as never delivered. */
  close(): void {
    for (const [timer, reply] of this.timers) {
      clearTimeout(timer);
      this.log.neverDelivered(undelivered(reply));
    }
    this.timers.clear();
    for (const message of [...this.heldSignals, ...this.coalesced]) this.log.neverDelivered(undelivered(message));
    this.heldSignals = [];
    this.coalesced = [];
  }

  private faultedReply(frame: Buffer, reply: Message): void {
    if (this.faults.dropReply) {
      this.log.neverDelivered({
        frame,
        fault: { name: 'drop-reply', action: 'dropped' },
        note: 'swallowed by drop-reply: the program never got this reply',
      });
      return;
    }
    const delayMs = this.faults.delayReplyMs;
    if (delayMs === null) {
      this.deliverReply({ frame }, reply);
      return;
    }
    const delayed: OutMessage = {
      frame,
      fault: { name: 'delay-reply', action: 'delayed' },
      note: `held ${delayMs} ms by delay-reply`,
    };
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.deliverReply(delayed, reply);
    }, delayMs);
    this.timers.set(timer, delayed);
  }

  private deliverReply(out: OutMessage, reply: Message): void {
    let pauseBeforeMs = 0;
    if (this.faults.lateSignal && this.heldSignals.length > 0) {
      this.writer.write(this.heldSignals, { cut: true });
      this.heldSignals = [];
      pauseBeforeMs = FAULT_PAUSE_MS;
    }
    const before = this.takeCoalesced();
    if (this.faults.staleReply) before.push(this.staleReply(reply));
    this.writer.write([...before, out], { pauseBeforeMs, cut: true });
  }

  private takeCoalesced(): OutMessage[] {
    const held = this.coalesced;
    this.coalesced = [];
    return held;
  }

  /** A method return for an earlier call of the program, or for a serial it never sent. */
  private staleReply(reply: Message): OutMessage {
    const answered = reply.replySerial!;
    const earlier = this.callSerials.filter((serial) => serial < answered).pop();
    const replySerial = earlier ?? answered + 0x10000;
    const frame = encodeMessage(
      {
        type: MessageType.METHOD_RETURN,
        flags: MessageFlag.NO_REPLY_EXPECTED,
        serial: 0,
        replySerial,
        destination: reply.destination,
        sender: reply.sender,
        signature: 's',
        body: [`stale reply injected by the dbus-lint fault bus (reply serial ${replySerial}, not ${answered})`],
      },
      this.nextInjectedSerial--,
    );
    return {
      frame,
      fault: { name: 'stale-reply', action: 'injected' },
      note: `injected by stale-reply before the reply to serial ${answered}: its REPLY_SERIAL ${replySerial} ${earlier === undefined ? 'was never sent by the program' : 'names an earlier call'}`,
    };
  }
}
