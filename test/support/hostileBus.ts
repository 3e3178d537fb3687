// Hostile peers of our own on a unix socket, for faults no real bus produces on demand: a bus that never
// finishes auth, one that never answers Hello, one whose error reply carries terminal escape sequences,
// one that dies after the first run. It speaks just enough D-Bus (SASL, Hello, one call) with our marshaller.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_NAME, decodeMessage, encodeMessage, MessageType, type Message } from '../../wire/src/index';
import { Framer } from '../../wire/src/framer';

export type Hostility =
  /** Reads everything, answers nothing: the SASL exchange never ends. */
  | 'silent-auth'
  /** Authenticates, then never answers Hello. */
  | 'no-hello'
  /** Answers the call with an error whose name and text hold ESC sequences (clear screen, set title). */
  | 'escape-error'
  /** Answers one call, then closes every connection and stops listening: a bus killed mid `--repeat`. */
  | 'dies-after-one'
  /** Answers every call: a well-behaved bus, to interrupt a long `--repeat` on. */
  | 'answers'
  /** Answers the call with bytes that are no D-Bus message (a bad endianness mark). */
  | 'garbage-reply';

export interface HostileBus {
  address: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/** What `escape-error` sends: a clear-screen and a window-title sequence, in the error's text. */
export const ESCAPES = '\u001b[2J\u001b]0;owned\u0007';
const UNIQUE = ':1.1';

function serve(socket: Socket, hostility: Hostility, onCall: () => void): void {
  if (hostility === 'silent-auth') {
    socket.resume();
    return;
  }
  let authenticated = false;
  let text = '';
  let serial = 0;
  const framer = new Framer();
  const send = (message: Omit<Message, 'flags' | 'serial'>) =>
    socket.write(encodeMessage({ flags: 0, serial: 0, ...message }, ++serial));

  const onMessage = (message: Message) => {
    if (message.type !== MessageType.METHOD_CALL) return;
    if (message.member === 'Hello') {
      if (hostility === 'no-hello') return;
      send({
        type: MessageType.METHOD_RETURN,
        replySerial: message.serial,
        sender: BUS_NAME,
        destination: UNIQUE,
        signature: 's',
        body: [UNIQUE],
      });
      return;
    }
    if (hostility === 'garbage-reply') {
      socket.write(Buffer.from('X\u0002\u0000\u0001garbage that is no D-Bus header at all', 'latin1'));
      return;
    }
    if (hostility === 'escape-error') {
      send({
        type: MessageType.ERROR,
        replySerial: message.serial,
        errorName: 'com.example.Error.Hostile',
        sender: BUS_NAME,
        destination: UNIQUE,
        signature: 's',
        body: [`denied${ESCAPES}`],
      });
      return;
    }
    send({
      type: MessageType.METHOD_RETURN,
      replySerial: message.serial,
      sender: BUS_NAME,
      destination: UNIQUE,
      signature: 's',
      body: ['pong'],
    });
    onCall();
  };

  const onBinary = (chunk: Buffer) => {
    const frames: Buffer[] = [];
    framer.push(chunk, frames);
    for (const frame of frames) onMessage(decodeMessage(frame));
  };

  socket.on('data', (chunk: Buffer) => {
    if (authenticated) return onBinary(chunk);
    text += chunk.toString('latin1');
    let end: number;
    while (!authenticated && (end = text.indexOf('\r\n')) >= 0) {
      const line = text.slice(0, end).replace(/^\0/, '');
      text = text.slice(end + 2);
      if (line.startsWith('AUTH')) socket.write('OK 0123456789abcdef0123456789abcdef\r\n');
      else if (line === 'BEGIN') authenticated = true;
      else socket.write('ERROR\r\n');
    }
    if (authenticated && text.length) {
      const rest = Buffer.from(text, 'latin1');
      text = '';
      onBinary(rest);
    }
  });
  socket.on('error', () => socket.destroy());
}

export async function startHostileBus(hostility: Hostility): Promise<HostileBus> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-hostile-'));
  const path = join(dir, 'bus');
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  };
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, hostility, () => {
      // After the reply is written: the client has its answer, then the bus is gone for good.
      if (hostility === 'dies-after-one') socket.end(() => void close());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return {
    address: `unix:path=${path}`,
    get connections() {
      return connections;
    },
    close,
  };
}
