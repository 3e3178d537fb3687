// Our D-Bus client against dbus-next on one private dbus-daemon, in the same run: connect+auth+Hello
// time, sequential calls/s, and calls/s with 16 and 256 in flight. Prints medians per round, the
// median of per-round ratios (ours vs dbus-next; > 1 means ours is faster) and the load average.
import { cpus, loadavg } from 'node:os';
import * as dbusNext from 'dbus-next';
import { BUS_NAME, BUS_PATH, Connection } from '../client/src/dbus/index';
import { startDbusDaemon } from '../test/support/privateBus';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SETUPS = 50;
const WARMUP = 500;
const SEQUENTIAL = 5000;
const PIPELINED = 10_000;

type Call = () => Promise<unknown>;

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
        close: async () => bus.disconnect(),
      };
    },
  };
}

async function windowed(call: Call, total: number, window: number): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
}

async function rate(call: Call, total: number, window: number): Promise<number> {
  const started = performance.now();
  if (window === 1) for (let i = 0; i < total; i++) await call();
  else await windowed(call, total, window);
  return total / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Round {
  setupMs: number;
  sequential: number;
  in16: number;
  in256: number;
}

async function measureSetups(clients: Client[]): Promise<number[][]> {
  const times = clients.map(() => [] as number[]);
  for (let i = 0; i < SETUPS; i++) {
    for (const [index, client] of clients.entries()) {
      const started = performance.now();
      const connection = await client.connect();
      times[index]!.push(performance.now() - started);
      await connection.close();
    }
  }
  return times;
}

async function measureCalls(client: Client): Promise<Omit<Round, 'setupMs'>> {
  const connection = await client.connect();
  await rate(connection.call, WARMUP, 1);
  const sequential = await rate(connection.call, SEQUENTIAL, 1);
  const in16 = await rate(connection.call, PIPELINED, 16);
  const in256 = await rate(connection.call, PIPELINED, 256);
  await connection.close();
  return { sequential, in16, in256 };
}

function fmt(value: number, digits = 0): string {
  return value.toFixed(digits).padStart(10);
}

async function main(): Promise<void> {
  const bus = await startDbusDaemon();
  try {
    const clients = [ours(bus.address), next(bus.address)];
    const loadBefore = loadavg();
    console.log(`bench:client — ${ROUNDS} rounds on a private dbus-daemon; load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`);
    const rounds: Round[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const setups = await measureSetups(clients);
      const results: Round[] = [];
      // Alternate which client goes first, so neither always runs on a warmer or cooler machine.
      const order = round % 2 ? [1, 0] : [0, 1];
      const calls: Omit<Round, 'setupMs'>[] = [];
      for (const index of order) calls[index] = await measureCalls(clients[index]!);
      clients.forEach((_, index) => results.push({ setupMs: median(setups[index]!), ...calls[index]! }));
      rounds.push(results);
      const [a, b] = results;
      console.log(`round ${round + 1}: setup ${a!.setupMs.toFixed(3)} vs ${b!.setupMs.toFixed(3)} ms; seq ${a!.sequential.toFixed(0)} vs ${b!.sequential.toFixed(0)}/s; 16 ${a!.in16.toFixed(0)} vs ${b!.in16.toFixed(0)}/s; 256 ${a!.in256.toFixed(0)} vs ${b!.in256.toFixed(0)}/s`);
    }
    const column = (index: number, key: keyof Round) => median(rounds.map((round) => round[index]![key]));
    const ratio = (key: keyof Round) => median(rounds.map(([a, b]) => (key === 'setupMs' ? b!.setupMs / a!.setupMs : a![key] / b![key])));
    console.log('');
    console.log(`${'client'.padEnd(12)}${'setup ms'.padStart(10)}${'seq/s'.padStart(10)}${'16 in fl/s'.padStart(12)}${'256 in fl/s'.padStart(12)}`);
    for (const [index, client] of clients.entries()) {
      console.log(`${client.name.padEnd(12)}${fmt(column(index, 'setupMs'), 3)}${fmt(column(index, 'sequential'))}${fmt(column(index, 'in16'), 0).padStart(12)}${fmt(column(index, 'in256'), 0).padStart(12)}`);
    }
    console.log(`${'ratio'.padEnd(12)}${fmt(ratio('setupMs'), 2)}${fmt(ratio('sequential'), 2)}${fmt(ratio('in16'), 2).padStart(12)}${fmt(ratio('in256'), 2).padStart(12)}   (dbus-lint vs dbus-next, median of per-round ratios; > 1 = faster)`);
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
  } finally {
    await bus.stop();
  }
}

void main();
