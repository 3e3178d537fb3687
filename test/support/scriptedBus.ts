// A peer of our own on a unix socket that speaks just enough D-Bus (SASL, Hello, method calls) with our
// marshaller, for the sequences and faults a real daemon cannot be made to produce on demand. What it does
// with each call (and whether it authenticates or answers Hello at all) is the script's.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_NAME, decodeMessage, encodeMessage, MessageType, type Message } from '../../wire/src/index';
import { Framer } from '../../wire/src/framer';

/** The unique name every connection gets. */
export const UNIQUE = ':1.1';

export interface ScriptedBus {
  address: string;
  /** Connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

export interface Peer {
  socket: Socket;
  /** Writes a message from the bus to this connection, with the connection's next serial. */
  send(message: Omit<Message, 'flags' | 'serial' | 'sender' | 'destination'>): void;
}

export interface Script {
  /** Reads everything and answers nothing: the SASL exchange never ends. */
  silentAuth?: boolean;
  /** Authenticates, then never answers Hello. */
  ignoreHello?: boolean;
  /** Every method call after Hello. */
  onCall(call: Message, peer: Peer, bus: ScriptedBus): void;
}

function serve(socket: Socket, script: Script, bus: ScriptedBus): void {
  if (script.silentAuth) {
    socket.resume();
    return;
  }
  let authenticated = false;
  let text = '';
  let serial = 0;
  const framer = new Framer();
  const peer: Peer = {
    socket,
    send: (message) =>
      socket.write(encodeMessage({ flags: 0, serial: 0, sender: BUS_NAME, destination: UNIQUE, ...message }, ++serial)),
  };

  const onMessage = (message: Message) => {
    if (message.type !== MessageType.METHOD_CALL) return;
    if (message.member !== 'Hello') return script.onCall(message, peer, bus);
    if (!script.ignoreHello) {
      peer.send({ type: MessageType.METHOD_RETURN, replySerial: message.serial, signature: 's', body: [UNIQUE] });
    }
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
      // NEGOTIATE_UNIX_FD among them: this peer passes no file descriptors.
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

/** Listens in a fresh temporary folder (`name` names it); close() ends every connection and removes it. */
export async function startScriptedBus(name: string, script: Script): Promise<ScriptedBus> {
  const dir = mkdtempSync(join(tmpdir(), `dbus-lint-${name}-`));
  const path = join(dir, 'bus');
  const sockets = new Set<Socket>();
  let connections = 0;
  let closed = false;
  const bus: ScriptedBus = {
    address: `unix:path=${path}`,
    get connections() {
      return connections;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, script, bus);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return bus;
}
