// `--private`: a dbus-daemon of the proxy's own, with Debian's session configuration, in a temp dir,
// stopped (and its dir removed) with the proxy.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultBusError } from './errors';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface PrivateDaemon {
  address: string;
  /** Resolves when the daemon exits on its own (it died): the reason. */
  exited: Promise<string>;
  stop(): Promise<void>;
}

export async function startPrivateDaemon(): Promise<PrivateDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-private-bus-'));
  const child = spawn(
    'dbus-daemon',
    ['--session', `--address=unix:path=${join(dir, 'bus')}`, '--nofork', '--nopidfile', '--print-address=1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`dbus-daemon could not start: ${error.message}`));
    child.once('close', (code, signal) => resolve(`dbus-daemon exited (${signal ?? code}): ${output.trim()}`));
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new FaultBusError(`dbus-daemon printed no address within ${START_TIMEOUT_MS} ms: ${output}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.startsWith('unix:'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(line.trim());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((reason) => {
      clearTimeout(timer);
      reject(
        new FaultBusError(
          `${reason} (--private needs dbus-daemon: apt-get install dbus-daemon, or use --session / --address)`,
        ),
      );
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)));
      if (await Promise.race([exited.then(() => false), late])) child.kill('SIGKILL');
      clearTimeout(timer);
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { address, exited, stop };
}
