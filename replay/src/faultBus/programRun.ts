// One run of the user's program against the fault bus: spawned in its own process group (so a hung run is
// killed with whatever it started), bounded by a timeout, and ended as passed (exit 0), failed (non-zero or a
// signal) or hung (killed at the bound). `dbus-lint run` and the editor's "Run with D-Bus Faults…" share it.
import { spawn } from 'node:child_process';

export type ProgramOutcome = 'passed' | 'failed' | 'hung';

export interface ProgramEnd {
  outcome: ProgramOutcome;
  /** Null when it was killed (hung) or ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
}

export interface ProgramRunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  /** Each chunk of its stdout and stderr as it comes (the editor's terminal shows them live). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

export interface ProgramRun {
  /** Ends the run now (it counts as failed, by signal, unless it had already ended). */
  kill(): void;
  /** Resolves when it ended; rejects with ProgramStartError when it could not be started. */
  done: Promise<ProgramEnd>;
}

export class ProgramStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramStartError';
  }
}

export function runProgram(command: readonly string[], options: ProgramRunOptions): ProgramRun {
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const killGroup = () => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  let hung = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => options.onOutput?.(chunk, 'stdout'));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => options.onOutput?.(chunk, 'stderr'));
  const done = new Promise<ProgramEnd>((resolve, reject) => {
    const timer = setTimeout(() => {
      hung = true;
      killGroup();
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new ProgramStartError(`cannot run ${command[0]}: ${error.message} (is it installed, and on PATH?)`));
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      resolve({
        outcome: hung ? 'hung' : exitCode === 0 ? 'passed' : 'failed',
        exitCode: hung ? null : exitCode,
        signal: hung ? 'SIGKILL' : signal,
        durationMs,
      });
    });
  });
  return { kill: killGroup, done };
}
