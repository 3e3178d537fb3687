// Address forms on real dbus-daemons: abstract sockets, TCP on loopback with ANONYMOUS auth, and
// alternatives tried in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUS_NAME, BUS_PATH, Connection, ConnectError, Recorder } from '../../wire/src/index';
import { startDbusDaemon } from '../support/privateBus';

const getId = { destination: BUS_NAME, path: BUS_PATH, interface: BUS_NAME, member: 'GetId' };

test('unix:abstract= on Node 20: a ConnectError that explains the padded name, and the next alternative is used', async (t) => {
  const bus = await startDbusDaemon({ listen: 'abstract' });
  t.after(() => bus.stop());
  assert.match(bus.address, /^unix:abstract=/);
  await assert.rejects(
    Connection.open({ address: bus.address }),
    (error: unknown) => error instanceof ConnectError && /pads abstract socket names/.test(error.message),
  );
  const fallback = await startDbusDaemon();
  t.after(() => fallback.stop());
  const connection = await Connection.open({ address: `${bus.address};${fallback.address}` });
  t.after(() => connection.close());
  assert.match(String((await connection.call(getId)).body[0]), /^[0-9a-f]{32}$/);
});

test('tcp on loopback: EXTERNAL is refused, ANONYMOUS is used; a dead first alternative is skipped', async (t) => {
  const bus = await startDbusDaemon({ listen: 'tcp' });
  t.after(() => bus.stop());
  assert.match(bus.address, /^tcp:/);
  const recorder = new Recorder();
  const connection = await Connection.open({ address: `unix:path=${bus.dir}/absent;${bus.address}`, recorder });
  t.after(() => connection.close());
  assert.match(String((await connection.call(getId)).body[0]), /^[0-9a-f]{32}$/);
  const lines = recorder.auth.map((line) => `${line.direction} ${line.line.split(' ')[0]}`);
  assert.ok(
    lines.includes('sent AUTH') && lines.includes('received REJECTED') && lines.includes('received OK'),
    lines.join(', '),
  );
  assert.ok(recorder.auth.some((line) => line.line.startsWith('AUTH ANONYMOUS')));
});

test('no alternative answers → ConnectError listing each attempt', async () => {
  await assert.rejects(
    Connection.open({ address: 'unix:path=/nonexistent/a;unix:abstract=dbus-lint-nothing-here-4711' }),
    (error: unknown) => {
      assert.ok(error instanceof ConnectError);
      assert.equal(error.attempts.length, 2);
      assert.match(error.message, /unix:path=\/nonexistent\/a: .*ENOENT/);
      return true;
    },
  );
});
