// Connection behaviour on input no real bus sends: a scripted server after auth.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Connection, DisconnectedError, ProtocolError } from '../../wire/src/index';

const GUID = '0123456789abcdef0123456789abcdef';

async function scriptedServer(
  t: { after: (fn: () => void) => void },
  afterBegin: (socket: Socket) => void,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-conn-'));
  const path = join(dir, 'sock');
  const server = createServer((socket) => {
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (text.includes('AUTH') && !text.includes('OK-SENT')) {
        text += 'OK-SENT';
        socket.write(`OK ${GUID}\r\n`);
      }
      if (text.includes('BEGIN\r\n') && !text.includes('SCRIPT-RUN')) {
        text += 'SCRIPT-RUN';
        afterBegin(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return `unix:path=${path}`;
}

test('a message over 128 MiB closes the connection with a ProtocolError; pending calls fail with the reason', async (t) => {
  const address = await scriptedServer(t, (socket) => {
    const header = Buffer.alloc(16);
    header[0] = 0x6c;
    header[1] = 2;
    header[3] = 1;
    header.writeUInt32LE(200 * 1024 * 1024, 4);
    header.writeUInt32LE(1, 8);
    header.writeUInt32LE(8, 12);
    // Sent once the client's call is on its way, so there is a pending call to fail.
    setImmediate(() => socket.write(header));
  });
  const connection = await Connection.open({ address, hello: false, pipelineAuth: false });
  const closed = new Promise<Error>((resolve) => connection.once('close', resolve));
  const call = connection.call({ destination: 'org.example.X', path: '/', member: 'M' });
  await assert.rejects(call, (error: unknown) => error instanceof DisconnectedError && /128 MiB/.test(error.message));
  const reason = await closed;
  assert.ok(reason instanceof ProtocolError);
  assert.ok(connection.closed);
  assert.ok(connection.closeError instanceof ProtocolError);
});

test('garbage after auth (bad endianness byte) is a ProtocolError, not a crash', async (t) => {
  const address = await scriptedServer(t, (socket) => socket.write(Buffer.alloc(32, 0x41)));
  const connection = await Connection.open({ address, hello: false, pipelineAuth: false });
  const reason = await new Promise<Error>((resolve) => connection.once('close', resolve));
  assert.ok(reason instanceof ProtocolError);
  assert.match(reason.message, /endianness/);
});

test('serials: never 0, never a pending one, and wrap after 0xFFFFFFFF', async (t) => {
  const address = await scriptedServer(t, () => undefined);
  const connection = await Connection.open({ address, hello: false, pipelineAuth: false });
  t.after(() => connection.close());
  const serials: number[] = [];
  // Force the counter near the wrap through the public path: send until the internal counter is checked.
  (connection as unknown as { nextSerial: number }).nextSerial = 0xfffffffe;
  const pending = connection.call({ destination: 'org.example.X', path: '/', member: 'M', timeoutMs: 60_000 });
  pending.catch(() => undefined);
  for (let i = 0; i < 3; i++)
    serials.push(connection.send({ type: 4, flags: 0, serial: 0, path: '/', interface: 'a.b', member: 'S', body: [] }));
  assert.deepEqual(serials, [0xffffffff, 1, 2]);
  (connection as unknown as { nextSerial: number }).nextSerial = 0xfffffffe;
  assert.equal(
    connection.send({ type: 4, flags: 0, serial: 0, path: '/', interface: 'a.b', member: 'S', body: [] }),
    0xffffffff,
    'the pending 0xfffffffe is skipped',
  );
});

test('a refused pipelined EXTERNAL falls back to a step-by-step handshake on a new connection', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-conn-'));
  const path = join(dir, 'sock');
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end).replace(/^\0/, '');
        buffer = buffer.slice(end + 2);
        if (line.startsWith('AUTH EXTERNAL')) socket.write('REJECTED ANONYMOUS\r\n');
        else if (line.startsWith('AUTH ANONYMOUS')) socket.write(`OK ${GUID}\r\n`);
        else if (line === 'BEGIN' && !buffer && connections === 1) socket.write('ERROR "not authenticated"\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const connection = await Connection.open({ address: `unix:path=${path}`, hello: false });
  t.after(() => connection.close());
  assert.equal(connections, 2);
  assert.equal(connection.guid, GUID);
});
