// The fault bus in front of each bus implementation (dbus-daemon always, dbus-broker where it runs): the same
// proof on both, since programs meet both in the wild.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import { FaultBus, parseFaults, runProgram } from '../../replay/src/index';
import { BUS_NAME, BUS_PATH, Connection } from '../../wire/src/index';
import { REPO_ROOT } from '../support/analyzer';
import { forEachBus } from '../support/busSuite';
import type { PrivateBus } from '../support/privateBus';

const NAIVE_CLIENT = join(REPO_ROOT, 'examples', 'ts', 'src', 'naiveClient.cjs');

async function naiveRun(bus: PrivateBus, faults: string[]) {
  const proxy = await FaultBus.start({
    upstream: { kind: 'address', address: bus.address },
    faults: parseFaults(faults),
  });
  try {
    const run = runProgram([process.execPath, NAIVE_CLIENT], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: proxy.address },
      cwd: REPO_ROOT,
      timeoutMs: 10_000,
    });
    return await run.done;
  } finally {
    await proxy.close();
  }
}

forEachBus('fault bus', ({ need }) => {
  it('forwards a call and its reply untouched with no fault', async (t) => {
    const bus = need(t);
    if (!bus) return;
    const proxy = await FaultBus.start({ upstream: { kind: 'address', address: bus.address } });
    try {
      const direct = await Connection.open({ address: bus.address });
      const through = await Connection.open({ address: proxy.address });
      const call = { destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'GetId', timeoutMs: 5000 };
      const before = proxy.activity;
      const [a, b] = await Promise.all([direct.call(call), through.call(call)]);
      assert.ok(proxy.activity > before, 'the call is new activity');
      assert.deepEqual(b.body, a.body, 'the same bus id through the proxy');
      await Promise.all([direct.close(), through.close()]);
      assert.ok(await proxy.whenIdle(5000));
      const [connection] = proxy.recording().connections;
      assert.ok(connection.messages.some((m) => m.type === 'method_return' && m.body[0] === a.body[0]));
      assert.ok(
        connection.messages.every((m) => !m.fault),
        'nothing marked without a fault',
      );
      // A live view polls: with nothing new the activity stays, and asking again decodes nothing again.
      const activity = proxy.activity;
      const again = proxy.recording().connections[0];
      assert.equal(proxy.activity, activity);
      assert.equal(again.messages.length, connection.messages.length);
      again.messages.forEach((message, i) => assert.equal(message, connection.messages[i], 'decoded once'));
    } finally {
      await proxy.close();
    }
  });

  it('late-signal makes the naive client fail on every run', async (t) => {
    const bus = need(t);
    if (!bus) return;
    for (let run = 0; run < 10; run++) assert.equal((await naiveRun(bus, ['late-signal'])).outcome, 'failed');
  });
});
