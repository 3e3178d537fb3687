// The fault bus: a D-Bus-aware proxy on a unix socket of its own (in a private temp dir, mode 0700),
// in front of a real bus. Each program connection gets its own connection to the bus; see clientLink.
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isDBusClientError,
  parseAddress,
  sessionBusAddress,
  systemBusAddress,
  type Transport,
} from '../../../wire/src/index';
import { ClientLink, type Upstream } from './clientLink';
import { FaultBusError } from './errors';
import { faultSet } from './faultedStream';
import { faultLabel, type Fault } from './faults';
import { matchLabel, type CallMatch } from './match';
import { startPrivateDaemon, type PrivateDaemon } from './privateDaemon';
import type { FaultBusRecording } from './recording';

export type UpstreamChoice =
  { kind: 'session' } | { kind: 'system' } | { kind: 'address'; address: string } | { kind: 'private' };

/** The environment variable that gives a program the proxy: the system bus's for a system-bus proxy, else the session's. */
export function busAddressVariable(upstream: UpstreamChoice): 'DBUS_SYSTEM_BUS_ADDRESS' | 'DBUS_SESSION_BUS_ADDRESS' {
  return upstream.kind === 'system' ? 'DBUS_SYSTEM_BUS_ADDRESS' : 'DBUS_SESSION_BUS_ADDRESS';
}

export interface FaultBusOptions {
  upstream: UpstreamChoice;
  faults?: Fault[];
  match?: CallMatch[];
  env?: NodeJS.ProcessEnv;
}

export interface FaultBusEvents {
  /** Something the user must hear about: the bus went away, a program could not be connected. */
  problem: [string];
  /** No program connection is open. */
  idle: [];
}

const CONNECT_CHECK_TIMEOUT_MS = 5_000;

function usableTransport(address: string, env: NodeJS.ProcessEnv): Transport {
  let transports: Transport[];
  try {
    transports = parseAddress(address, env);
  } catch (error) {
    throw new FaultBusError((error as Error).message);
  }
  const usable = transports.find((transport) => transport.kind === 'tcp' || !transport.abstract);
  if (!usable)
    throw new FaultBusError(
      `the bus address "${address}" names only abstract sockets, which Node.js cannot reach: start the bus with a unix:path= address, or use --private`,
    );
  return usable;
}

/** Connects once and hangs up, so a bus that is not there fails the start, not the program's first connection. */
function checkReachable(upstream: Upstream): Promise<void> {
  const { transport } = upstream;
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new FaultBusError(
          `the bus at ${upstream.label} did not accept a connection within ${CONNECT_CHECK_TIMEOUT_MS} ms`,
        ),
      );
    }, CONNECT_CHECK_TIMEOUT_MS);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new FaultBusError(
          `cannot connect to the bus at ${upstream.label}: ${error.message} (is it running? pass --address, or --private for a bus of the proxy's own)`,
        ),
      );
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    });
    if (transport.kind === 'unix') socket.connect({ path: transport.path });
    else socket.connect({ host: transport.host, port: transport.port });
  });
}

export class FaultBus extends EventEmitter<FaultBusEvents> {
  private readonly links = new Set<ClientLink>();
  private readonly ended: ClientLink[] = [];
  private nextId = 1;
  private closing = false;

  private constructor(
    readonly address: string,
    private readonly dir: string,
    private readonly server: Server,
    readonly upstream: Upstream & { address: string },
    private readonly daemon: PrivateDaemon | null,
    private readonly options: Required<Pick<FaultBusOptions, 'faults' | 'match'>>,
  ) {
    super();
    // No fault: bytes go back as they came, unparsed (the fast path the benchmark measures).
    const faults = options.faults.length > 0 ? faultSet(options.faults) : null;
    server.on('connection', (program) => {
      const link = new ClientLink(this.nextId++, program, upstream, faults, options.match, (done) =>
        this.linkEnded(done),
      );
      this.links.add(link);
    });
    void daemon?.exited.then((reason) => {
      if (!this.closing) this.emit('problem', `the private bus stopped: ${reason}`);
    });
  }

  static async start(options: FaultBusOptions): Promise<FaultBus> {
    const env = options.env ?? process.env;
    const daemon = options.upstream.kind === 'private' ? await startPrivateDaemon() : null;
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-faultbus-'));
    try {
      const choice = options.upstream;
      const address =
        choice.kind === 'private'
          ? daemon!.address
          : choice.kind === 'address'
            ? choice.address
            : choice.kind === 'system'
              ? systemBusAddress(env)
              : sessionBusAddress(env);
      const label = choice.kind === 'private' ? `${address} (the proxy's private dbus-daemon)` : address;
      const upstream = { transport: usableTransport(address, env), label, address };
      await checkReachable(upstream);
      // Only this user may reach the proxy: it speaks to the bus with this user's credentials.
      chmodSync(dir, 0o700);
      const path = join(dir, 'bus');
      const server = createServer({ pauseOnConnect: true });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(path, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return new FaultBus(`unix:path=${path}`, dir, server, upstream, daemon, {
        faults: options.faults ?? [],
        match: options.match ?? [],
      });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      await daemon?.stop();
      throw isDBusClientError(error) ? new FaultBusError(error.message) : error;
    }
  }

  /** Program connections accepted so far (the next one gets id connectionCount + 1). */
  get connectionCount(): number {
    return this.nextId - 1;
  }

  get openCount(): number {
    return this.links.size;
  }

  /** Changes when anything new is recorded (a connection, a message, a read, an end): cheap to poll. */
  get activity(): number {
    let total = this.nextId;
    for (const link of this.ended) total += link.log.changes;
    for (const link of this.links) total += link.log.changes;
    return total;
  }

  /** The recording so far: every connection with id >= fromId, open ones included. */
  recording(fromId = 1): FaultBusRecording {
    const all = [...this.ended, ...this.links].filter((link) => link.log.id >= fromId);
    all.sort((a, b) => a.log.id - b.log.id);
    return {
      upstream: this.upstream.address,
      address: this.address,
      faults: this.options.faults.map(faultLabel),
      match: this.options.match.map(matchLabel),
      connections: all.map((link) => link.log.snapshot()),
    };
  }

  /** Resolves true once no program connection is open, false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.links.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('idle', onIdle);
        resolve(false);
      }, timeoutMs);
      const onIdle = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.once('idle', onIdle);
    });
  }

  /** Stops accepting, ends every connection, removes the socket's dir, stops a private bus. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of [...this.links]) link.stop();
    await closed;
    rmSync(this.dir, { recursive: true, force: true });
    await this.daemon?.stop();
  }

  private linkEnded(link: ClientLink): void {
    this.links.delete(link);
    this.ended.push(link);
    const end = link.log.end;
    if (end?.problem && end.by !== 'program' && !this.closing) this.emit('problem', end.problem);
    if (this.links.size === 0) this.emit('idle');
  }
}
