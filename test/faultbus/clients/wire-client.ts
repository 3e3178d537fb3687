// Our own wire client: GetNameOwner("org.freedesktop.DBus") on the session bus with the timeout given
// in ms as argv[2]; exit 0 if the answer is right, 1 if not, 3 on a timeout (saying after how long).
import { CallTimeoutError, Connection } from '../../../wire/src/index';

async function main(): Promise<number> {
  const timeoutMs = Number(process.argv[2] ?? 25_000);
  const connection = await Connection.open({ bus: 'session' });
  const started = performance.now();
  try {
    const reply = await connection.call({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetNameOwner',
      signature: 's',
      body: ['org.freedesktop.DBus'],
      timeoutMs,
    });
    if (reply.body[0] !== 'org.freedesktop.DBus') {
      console.error(`wrong reply: ${JSON.stringify(reply.body)}`);
      return 1;
    }
    console.log(reply.body[0]);
    return 0;
  } catch (error) {
    if (!(error instanceof CallTimeoutError)) throw error;
    console.error(`timed out after ${Math.round(performance.now() - started)} ms (timeout ${timeoutMs} ms)`);
    return 3;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  },
);
