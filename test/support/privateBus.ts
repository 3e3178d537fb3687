// Private buses and dbus-test-tool peers for live tests: started in a temp dir, waited on by event
// (a printed line, a NameOwnerChanged signal) with a bound, and stopped with their files removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_NAME, BUS_PATH, Connection } from '../../wire/src/index';

export type BusKind = 'dbus-daemon' | 'dbus-broker';

export interface PrivateBus {
  kind: BusKind;
  address: string;
  dir: string;
  /** The environment for child processes, with DBUS_SESSION_BUS_ADDRESS pointing at this bus. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

/** Resolves with the first stdout/stderr line matching `pattern`; rejects on exit or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const done = (error: Error | null, line?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('close', onExit);
      if (error) reject(error);
      else resolve(line!);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((candidate) => pattern.test(candidate));
      if (line !== undefined) done(null, line);
    };
    const onExit = (code: number | null) =>
      done(new Error(`${what} exited (${code}) before printing ${pattern}; output: ${seen.trim()}`));
    const timer = setTimeout(
      () => done(new Error(`${what} did not print ${pattern} within ${timeoutMs} ms; output: ${seen.trim()}`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    // 'close', not 'exit': it comes after the output is read, so a last line is not missed.
    child.once('close', onExit);
  });
}

/** Sends SIGTERM (to the process group if `group`), waits for exit with a bound, then SIGKILL. */
export async function stopProcess(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (group && child.pid) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)));
  if (await Promise.race([exited.then(() => false), timedOut])) {
    kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

export interface DaemonOptions {
  /**
   * Where to listen: a socket file in the temp dir (default), an abstract socket, or TCP on loopback
   * with ANONYMOUS auth (EXTERNAL needs a unix socket's credentials).
   */
  listen?: 'path' | 'abstract' | 'tcp';
}

function tcpConfig(dir: string): string {
  const file = join(dir, 'tcp.conf');
  writeFileSync(
    file,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>tcp:host=127.0.0.1,bind=127.0.0.1,port=0</listen>
  <auth>ANONYMOUS</auth>
  <allow_anonymous/>
  <policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy>
</busconfig>
`,
  );
  return file;
}

/** A dbus-daemon with Debian's session configuration, listening in a fresh temp dir (or as asked). */
export async function startDbusDaemon(options: DaemonOptions = {}): Promise<PrivateBus> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-bus-'));
  const listen = options.listen ?? 'path';
  const where =
    listen === 'tcp'
      ? [`--config-file=${tcpConfig(dir)}`]
      : ['--session', `--address=unix:${listen}=${join(dir, 'bus')}`];
  const child = spawn('dbus-daemon', [...where, '--nofork', '--nopidfile', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const line = await waitForLine(child, /^(unix|tcp):/, START_TIMEOUT_MS, 'dbus-daemon');
    const address = line.trim();
    return {
      kind: 'dbus-daemon',
      address,
      dir,
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
      stop: async () => {
        await stopProcess(child);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

const JOURNAL_SOCKET = '/run/systemd/journal/socket';
const FAKE_JOURNAL = `import os, socket, sys
path = sys.argv[1]
sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    sink.bind(path)
except OSError:
    try:
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'', path)
        print('shared', flush=True)
        sys.exit(0)
    except OSError:
        os.unlink(path)
        sink.bind(path)
print('ready', os.stat(path).st_ino, flush=True)
while True:
    sink.recv(65536)
`;

/**
 * dbus-broker without systemd, with the three workarounds of docs/notes: a listening socket from
 * systemd-socket-activate, a datagram sink at /run/systemd/journal/socket for its log, and
 * DBUS_SESSION_BUS_ADDRESS pointing at its own socket. Returns a reason string when it cannot run here.
 */
export async function startDbusBroker(): Promise<PrivateBus | string> {
  for (const tool of ['dbus-broker-launch', 'systemd-socket-activate', 'python3']) {
    if (!onPath(tool)) return `${tool} is not installed`;
  }
  try {
    mkdirSync('/run/systemd/journal', { recursive: true });
  } catch (error) {
    return `cannot create /run/systemd/journal (needs root): ${(error as Error).message}`;
  }
  // Node has no unix datagram sockets: a few lines of Python receive and discard the broker's log.
  // Test runs on one machine may overlap: a live journal socket (real, or another run's) is shared,
  // a stale one replaced, and ours removed at the end only if it is still ours (same inode).
  const journal = spawn('python3', ['-c', FAKE_JOURNAL, JOURNAL_SOCKET], { stdio: ['ignore', 'pipe', 'pipe'] });
  let ownInode: string | null = null;
  try {
    const line = await waitForLine(journal, /^(ready \d+|shared)/, START_TIMEOUT_MS, 'fake journal');
    if (line.startsWith('ready')) ownInode = line.split(' ')[1]!;
  } catch (error) {
    await stopProcess(journal);
    return `cannot bind a fake journal at ${JOURNAL_SOCKET}: ${(error as Error).message}`;
  }
  const stopJournal = async () => {
    await stopProcess(journal);
    try {
      if (ownInode !== null && String(statSync(JOURNAL_SOCKET).ino) === ownInode)
        rmSync(JOURNAL_SOCKET, { force: true });
    } catch {
      // Already removed.
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-broker-'));
  const socketPath = join(dir, 'bus');
  const address = `unix:path=${socketPath}`;
  const child = spawn(
    'systemd-socket-activate',
    [
      '-E',
      'DBUS_SESSION_BUS_ADDRESS',
      '-E',
      'XDG_RUNTIME_DIR',
      '-l',
      socketPath,
      'dbus-broker-launch',
      '--scope',
      'user',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_RUNTIME_DIR: dir },
      detached: true,
    },
  );
  try {
    await waitForLine(child, /^Listening on/, START_TIMEOUT_MS, 'systemd-socket-activate');
    // The launcher starts on the first connection: a Hello proves the broker answers.
    const probe = await Connection.open({ address, authTimeoutMs: START_TIMEOUT_MS });
    await probe.call({
      destination: BUS_NAME,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'GetId',
      timeoutMs: START_TIMEOUT_MS,
    });
    await probe.close();
  } catch (error) {
    await stopProcess(child, true);
    await stopJournal();
    rmSync(dir, { recursive: true, force: true });
    return `dbus-broker did not start: ${(error as Error).message}`;
  }
  return {
    kind: 'dbus-broker',
    address,
    dir,
    env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address },
    stop: async () => {
      await stopProcess(child, true);
      await stopJournal();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
}

export interface Peer {
  name: string;
  stop(): Promise<void>;
}

/**
 * Waits until `name` has an owner on the bus: subscribes to its NameOwnerChanged first, then asks
 * NameHasOwner, so an owner that appears between the two is not missed.
 */
export async function waitForName(address: string, name: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
  const connection = await Connection.open({ address });
  try {
    const owned = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} got no owner within ${timeoutMs} ms`)), timeoutMs);
      connection.on('signal', (signal) => {
        if (signal.member === 'NameOwnerChanged' && signal.body[0] === name && signal.body[2] !== '') {
          clearTimeout(timer);
          resolve();
        }
      });
      connection.once('close', () => {
        clearTimeout(timer);
        reject(new Error(`the bus closed while waiting for ${name}`));
      });
    });
    owned.catch(() => undefined);
    await connection.call({
      destination: BUS_NAME,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'AddMatch',
      signature: 's',
      body: [`type='signal',sender='${BUS_NAME}',member='NameOwnerChanged',arg0='${name}'`],
    });
    const has = await connection.call({
      destination: BUS_NAME,
      path: BUS_PATH,
      interface: BUS_NAME,
      member: 'NameHasOwner',
      signature: 's',
      body: [name],
    });
    if (has.body[0] !== true) await owned;
  } finally {
    await connection.close();
  }
}

/** Starts `dbus-test-tool black-hole|echo --name=NAME` on the bus and waits until it owns NAME. */
export async function startTestToolPeer(bus: PrivateBus, mode: 'black-hole' | 'echo', name: string): Promise<Peer> {
  const child = spawn('dbus-test-tool', [mode, '--session', `--name=${name}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: bus.env,
  });
  try {
    await waitForName(bus.address, name);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { name, stop: () => stopProcess(child) };
}

/** Runs `dbus-test-tool spam` with the given options to completion (bounded), for storms. */
export function runSpam(bus: PrivateBus, args: string[], timeoutMs = 60_000): Promise<void> {
  const child = spawn('dbus-test-tool', ['spam', '--session', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: bus.env,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dbus-test-tool spam did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`dbus-test-tool spam exited ${code}: ${output.trim()}`));
    });
  });
}

/** Buses to run live suites on: dbus-daemon always; dbus-broker when it can start here (else the reason). */
export const BUS_KINDS: BusKind[] = ['dbus-daemon', 'dbus-broker'];

export async function startBus(kind: BusKind): Promise<PrivateBus | string> {
  return kind === 'dbus-daemon' ? startDbusDaemon() : startDbusBroker();
}
