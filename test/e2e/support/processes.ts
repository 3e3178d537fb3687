// Child processes for the e2e suites: each in its own process group, so stopping it also stops what it
// started (code-server's extension host, file watcher and our language server), and every group still
// running when the test process exits is killed, whatever failed. Waiting and stopping are the live
// tests' helpers (test/support/privateBus.ts), applied to the group.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { stopProcess, waitForLine } from '../../support/privateBus';

export interface ProcessGroup {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Settles when the leader exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first output line (stdout or stderr) matching `pattern`, matched; fails on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the group, SIGKILL after a bound; then SIGKILL to whatever of the group is left. */
  stop(): Promise<void>;
}

const running = new Set<number>();

process.on('exit', () => {
  for (const pid of running) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The leader's stdout and stderr are appended here as well as scanned by waitForOutput. */
  logFile: string;
}

export function startGroup(command: string, args: string[], options: StartOptions): ProcessGroup {
  // detached: the child calls setsid(), so its pid is also its process group id.
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  running.add(pid);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid,
    child,
    exited,
    async waitForOutput(pattern, timeoutMs) {
      const line = await waitForLine(child, pattern, timeoutMs, `${command} (log: ${options.logFile})`);
      return line.match(pattern)!;
    },
    async stop() {
      if (!running.has(pid)) return;
      await stopProcess(child, true);
      // The leader is gone; children that ignored SIGTERM (file watchers) must not outlive the test.
      killGroup(pid, 'SIGKILL');
      running.delete(pid);
    },
  };
}
