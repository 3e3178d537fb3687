// dbus-next making a call with no timeout (it has none to set): GetNameOwner("org.freedesktop.DBus")
// on the session bus; exit 0 if the answer is right, 1 if not.
'use strict';
const dbus = require('dbus-next');

async function main() {
  const bus = dbus.sessionBus();
  const reply = await bus.call(
    new dbus.Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetNameOwner',
      signature: 's',
      body: ['org.freedesktop.DBus'],
    }),
  );
  bus.disconnect();
  if (reply.body[0] !== 'org.freedesktop.DBus') {
    console.error(`wrong reply: ${JSON.stringify(reply.body)}`);
    process.exit(1);
  }
  console.log(reply.body[0]);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
