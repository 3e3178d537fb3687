// A test peer written with our own client: owns com.example.Types and serves /com/example/Types.
import { Connection, requestName, serveObjects } from '../../wire/src/index';

export const PEER = { name: 'com.example.Types', path: '/com/example/Types', interface: 'com.example.Types' } as const;

export interface TypesPeer {
  connection: Connection;
  stop(): Promise<void>;
}

/**
 * Echo(any) → the same arguments; Blob(u n) → ay of n bytes (byte i = i & 0xff); Delay(u ms) → u after
 * ms; Storm(u n) → u, after emitting n broadcast Tick(u i) signals.
 */
export async function startTypesPeer(address: string): Promise<TypesPeer> {
  const connection = await Connection.open({ address });
  serveObjects(connection, {
    [PEER.path]: [
      {
        name: PEER.interface,
        methods: {
          Echo: { in: null, out: '', handler: (call) => ({ signature: call.signature ?? '', body: call.body }) },
          Blob: {
            in: 'u',
            out: 'ay',
            handler: (call) => {
              const n = call.body[0] as number;
              const bytes = Buffer.allocUnsafe(n);
              for (let i = 0; i < n; i++) bytes[i] = i & 0xff;
              return { body: [bytes] };
            },
          },
          Delay: {
            in: 'u',
            out: 'u',
            handler: (call) =>
              new Promise((resolve) => setTimeout(() => resolve({ body: [call.body[0]] }), call.body[0] as number)),
          },
          Storm: {
            in: 'u',
            out: 'u',
            handler: (call) => {
              const n = call.body[0] as number;
              for (let i = 0; i < n; i++)
                connection.emitSignal({
                  path: PEER.path,
                  interface: PEER.interface,
                  member: 'Tick',
                  signature: 'u',
                  body: [i],
                });
              return { body: [n] };
            },
          },
        },
      },
    ],
  });
  await requestName(connection, PEER.name);
  return { connection, stop: () => connection.close() };
}

/** Starts the peer and a client connection on `address`, both closed when the test ends. */
export async function peerAndClient(
  t: { after: (fn: () => Promise<void>) => void },
  address: string,
): Promise<Connection> {
  const peer = await startTypesPeer(address);
  t.after(() => peer.stop());
  const connection = await Connection.open({ address });
  t.after(() => connection.close());
  return connection;
}
