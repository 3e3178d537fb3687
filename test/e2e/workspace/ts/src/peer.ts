// e2e fixture: a dbus-next call to the test peer on the private bus (the replay step replays it).
import dbus, { Message } from 'dbus-next';

const bus = dbus.sessionBus();

export async function ping(): Promise<void> {
  await bus.call(new Message({ destination: 'org.example.DBusLintE2E', path: '/org/example/DBusLintE2E', interface: 'org.example.DBusLintE2E', member: 'Ping', signature: 's', body: ['hello'] }));
}
