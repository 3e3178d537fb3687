// A D-Bus connection: connects (trying address alternatives in order), authenticates, says Hello,
// then owns serial numbering and matches replies to calls by REPLY_SERIAL only. Everything else —
// signals, calls to us, replies nobody waits for (late, or stamped 0xFFFFFFFF by dbus-broker) — is
// dispatched as an event and recorded, never taken as a reply.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { parseAddress, sessionBusAddress, systemBusAddress, type Transport } from './address';
import { authenticate, PipelinedAuthRejected } from './auth';
import {
  CallTimeoutError,
  ConnectError,
  DBusErrorReply,
  DisconnectedError,
  InvalidNameError,
  ProtocolError,
} from './errors';
import { Framer } from './framer';
import { checkCallNames, decodeMessage, encodeMessage, MessageFlag, MessageType, type Message } from './message';
import type { Recorder } from './recorder';
import { SocketInput } from './socketInput';

/** Like libdbus and sd-bus. */
export const DEFAULT_CALL_TIMEOUT_MS = 25_000;
export const DEFAULT_AUTH_TIMEOUT_MS = 10_000;
export const BUS_NAME = 'org.freedesktop.DBus';
export const BUS_PATH = '/org/freedesktop/DBus';

export interface ConnectOptions {
  /** A D-Bus address; without it, `bus` picks the session (default) or system bus from the environment. */
  address?: string;
  bus?: 'session' | 'system';
  env?: NodeJS.ProcessEnv;
  /** Connect, SASL and Hello together, in ms (default 10 000). */
  authTimeoutMs?: number;
  /** Send AUTH, BEGIN and Hello in one write (default true); falls back to step by step if refused. */
  pipelineAuth?: boolean;
  negotiateUnixFd?: boolean;
  /** Call Hello after auth (default true; false only for peer-to-peer connections). */
  hello?: boolean;
  recorder?: Recorder;
}

export interface CallSpec {
  destination?: string;
  path: string;
  interface?: string;
  member: string;
  signature?: string;
  body?: unknown[];
  /** Default 25 000 ms. */
  timeoutMs?: number;
  noAutoStart?: boolean;
}

export interface SignalSpec {
  path: string;
  interface: string;
  member: string;
  destination?: string;
  signature?: string;
  body?: unknown[];
}

interface PendingCall {
  resolve: (reply: Message) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ConnectionEvents {
  message: [Message];
  signal: [Message];
  methodCall: [Message];
  /** A method return or error that no pending call waits for; `late` if its call timed out. */
  unmatchedReply: [Message, { late: boolean }];
  close: [Error];
}

const MAX_REMEMBERED_TIMEOUTS = 4096;
const PEER_INTERFACE = 'org.freedesktop.DBus.Peer';

function machineId(): string | null {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(file, 'utf8').trim();
      if (/^[0-9a-f]{32}$/.test(id)) return id;
    } catch {
      // Try the next location.
    }
  }
  return null;
}

export function resolveAddress(options: ConnectOptions): string {
  const env = options.env ?? process.env;
  if (options.address) return options.address;
  return options.bus === 'system' ? systemBusAddress(env) : sessionBusAddress(env);
}

// Seen with strace on Node 20: connect() gets the whole 108-byte sun_path, the name padded with NULs,
// while D-Bus servers bind the name at its exact length, so the two names differ.
const ABSTRACT_HINT = `(Node.js ${process.version} pads abstract socket names with NUL bytes and cannot reach a D-Bus abstract socket, which uses the exact name length: use a unix:path= address for this bus)`;

