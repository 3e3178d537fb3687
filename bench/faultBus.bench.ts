// The fault bus's cost, with no fault: calls through `dbus-lint proxy` (its own process, as users run
// it) against calls straight to the same private dbus-daemon, in alternating blocks of one run so both
// see the same machine moments. Sequential: the µs the proxy adds per call; 256 in flight: its share
// of the direct throughput. Goals (issue 14): ≤ 50 µs added, ≥ 0.8× direct. A bare Node byte pipe
// (barePipe.cjs) runs in the same blocks as the peer: the floor any Node proxy pays for two socket hops.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_NAME, BUS_PATH, Connection } from '../wire/src/index';
import { REPO_ROOT } from '../test/support/analyzer';
import { startDbusDaemon, stopProcess, waitForLine } from '../test/support/privateBus';
import { median, runIfMain, type BenchRow } from './report';
import { windowed, type Call } from './windowed';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = 500;
const SEQUENTIAL = 4000;
const IN_FLIGHT_TOTAL = 10_000;
const IN_FLIGHT = 256;

const getId = { destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'GetId' };

/** Calls/s of each, in alternating blocks of `block` calls until `total` each. */
async function rates(targets: Call[], total: number, window: number, block: number): Promise<number[]> {
  const elapsed = targets.map(() => 0);
  for (let done = 0; done < total; done += block) {
    for (const [index, call] of targets.entries()) {
      const started = performance.now();
      await windowed(call, block, window);
      elapsed[index] += performance.now() - started;
    }
  }
  return elapsed.map((ms) => total / (ms / 1000));
}

/** CPU time (user + system) a process has used, in µs, from /proc (clock ticks of 10 ms, so over many calls). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

export async function run(): Promise<BenchRow[]> {
  const bus = await startDbusDaemon();
  const proxy = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'proxy', '--address', bus.address], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pipeDir = mkdtempSync(join(tmpdir(), 'dbus-lint-bare-pipe-'));
  const busPath = bus.address.replace(/^unix:path=/, '').split(',')[0];
  const pipe = spawn(process.execPath, [join(__dirname, 'barePipe.cjs'), join(pipeDir, 'bus'), busPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const proxyAddress = (await waitForLine(proxy, /^unix:path=/, 10_000, 'dbus-lint proxy')).trim();
    await waitForLine(pipe, /^ready/, 10_000, 'the bare pipe');
    const direct = await Connection.open({ address: bus.address });
    const through = await Connection.open({ address: proxyAddress });
    const piped = await Connection.open({ address: `unix:path=${join(pipeDir, 'bus')}` });
    const targets = [() => direct.call(getId), () => through.call(getId), () => piped.call(getId)];
    // Both paths warmed up, the proxy's JIT included, in both shapes of load.
    for (const call of targets) {
      await windowed(call, WARMUP, 1);
      await windowed(call, WARMUP * 4, IN_FLIGHT);
    }
    const added: number[] = [];
    const pipeAdded: number[] = [];
    const directMicros: number[] = [];
    const share: number[] = [];
    const pipeShare: number[] = [];
    const proxyCpu: number[] = [];
    const directRate: number[] = [];
    const proxyRate: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const cpuBefore = cpuMicros(proxy.pid!);
      const [seqDirect, seqProxy, seqPipe] = await rates(targets, SEQUENTIAL, 1, 500);
      proxyCpu.push((cpuMicros(proxy.pid!) - cpuBefore) / SEQUENTIAL);
      const [inDirect, inProxy, inPipe] = await rates(targets, IN_FLIGHT_TOTAL, IN_FLIGHT, 2000);
      added.push(1e6 / seqProxy - 1e6 / seqDirect);
      pipeAdded.push(1e6 / seqPipe - 1e6 / seqDirect);
      directMicros.push(1e6 / seqDirect);
      share.push(inProxy / inDirect);
      pipeShare.push(inPipe / inDirect);
      directRate.push(inDirect);
      proxyRate.push(inProxy);
      process.stderr.write(
        `bench:faultBus round ${round + 1}: sequential ${(1e6 / seqDirect).toFixed(1)} vs ${(1e6 / seqProxy).toFixed(1)} µs/call (bare pipe ${(1e6 / seqPipe).toFixed(1)}) (proxy CPU ${proxyCpu[round].toFixed(1)} µs/call); ${IN_FLIGHT} in flight ${inDirect.toFixed(0)} vs ${inProxy.toFixed(0)} calls/s (bare pipe ${inPipe.toFixed(0)})\n`,
      );
    }
    await Promise.all([direct.close(), through.close(), piped.close()]);
    const load = loadavg()[0]?.toFixed(2);
    const note = `${ROUNDS} rounds of ${SEQUENTIAL} sequential and ${IN_FLIGHT_TOTAL} pipelined GetId calls, our wire client, proxy in its own process, medians of per-round figures; the proxy's own CPU ${median(proxyCpu).toFixed(1)} µs per sequential call; load average ${load}`;
    return [
      {
        target: 'fault bus: added per sequential call',
        figure: `${median(added).toFixed(1)} µs`,
        anchor: `direct ${median(directMicros).toFixed(1)} µs/call`,
        goal: '≤ 50 µs',
        met: median(added) <= 50,
        note,
      },
      {
        target: 'fault bus: added over a bare Node byte pipe',
        figure: `${(median(added) - median(pipeAdded)).toFixed(1)} µs`,
        anchor: `the bare pipe adds ${median(pipeAdded).toFixed(1)} µs/call`,
        goal: '(informational: what framing and recording cost)',
        met: true,
      },
      {
        target: `fault bus: ${IN_FLIGHT} in flight`,
        figure: `${median(proxyRate).toFixed(0)} calls/s`,
        anchor: `direct ${median(directRate).toFixed(0)} calls/s`,
        ratio: median(share),
        goal: '≥ 0.8× direct',
        met: median(share) >= 0.8,
        note: `the bare Node byte pipe kept ${median(pipeShare).toFixed(2)}× of the direct throughput in the same blocks`,
      },
    ];
  } finally {
    await stopProcess(proxy);
    await stopProcess(pipe);
    rmSync(pipeDir, { recursive: true, force: true });
    await bus.stop();
  }
}

runIfMain(module, run);
