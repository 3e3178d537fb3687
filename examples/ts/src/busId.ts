// Reports the session bus id and the names currently on the bus, using dbus-next.
import dbus, { Message } from 'dbus-next';

const bus = dbus.sessionBus();

export async function busId(): Promise<string> {
  const reply = await bus.call(
    new Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetId',
    }),
  );
  return reply?.body[0] as string;
}

export async function names(): Promise<string[]> {
  const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ListNames timed out')), 5000));
  // Getting the proxy object introspects the bus: it is a call too, bounded by the same timer.
  const object = await Promise.race([bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus'), timer]);
  const iface = object.getInterface('org.freedesktop.DBus');
  // Bounded: the timer rejects after 5 s if the bus never answers.
  return Promise.race([iface.ListNames() as Promise<string[]>, timer]);
}