function connectSocket(transport: Transport, timeoutMs: number, input: SocketInput): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const { onread } = input;
    const socket =
      transport.kind === 'unix'
        ? createConnection({ path: transport.abstract ? `\0${transport.path}` : transport.path, onread })
        : createConnection({ host: transport.host, port: transport.port, onread });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(transport.kind === 'unix' && transport.abstract ? new Error(`${error.message} ${ABSTRACT_HINT}`) : error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      if (transport.kind === 'tcp') socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

export class Connection extends EventEmitter<ConnectionEvents> {
  uniqueName: string | null = null;
  guid = '';
  private nextSerial = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly timedOut = new Set<number>();
  private readonly framer = new Framer(true);
  private readonly frames: Buffer[] = [];
  private corked = false;
  private closeReason: Error | null = null;
  private readonly closedPromise: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    private readonly input: SocketInput,
    readonly recorder: Recorder | undefined,
  ) {
    super();
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', (error) => {
      this.closeReason ??= new DisconnectedError(error.message);
    });
    socket.on('close', () => this.onClose());
  }

  /** Connects, authenticates and (by default) says Hello. Throws AddressError, ConnectError or AuthError. */
  static async open(options: ConnectOptions = {}): Promise<Connection> {
    const address = resolveAddress(options);
    const transports = parseAddress(address, options.env ?? process.env);
    // One deadline over every step of connecting: a peer stalling each step in turn cannot multiply it.
    const deadline = performance.now() + (options.authTimeoutMs ?? DEFAULT_AUTH_TIMEOUT_MS);
    const left = () => Math.max(1, Math.round(deadline - performance.now()));
    const attempts: { transport: string; reason: string }[] = [];
    for (const transport of transports) {
      // A refused pipelined handshake is retried once, step by step, on a new socket.
      for (const pipeline of (options.pipelineAuth ?? true) ? [true, false] : [false]) {
        let socket: Socket;
        const input = new SocketInput();
        try {
          socket = await connectSocket(transport, left(), input);
        } catch (error) {
          attempts.push({ transport: transport.text, reason: (error as Error).message });
          break;
        }
        const connection = new Connection(socket, input, options.recorder);
        try {
          await connection.start(transport, options, pipeline, left);
          return connection;
        } catch (error) {
          connection.destroy();
          if (!(error instanceof PipelinedAuthRejected)) throw error;
        }
      }
    }
    throw new ConnectError(address, attempts);
  }

  /** `left`: the milliseconds left of the connect timeout (Hello is part of connecting, not an ordinary call). */
  private async start(
    transport: Transport,
    options: ConnectOptions,
    pipeline: boolean,
    left: () => number,
  ): Promise<void> {
    const recorder = this.recorder;
    const hello = options.hello ?? true;
    let helloReply: Promise<Message> | null = null;
    let helloBytes: Buffer | undefined;
    let helloMessage: Message | undefined;
    let beginAt = 0;
    if (hello && pipeline) {
      helloMessage = this.helloMessage();
      helloBytes = encodeMessage(helloMessage, helloMessage.serial);
      helloReply = this.expectReply(helloMessage.serial, 'Hello', left());
      // Rejected only if the pipelined auth fails, and then nobody awaits it.
      helloReply.catch(() => undefined);
    }
    const auth = await authenticate(this.socket, this.input, {
      timeoutMs: left(),
      pipeline,
      negotiateUnixFd: options.negotiateUnixFd ?? false,
      expectedGuid: transport.guid,
      afterBegin: helloBytes,
      onLine: (direction, line) => {
        recorder?.authLine(direction, line);
        if (line === 'BEGIN') beginAt = recorder?.now() ?? 0;
      },
      onRead: recorder ? (bytes) => recorder.read(bytes, []) : undefined,
    });
    this.guid = auth.guid;
    // The Hello written with BEGIN is recorded once the server accepted the auth it rode with.
    if (helloMessage && helloBytes) recorder?.message('sent', helloMessage, helloBytes, beginAt);
    if (auth.leftover.length) this.onData(auth.leftover, true);
    this.input.consume((chunk) => this.onData(chunk, false));
    if (hello) {
      const reply = await (helloReply ??
        this.call({
          destination: BUS_NAME,
          path: BUS_PATH,
          interface: BUS_NAME,
          member: 'Hello',
          timeoutMs: left(),
        }));
      this.uniqueName = String(reply.body[0]);
    }
  }

  private helloMessage(): Message {
    return {
      type: MessageType.METHOD_CALL,
      flags: 0,
      serial: this.allocateSerial(),
      destination: BUS_NAME,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'Hello',
      body: [],
    };
  }

  get closed(): boolean {
    return this.socket.destroyed;
  }

  /** Calls on the bus; how many calls wait for replies. */
  get pendingCalls(): number {
    return this.pending.size;
  }

  private allocateSerial(): number {
    let serial: number;
    do {
      serial = this.nextSerial;
      this.nextSerial = serial >= 0xffffffff ? 1 : serial + 1;
    } while (this.pending.has(serial));
    return serial;
  }

  private write(message: Message, bytes: Buffer): void {
    this.recorder?.message('sent', message, bytes);
    // Writes made in one tick go out together (one writev), which is what pipelined calls need.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  /** Sends any message; assigns and returns its serial. Throws MarshalError/SignatureError/DisconnectedError. */
  send(message: Message): number {
    if (this.closed) throw this.closeReason ?? new DisconnectedError('the connection is closed');
    const serial = this.allocateSerial();
    const bytes = encodeMessage(message, serial);
    message.serial = serial;
    this.write(message, bytes);
    return serial;
  }

  private expectReply(serial: number, target: string, timeoutMs: number): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial);
        this.timedOut.add(serial);
        if (this.timedOut.size > MAX_REMEMBERED_TIMEOUTS) this.timedOut.delete(this.timedOut.values().next().value!);
        reject(new CallTimeoutError(serial, timeoutMs, target));
      }, timeoutMs);
      this.pending.set(serial, { resolve, reject, timer });
    });
  }

  /**
   * Calls a method and resolves with the METHOD_RETURN whose REPLY_SERIAL is this call's serial.
   * Rejects with DBusErrorReply, CallTimeoutError, DisconnectedError, or MarshalError for bad arguments.
   */
  call(spec: CallSpec): Promise<Message> {
    let message: Message;
    let serial: number;
    let bytes: Buffer;
    try {
      message = this.callMessage(spec, 0);
      if (this.closed) throw this.closeReason ?? new DisconnectedError('the connection is closed');
      serial = this.allocateSerial();
      bytes = encodeMessage(message, serial);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    message.serial = serial;
    const target = `${spec.destination ?? '(no destination)'} ${spec.path} ${spec.interface ? spec.interface + '.' : ''}${spec.member}`;
    const reply = this.expectReply(serial, target, spec.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
    this.write(message, bytes);
    return reply;
  }

  /** Sends a call flagged NO_REPLY_EXPECTED; returns its serial. */
  callNoReply(spec: CallSpec): number {
    return this.send(this.callMessage(spec, MessageFlag.NO_REPLY_EXPECTED));
  }

  /** Throws InvalidNameError before anything is sent: the bus would disconnect us for a bad header. */
  private callMessage(spec: CallSpec, flags: number): Message {
    const invalid = checkCallNames(spec);
    if (invalid) throw new InvalidNameError(invalid);
    return {
      type: MessageType.METHOD_CALL,
      flags: flags | (spec.noAutoStart ? MessageFlag.NO_AUTO_START : 0),
      serial: 0,
      destination: spec.destination,
      path: spec.path,
      interface: spec.interface,
      member: spec.member,
      signature: spec.signature,
      body: spec.body ?? [],
    };
  }

  /** Answers a method call we received (nothing is sent if the caller flagged NO_REPLY_EXPECTED). */
  reply(call: Message, signature = '', body: unknown[] = []): void {
    if (call.flags & MessageFlag.NO_REPLY_EXPECTED) return;
    this.send({
      type: MessageType.METHOD_RETURN,
      flags: MessageFlag.NO_REPLY_EXPECTED,
      serial: 0,
      replySerial: call.serial,
      destination: call.sender,
      signature,
      body,
    });
  }

  replyError(call: Message, errorName: string, text: string): void {
    if (call.flags & MessageFlag.NO_REPLY_EXPECTED) return;
    this.send({
      type: MessageType.ERROR,
      flags: MessageFlag.NO_REPLY_EXPECTED,
      serial: 0,
      replySerial: call.serial,
      destination: call.sender,
      errorName,
      signature: 's',
      body: [text],
    });
  }

  emitSignal(spec: SignalSpec): number {
    return this.send({
      type: MessageType.SIGNAL,
      flags: MessageFlag.NO_REPLY_EXPECTED,
      serial: 0,
      ...spec,
      body: spec.body ?? [],
    });
  }

  private onData(chunk: Buffer, continuesAuthRead: boolean): void {
    // A message's time is the time of the read that brought its last byte, taken before decoding.
    const at = this.recorder?.now() ?? 0;
    const frames = this.frames;
    frames.length = 0;
    let failure: ProtocolError | null = null;
    try {
      this.framer.push(chunk, frames);
    } catch (error) {
      failure = error as ProtocolError;
    }
    const messages: Message[] = [];
    for (const frame of frames) {
      try {
        messages.push(decodeMessage(frame));
      } catch (error) {
        failure = error as ProtocolError;
        break;
      }
    }
    const recorder = this.recorder;
    const indexes: number[] = [];
    if (recorder) {
      for (let i = 0; i < messages.length; i++) indexes.push(recorder.message('received', messages[i], frames[i], at));
      if (continuesAuthRead) recorder.completeInLastRead(indexes);
      else recorder.read(chunk.length, indexes, at);
    }
    for (let i = 0; i < messages.length; i++) this.dispatch(messages[i], indexes[i]);
    if (failure) {
      this.closeReason = failure;
      this.socket.destroy();
    }
  }

  private dispatch(message: Message, recordIndex: number | undefined): void {
    this.emit('message', message);
    switch (message.type) {
      case MessageType.METHOD_RETURN:
      case MessageType.ERROR: {
        const serial = message.replySerial!;
        const pending = this.pending.get(serial);
        if (!pending) {
          const late = this.timedOut.delete(serial);
          if (late && recordIndex !== undefined) this.recorder?.markLate(recordIndex);
          this.emit('unmatchedReply', message, { late });
          return;
        }
        this.pending.delete(serial);
        clearTimeout(pending.timer);
        if (message.type === MessageType.METHOD_RETURN) pending.resolve(message);
        else {
          const text = typeof message.body[0] === 'string' ? message.body[0] : '';
          pending.reject(new DBusErrorReply(message.errorName!, text, serial));
        }
        return;
      }
      case MessageType.SIGNAL:
        this.emit('signal', message);
        return;
      case MessageType.METHOD_CALL:
        if (message.interface === PEER_INTERFACE) this.answerPeer(message);
        else if (this.listenerCount('methodCall') > 0) this.emit('methodCall', message);
        else
          this.replyError(
            message,
            'org.freedesktop.DBus.Error.UnknownMethod',
            `no object at ${message.path} on this connection`,
          );
        return;
    }
  }

  /** org.freedesktop.DBus.Peer, which every connection implements (as libdbus, sd-bus and GDBus do). */
  private answerPeer(call: Message): void {
    if (call.member === 'Ping') this.reply(call);
    else if (call.member === 'GetMachineId') {
      const id = machineId();
      if (id) this.reply(call, 's', [id]);
      else
        this.replyError(
          call,
          'org.freedesktop.DBus.Error.FileNotFound',
          'no /etc/machine-id or /var/lib/dbus/machine-id',
        );
    } else
      this.replyError(
        call,
        'org.freedesktop.DBus.Error.UnknownMethod',
        `${PEER_INTERFACE} has no method ${call.member}`,
      );
  }

  private onClose(): void {
    const reason = this.closeReason ?? new DisconnectedError('the bus closed the connection');
    this.closeReason = reason;
    const failure = reason instanceof DisconnectedError ? reason : new DisconnectedError(reason.message);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.pending.clear();
    this.emit('close', reason);
  }

  /** Why the connection closed (null while open). */
  get closeError(): Error | null {
    return this.closed ? this.closeReason : null;
  }

  /** Closes the connection; pending calls fail with DisconnectedError. */
  async close(): Promise<void> {
    if (!this.socket.destroyed) {
      this.closeReason ??= new DisconnectedError('closed by this client');
      this.socket.end();
      this.socket.destroy();
    }
    await this.closedPromise;
  }

  private destroy(): void {
    this.socket.destroy();
  }
}
