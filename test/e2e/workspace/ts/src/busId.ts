// e2e fixture: a dbus-next call without a timeout.
import dbus, { Message } from 'dbus-next';

const bus = dbus.sessionBus();
const message = new Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'GetId' });

export async function busId(): Promise<string> {
  const reply = await bus.call(message);
  return reply?.body[0] as string;
}
