// A hand-written client that reads once after sending and takes the first message of that read as
// its reply — single-read-receive. Calls GetNameOwner("org.freedesktop.DBus"); exit 0 if the answer is
// right, 1 if what it took as the reply was not.
'use strict';
const { encodeCall, parse, readOnce, askForBusOwner, BUS } = require('./handWire.cjs');

async function call(socket, serial, member, arg) {
  socket.write(encodeCall(serial, { ...BUS, member, arg }));
  const messages = parse(await readOnce(socket));
  if (messages.length === 0) throw new Error(`the read after ${member} held no whole message`);
  return messages[0];
}

askForBusOwner(call);
