// Our D-Bus client against dbus-next on one private dbus-daemon, in the same run: connect+auth+Hello
// time, sequential calls/s, and calls/s with 16 and 256 in flight, each measured in alternating
// blocks so both clients share the same machine moments. Prints medians per round, the
// median of per-round ratios (ours vs dbus-next; > 1 means ours is faster) and the load average.
import { cpus, loadavg } from 'node:os';
import * as dbusNext from 'dbus-next';
import { BUS_NAME, BUS_PATH, Connection } from '../wire/src/index';
import { startDbusDaemon } from '../test/support/privateBus';
import { windowed, type Call } from './windowed';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SETUPS = 50;
const WARMUP = 500;
const SEQUENTIAL = 5000;
const PIPELINED = 10_000;

interface Client {
  name: string;
  connect(): Promise<{ call: Call; close(): Promise<void> }>;
}

const getId = { destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'GetId' };

function ours(address: string): Client {
  return {
    name: 'dbus-lint',
    async connect() {
      const connection = await Connection.open({ address });
      return { call: () => connection.call(getId), close: () => connection.close() };
    },
  };
}

function next(address: string): Client {
  return {
    name: 'dbus-next',
    async connect() {
      const bus = dbusNext.sessionBus({ busAddress: address });
      await new Promise<void>((resolve, reject) => {
        bus.once('connect', () => resolve());
        bus.once('error', reject);
      });
      // A fresh Message per call: dbus-next keeps a preset serial, so sharing one would reuse serials.
      return {
        call: () => bus.call(new dbusNext.Message(getId)),
        close: () => Promise.resolve(bus.disconnect()),
      };
    },
  };
}

/**
 * Calls/s of each client, measured in alternating blocks so that both see the same moments of a
 * shared, noisy machine (a block each, in turn, until `total` calls each).
 */
async function interleavedRates(
  calls: Call[],
  total: number,
  window: number,
  block: number,
): Promise<{ perSecond: number; cpuMicros: number }[]> {
  const elapsed = calls.map(() => 0);
  const cpu = calls.map(() => 0);
  for (let done = 0; done < total; done += block) {
    for (const [index, call] of calls.entries()) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await windowed(call, block, window);
      const used = process.cpuUsage(cpuStarted);
      elapsed[index] += performance.now() - started;
      cpu[index] += used.user + used.system;
    }
  }
  return elapsed.map((ms, index) => ({ perSecond: total / (ms / 1000), cpuMicros: cpu[index] / total }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface Round {
  setupMs: number;
  sequential: number;
  /** This process's CPU time per sequential call (user + system), in µs: what the client itself costs. */
  sequentialCpuMicros: number;
  in16: number;
  in256: number;
}

async function measureSetups(clients: Client[]): Promise<number[][]> {
  const times = clients.map(() => [] as number[]);
  for (let i = 0; i < SETUPS; i++) {
    for (const [index, client] of clients.entries()) {
      const started = performance.now();
      const connection = await client.connect();
      times[index].push(performance.now() - started);
      await connection.close();
    }
  }
  return times;
}

async function measureCalls(clients: Client[]): Promise<Omit<Round, 'setupMs'>[]> {
  const connections = await Promise.all(clients.map((client) => client.connect()));
  const calls = connections.map((connection) => connection.call);
  for (const call of calls) await windowed(call, WARMUP, 1);
  const sequential = await interleavedRates(calls, SEQUENTIAL, 1, 500);
  const in16 = await interleavedRates(calls, PIPELINED, 16, 2000);
  const in256 = await interleavedRates(calls, PIPELINED, 256, 2000);
  for (const connection of connections) await connection.close();
  return clients.map((_, index) => ({
    sequential: sequential[index].perSecond,
    sequentialCpuMicros: sequential[index].cpuMicros,
    in16: in16[index].perSecond,
    in256: in256[index].perSecond,
  }));
}

function fmt(value: number, digits = 0): string {
  return value.toFixed(digits).padStart(10);
}

async function main(): Promise<void> {
  const bus = await startDbusDaemon();
  try {
    const clients = [ours(bus.address), next(bus.address)];
    const loadBefore = loadavg();
    console.log(
      `bench:client — ${ROUNDS} rounds on a private dbus-daemon; load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
    );
    const rounds: Round[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const setups = await measureSetups(clients);
      const calls = await measureCalls(clients);
      const results = clients.map((_, index): Round => ({ setupMs: median(setups[index]), ...calls[index] }));
      rounds.push(results);
      const [a, b] = results;
      console.log(
        `round ${round + 1}: setup ${a.setupMs.toFixed(3)} vs ${b.setupMs.toFixed(3)} ms; seq ${a.sequential.toFixed(0)} vs ${b.sequential.toFixed(0)}/s (cpu ${a.sequentialCpuMicros.toFixed(1)} vs ${b.sequentialCpuMicros.toFixed(1)} µs/call); 16 ${a.in16.toFixed(0)} vs ${b.in16.toFixed(0)}/s; 256 ${a.in256.toFixed(0)} vs ${b.in256.toFixed(0)}/s`,
      );
    }
    const column = (index: number, key: keyof Round) => median(rounds.map((round) => round[index][key]));
    const ratio = (key: keyof Round) =>
      median(rounds.map(([a, b]) => (key === 'setupMs' ? b.setupMs / a.setupMs : a[key] / b[key])));
    console.log('');
    console.log(
      `${'client'.padEnd(12)}${'setup ms'.padStart(10)}${'seq/s'.padStart(10)}${'16 in fl/s'.padStart(12)}${'256 in fl/s'.padStart(12)}`,
    );
    for (const [index, client] of clients.entries()) {
      console.log(
        `${client.name.padEnd(12)}${fmt(column(index, 'setupMs'), 3)}${fmt(column(index, 'sequential'))}${fmt(column(index, 'in16'), 0).padStart(12)}${fmt(column(index, 'in256'), 0).padStart(12)}`,
      );
    }
    console.log(
      `${'ratio'.padEnd(12)}${fmt(ratio('setupMs'), 2)}${fmt(ratio('sequential'), 2)}${fmt(ratio('in16'), 2).padStart(12)}${fmt(ratio('in256'), 2).padStart(12)}   (dbus-lint vs dbus-next, median of per-round ratios; > 1 = faster)`,
    );
    console.log(
      `client CPU per sequential call: dbus-lint ${column(0, 'sequentialCpuMicros').toFixed(1)} µs, dbus-next ${column(1, 'sequentialCpuMicros').toFixed(1)} µs (the rest of a call is the bus round trip)`,
    );
    console.log(
      `load average after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} on ${cpus().length} CPUs`,
    );
  } finally {
    await bus.stop();
  }
}

void main();
