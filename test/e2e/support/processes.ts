// Child processes for the e2e suites: each in its own process group, so stopping it also stops what it
// started (code-server's extension host, file watcher and our language server), and every group still
// running when the test process exits is killed, whatever failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';

export interface ProcessGroup {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Settles when the leader exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits for `pattern` in the leader's output (stdout + stderr), failing on exit or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the group, SIGKILL after a bound; resolves when the leader has exited. */
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
  /** The leader's stdout and stderr are appended here as well as scanned for waitForOutput. */
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

  const log = openSync(options.logFile, 'a');
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    writeSync(log, chunk);
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);

  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      hasExited = true;
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  child.on('close', () => closeSync(log));

  return {
    pid,
    child,
    exited,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) return done(() => resolve(match));
          if (hasExited) return done(() => reject(new Error(`${command} exited before printing ${pattern}; see ${options.logFile}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms; see ${options.logFile}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (!running.has(pid)) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // The leader is gone; children that ignored SIGTERM (file watchers) must not outlive the test.
      killGroup(pid, 'SIGKILL');
      running.delete(pid);
    },
  };
}
