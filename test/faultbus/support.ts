// Helpers for the fault-bus tests: a proxy in front of a private dbus-daemon, a raw SASL client, and
// the daemon's own view of the traffic from dbus-monitor --pcap, decoded with our header parser.
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { decodeMessage, type Message } from '../../wire/src/index';
import { FaultBus, parseFaults, parseMatch } from '../../replay/src/index';
import { stopProcess, waitForName, type PrivateBus } from '../support/privateBus';

export const BUS = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
};

export function proxyFor(bus: PrivateBus, faults: string[] = [], match: string[] = []): Promise<FaultBus> {
  return FaultBus.start({
    upstream: { kind: 'address', address: bus.address },
    faults: parseFaults(faults),
    match: match.map(parseMatch),
  });
}

export function socketPath(address: string): string {
  return address.replace(/^unix:path=/, '');
}

/** A raw connection: what arrives is collected; `until` waits (bounded) for the collected bytes to satisfy a test. */
export class RawClient {
  readonly socket: Socket;
  received = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  readonly closed: Promise<void>;

  constructor(address: string) {
    this.socket = createConnection({ path: socketPath(address) });
    this.socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake?.();
    });
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  async until(test: (received: Buffer) => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.received.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}

export function authLines(): string {
  return `\0AUTH EXTERNAL ${Buffer.from(String(process.getuid!())).toString('hex')}\r\n`;
}

/** dbus-monitor --pcap on the bus: call `stop` to get every message it saw, decoded. */
export async function monitor(
  bus: PrivateBus,
): Promise<{ stop(until?: (seen: Message[]) => boolean, timeoutMs?: number): Promise<Message[]> }> {
  const child: ChildProcess = spawn('dbus-monitor', ['--address', bus.address, '--pcap'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  // The monitor is in place once it records traffic: probe connections until one shows up (bounded).
  let recording = false;
  const recorded = new Promise<void>((resolve) => {
    const onData = () => {
      if (Buffer.concat(chunks).length <= 24) return;
      recording = true;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
  });
  for (let probe = 0; probe < 20 && !recording; probe++) {
    await waitForName(bus.address, 'org.freedesktop.DBus');
    await Promise.race([recorded, new Promise((resolve) => setTimeout(resolve, 250))]);
  }
  if (!recording) {
    await stopProcess(child);
    throw new Error('dbus-monitor recorded none of 20 probe connections');
  }
  return {
    // The monitor gets its copies after the bus has routed them, so it can lag behind the program: wait
    // (bounded) until what it saw satisfies `until` before stopping it, or the tail would be cut off.
    async stop(until: (seen: Message[]) => boolean = () => true, timeoutMs = 10_000) {
      const seen = () => pcapMessages(Buffer.concat(chunks));
      if (!until(seen())) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            child.stdout!.off('data', onData);
            reject(
              new Error(
                `dbus-monitor did not see what was waited for within ${timeoutMs} ms (${seen().length} messages)`,
              ),
            );
          }, timeoutMs);
          const onData = () => {
            if (!until(seen())) return;
            clearTimeout(timer);
            child.stdout!.off('data', onData);
            resolve();
          };
          child.stdout!.on('data', onData);
        });
      }
      await stopProcess(child);
      return seen();
    },
  };
}

function pcapMessages(pcap: Buffer): Message[] {
  const out: Message[] = [];
  for (let at = 24; at + 16 <= pcap.length;) {
    const length = pcap.readUInt32LE(at + 8);
    const frame = pcap.subarray(at + 16, at + 16 + length);
    if (frame.length === length) out.push(decodeMessage(frame));
    at += 16 + length;
  }
  return out;
}
