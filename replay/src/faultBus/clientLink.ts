// One program connection through the proxy: its own connection to the bus, the SASL relay, then
// messages framed both ways. The program's bytes always go to the bus as they came, write for write.
// Without faults the bus's bytes go back the same way; with faults they go through the faulted stream.
import { createConnection, type Socket } from 'node:net';
import { decodeHeader, Framer, type Transport } from '../../../wire/src/index';
import { ConnectionLog } from './connectionLog';
import { FaultedStream, type FaultSet } from './faultedStream';
import type { CallMatch } from './match';
import { ProgramWriter } from './programWriter';
import { SaslRelay } from './saslRelay';

export interface Upstream {
  transport: Transport;
  /** The bus as the user named it, for errors. */
  label: string;
}

function connectTo(transport: Transport): Socket {
  return transport.kind === 'unix'
    ? createConnection({ path: transport.abstract ? `\0${transport.path}` : transport.path })
    : createConnection({ host: transport.host, port: transport.port }).setNoDelay(true);
}

export class ClientLink {
  readonly log: ConnectionLog;
  private readonly bus: Socket;
  private readonly sasl: SaslRelay;
  private readonly fromProgram = new Framer();
  private readonly fromBus = new Framer();
  private readonly frames: Buffer[] = [];
  private programMessages = false;
  private busMessages = false;
  private connected = false;
  private ended = false;
  private readonly writer: ProgramWriter | null;
  private readonly stream: FaultedStream | null;

  constructor(
    id: number,
    private readonly program: Socket,
    private readonly upstream: Upstream,
    faults: FaultSet | null,
    matches: CallMatch[],
    private readonly onEnd: (link: ClientLink) => void,
  ) {
    this.log = new ConnectionLog(id);
    this.writer = faults ? new ProgramWriter(program, this.log, faults.split) : null;
    this.stream = faults && this.writer ? new FaultedStream(faults, matches, this.writer, this.log) : null;
    this.sasl = new SaslRelay({
      toBus: (bytes) => this.bus.write(bytes),
      toProgram: (bytes) => {
        this.log.programGot(bytes.length, null);
        this.program.write(bytes);
      },
      line: (direction, line) => this.log.authLine(direction, line),
      programBegan: (rest) => {
        this.programMessages = true;
        if (rest.length) this.programData(rest, false);
      },
      busBegan: (rest) => {
        this.busMessages = true;
        if (rest.length) this.busData(rest);
      },
    });
    this.bus = connectTo(upstream.transport);
    this.bus.once('connect', () => {
      this.connected = true;
      program.resume();
    });
    this.bus.on('data', (chunk: Buffer) => this.guard('bus', () => this.busData(chunk)));
    this.bus.on('error', (error) => this.busClosed(error));
    this.bus.on('close', () => this.busClosed(null));
    program.on('data', (chunk: Buffer) => this.guard('program', () => this.programData(chunk, true)));
    program.on('error', (error) => this.programClosed(error));
    program.on('close', () => this.programClosed(null));
  }

  /** Ends both sides (the proxy is stopping). */
  stop(): void {
    this.finish('proxy', null);
  }

  private guard(from: 'program' | 'bus', work: () => void): void {
    if (this.ended) return;
    try {
      work();
    } catch (error) {
      const who = from === 'program' ? 'the program' : 'the bus';
      this.finish(
        from,
        `${who} sent bytes the proxy cannot frame (${(error as Error).message}); both sides were disconnected`,
      );
    }
  }

  private programData(chunk: Buffer, wholeWrite: boolean): void {
    if (!this.programMessages) {
      this.log.programWrote(chunk.length, null);
      this.sasl.fromProgram(chunk);
      return;
    }
    // The bytes after BEGIN came in the write that carried BEGIN: already counted.
    if (wholeWrite) this.log.programWrote(chunk.length, chunk);
    else this.log.programWroteAfterBegin(chunk);
    if (this.stream) {
      // Framed (and the calls noted) before forwarding, so a reply never comes back before its call is known.
      this.fromProgram.push(chunk, this.frames);
      for (const frame of this.frames) this.stream.fromProgram(decodeHeader(frame).message);
      this.frames.length = 0;
    }
    this.forward(this.bus, chunk, this.program);
  }

  private busData(chunk: Buffer): void {
    if (!this.busMessages) {
      this.sasl.fromBus(chunk);
      return;
    }
    if (this.stream) {
      this.fromBus.push(chunk, this.frames);
      for (const frame of this.frames) this.stream.fromBus(frame, decodeHeader(frame).message);
      this.frames.length = 0;
      return;
    }
    this.log.programGot(chunk.length, chunk);
    this.forward(this.program, chunk, this.bus);
  }

  /** Writes `chunk` to `to`; while `to` cannot take more, stops reading `from`. */
  private forward(to: Socket, chunk: Buffer, from: Socket): void {
    if (!to.write(chunk)) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  }

  private programClosed(error: Error | null): void {
    const pending = this.log.pending('fromProgram');
    const problem =
      pending > 0
        ? `the program closed its connection in the middle of a message (${pending} bytes of it had come, and went on to the bus)`
        : error
          ? `the program's connection failed: ${error.message}`
          : null;
    this.finish('program', problem);
  }

  private busClosed(error: Error | null): void {
    if (!this.connected) {
      this.finish(
        'proxy',
        `cannot connect to the bus at ${this.upstream.label}: ${error?.message ?? 'closed'} (is the bus running? start it, or pass another --address)`,
      );
      return;
    }
    const pending = this.stream ? this.fromBus.pending : this.log.pending('toProgram');
    const where = pending > 0 ? ' in the middle of a message' : '';
    this.finish(
      'bus',
      `the bus at ${this.upstream.label} closed the connection${where}${error ? ` (${error.message})` : ''}: it stopped, or dropped this program; the program was disconnected too`,
    );
  }

  private finish(by: 'program' | 'bus' | 'proxy', problem: string | null): void {
    if (this.ended) return;
    this.ended = true;
    this.log.finish(by, problem);
    this.stream?.close();
    this.writer?.close();
    // Ended, and read to their end (a program still paused at accept would otherwise never close).
    this.program.end();
    this.program.resume();
    this.bus.end();
    this.onEnd(this);
  }
}
