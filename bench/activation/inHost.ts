// Runs inside code-server's extension host (workbench payload `extensionTestsPath`, bundled by
// ../activation.bench.ts): activates each extension named in the driver's request, in the order given,
// timing `activate()` from before the call to its resolution (loading the bundle included). Answers
// through the result file named in the request, written atomically.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';

export interface ActivationRequest {
  /** Extension ids, activated one after the other in this order. */
  order: string[];
  result: string;
  /**
   * A folder where a `*.v8cache` file must exist before the window may close: the extension stores its code
   * cache once its language server has started, after activation, and the next window should find it.
   */
  settleWhenCacheIn?: string;
  /** A folder for a V8 CPU profile of each activation (BENCH_PROFILE_DIR): where the milliseconds go. */
  profileDir?: string;
}

export interface ActivationResult {
  id: string;
  ms: number;
  /** CPU time the extension host process spent meanwhile (user + system): less sensitive to other processes. */
  cpuMs: number;
  /** Set when the extension was already active (nothing measured) or its activation threw. */
  error?: string;
}

async function timeActivation(id: string, profileDir?: string): Promise<ActivationResult> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) return { id, ms: Number.NaN, cpuMs: Number.NaN, error: `${id} is not installed` };
  if (extension.isActive) return { id, ms: Number.NaN, cpuMs: Number.NaN, error: `${id} was already active` };
  const profiler = profileDir ? await startProfiler() : undefined;
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    await extension.activate();
    const used = process.cpuUsage(cpu);
    if (profiler && profileDir) await profiler.stop(join(profileDir, `${id}-${Date.now()}.cpuprofile`));
    return { id, ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  } catch (error) {
    return { id, ms: Number.NaN, cpuMs: Number.NaN, error: String(error) };
  }
}

export async function run(): Promise<void> {
  const requestFile = process.env.DBUS_LINT_BENCH_REQUEST;
  if (!requestFile) throw new Error('DBUS_LINT_BENCH_REQUEST is not set');
  const request = JSON.parse(readFileSync(requestFile, 'utf8')) as ActivationRequest;
  const results: ActivationResult[] = [];
  // The payload starts while the window is still loading (built-in extensions, the workbench): measured
  // then, both extensions mostly time that contention.
  await quietHost();
  for (const id of request.order) results.push(await timeActivation(id, request.profileDir));
  // The driver closes the window once the results are there.
  if (request.settleWhenCacheIn) await cacheStored(request.settleWhenCacheIn);
  writeFileSync(`${request.result}.tmp`, JSON.stringify(results));
  renameSync(`${request.result}.tmp`, request.result);
}

const CACHE_WAIT_MS = 30_000;
const QUIET_TICKS = 20;
const QUIET_LAG_MS = 2;
const QUIET_WAIT_MS = 10_000;

/**
 * Resolves once QUIET_TICKS timers in a row fire within QUIET_LAG_MS of when they were due (nothing else is
 * running in this host), or after QUIET_WAIT_MS at the most: a busy host is measured rather than waited for.
 */
function quietHost(): Promise<void> {
  const bound = performance.now() + QUIET_WAIT_MS;
  return new Promise((resolve) => {
    let quiet = 0;
    const tick = (due: number) => {
      const now = performance.now();
      quiet = now - due <= QUIET_LAG_MS ? quiet + 1 : 0;
      if (quiet >= QUIET_TICKS || now > bound) resolve();
      else setTimeout(() => tick(performance.now() + 1), 1);
    };
    setTimeout(() => tick(performance.now() + 1), 1);
  });
}

function cacheStored(dir: string): Promise<void> {
  const stored = () => existsSync(dir) && readdirSync(dir).some((name) => name.endsWith('.v8cache'));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (stored()) done(resolve);
    }, 50);
    const bound = setTimeout(
      () => done(() => reject(new Error(`no code cache in ${dir} within ${CACHE_WAIT_MS} ms`))),
      CACHE_WAIT_MS,
    );
    const done = (settle: () => void) => {
      clearInterval(timer);
      clearTimeout(bound);
      settle();
    };
  });
}

/** V8's sampling profiler on this thread, started before activate() (its own cost is outside the figure's interest). */
async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
