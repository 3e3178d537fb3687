// A tiny fake bus on a unix socket, for the one sequence a real daemon cannot be made to produce on
// demand: NameAcquired and the reply in separate writes, so the recording has the signal alone in the
// first read after the call. It speaks just enough D-Bus (SASL EXTERNAL, Hello, one call) and writes
// with our own marshaller.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_NAME, BUS_PATH, decodeMessage, encodeMessage, MessageType, type Message } from '../../wire/src/index';
import { Framer } from '../../wire/src/framer';

export interface FakeBus {
  address: string;
  close(): Promise<void>;
}

/** Delay between the NameAcquired write and the reply write: long enough for the client to read them apart. */
const SPLIT_MS = 30;
const UNIQUE = ':1.1';

function serve(socket: Socket): void {
  let authenticated = false;
  let text = '';
  let serial = 0;
  const framer = new Framer();
  const send = (message: Omit<Message, 'flags' | 'serial'>) =>
    socket.write(encodeMessage({ flags: 0, serial: 0, ...message }, ++serial));

  const onMessage = (message: Message) => {
    if (message.type !== MessageType.METHOD_CALL) return;
    if (message.member === 'Hello') {
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
    // NameAcquired goes out only now, in its own write, and the reply a little later in another.
    send({
      type: MessageType.SIGNAL,
      sender: BUS_NAME,
      destination: UNIQUE,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'NameAcquired',
      signature: 's',
      body: [UNIQUE],
    });
    setTimeout(() => {
      send({
        type: MessageType.METHOD_RETURN,
        replySerial: message.serial,
        sender: BUS_NAME,
        destination: UNIQUE,
        signature: 's',
        body: ['fakebus0000000000000000000000000'],
      });
    }, SPLIT_MS);
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
      else if (line === 'NEGOTIATE_UNIX_FD') socket.write('ERROR\r\n');
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

export async function startFakeBus(): Promise<FakeBus> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-fakebus-'));
  const path = join(dir, 'bus');
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return {
    address: `unix:path=${path}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
