// SASL against a scripted server on a local socket: lines split across reads, several lines in one
// read, a line followed by message bytes, mechanism fallback, timeout.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuthError } from '../../wire/src/index';
import { authenticate, type AuthOptions } from '../../wire/src/auth';
import { SocketInput } from '../../wire/src/socketInput';

const GUID = '0123456789abcdef0123456789abcdef';

interface Client {
  socket: Socket;
  input: SocketInput;
}

/** Runs `script` for the server side of one connection; returns the client side, read as the connection reads. */
async function withServer(
  t: { after: (fn: () => void) => void },
  script: (socket: Socket, lines: AsyncGenerator<string>) => Promise<void>,
): Promise<Client> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-auth-'));
  const path = join(dir, 'sock');
  const server: Server = createServer((socket) => {
    void script(socket, readLines(socket)).catch(() => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const input = new SocketInput();
  const client = createConnection({ path, onread: input.onread });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  t.after(() => {
    client.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socket: client, input };
}

async function* readLines(socket: Socket): AsyncGenerator<string> {
  let buffer = '';
  for await (const chunk of socket) {
    buffer += (chunk as Buffer).toString('latin1');
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      yield buffer.slice(0, end).replace(/^\0/, '');
      buffer = buffer.slice(end + 2);
    }
  }
}

async function writeSlowly(socket: Socket, text: string | Buffer): Promise<void> {
  for (const byte of Buffer.from(text)) {
    socket.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const base: AuthOptions = { timeoutMs: 2000, pipeline: false, negotiateUnixFd: false };

test('an OK line split byte by byte is read as one line; an unanswered step times out with the transcript', async (t) => {
  const client = await withServer(t, async (socket, lines) => {
    const auth = (await lines.next()).value;
    assert.match(auth, /^AUTH EXTERNAL [0-9a-f]+$/);
    await writeSlowly(socket, `OK ${GUID}\r\n`);
    assert.equal((await lines.next()).value, 'NEGOTIATE_UNIX_FD');
    assert.equal((await lines.next()).value, 'BEGIN');
  });
  const lines: string[] = [];
  const result = await authenticate(client.socket, client.input, {
    ...base,
    timeoutMs: 300,
    negotiateUnixFd: true,
    onLine: (direction: string, line: string) => lines.push(`${direction} ${line}`),
  }).catch((error) => error);
  // The scripted server never answers NEGOTIATE_UNIX_FD: the auth times out with the transcript.
  assert.ok(result instanceof AuthError);
  assert.match(result.message, /within 300 ms/);
  assert.deepEqual(
    result.lines.map((line: { line: string }) => line.line.split(' ')[0]),
    ['AUTH', 'OK', 'NEGOTIATE_UNIX_FD'],
  );
  assert.equal(lines[1], `received OK ${GUID}`);
});

test('several lines in one read; bytes after the last line are handed back for the framer', async (t) => {
  const client = await withServer(t, async (socket, lines) => {
    await lines.next();
    socket.write(`OK ${GUID}\r\n`);
    await lines.next(); // NEGOTIATE_UNIX_FD
    socket.write(`AGREE_UNIX_FD\r\n`);
    assert.equal((await lines.next()).value, 'BEGIN');
  });
  const result = await authenticate(client.socket, client.input, { ...base, negotiateUnixFd: true });
  assert.equal(result.guid, GUID);
  assert.equal(result.unixFdPassing, true);

  const pipelined = await withServer(t, async (socket, lines) => {
    await lines.next();
    socket.write(Buffer.concat([Buffer.from(`OK ${GUID}\r\n`), Buffer.from([0x6c, 2, 0, 1])]));
  });
  const fast = await authenticate(pipelined.socket, pipelined.input, {
    ...base,
    pipeline: true,
    afterBegin: Buffer.from('HELLO'),
  });
  assert.deepEqual([...fast.leftover], [0x6c, 2, 0, 1]);
});

test('EXTERNAL rejected → ANONYMOUS when offered; rejected outright → AuthError naming the offers', async (t) => {
  const anonymous = await withServer(t, async (socket, lines) => {
    await lines.next();
    socket.write('REJECTED ANONYMOUS DBUS_COOKIE_SHA1\r\n');
    assert.match((await lines.next()).value, /^AUTH ANONYMOUS /);
    socket.write(`OK ${GUID}\r\n`);
  });
  assert.equal((await authenticate(anonymous.socket, anonymous.input, base)).mechanism, 'ANONYMOUS');

  const refused = await withServer(t, async (socket, lines) => {
    await lines.next();
    socket.write('REJECTED DBUS_COOKIE_SHA1\r\n');
  });
  await assert.rejects(
    authenticate(refused.socket, refused.input, base),
    (error: unknown) => error instanceof AuthError && /offers DBUS_COOKIE_SHA1/.test(error.message),
  );
});

test('a GUID different from the address guid= is refused', async (t) => {
  const client = await withServer(t, async (socket, lines) => {
    await lines.next();
    socket.write(`OK ${GUID}\r\n`);
  });
  await assert.rejects(
    authenticate(client.socket, client.input, { ...base, expectedGuid: 'f'.repeat(32) }),
    /differs from the address/,
  );
});

test('the server closing mid-auth is an AuthError, not a hang', async (t) => {
  const client = await withServer(t, (socket) => {
    socket.end('OK no-newline');
    return Promise.resolve();
  });
  await assert.rejects(
    authenticate(client.socket, client.input, base),
    (error: unknown) => error instanceof AuthError && /closed the connection/.test(error.message),
  );
});
