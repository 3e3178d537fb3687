// A hand-written client that buffers its reads properly and loops until a method return or error,
// matched by type only (the REPLY_SERIAL is never read) — youki's client after its fix. Calls
// GetNameOwner("org.freedesktop.DBus"); exit 0 if the answer is right, 1 if not. No timeout.
'use strict';
const { encodeCall, parse, readOnce, askForBusOwner, BUS } = require('./handWire.cjs');

let buffered = Buffer.alloc(0);

async function call(socket, serial, member, arg) {
  socket.write(encodeCall(serial, { ...BUS, member, arg }));
  for (;;) {
    for (const message of parse(buffered)) {
      if (message.type !== 2 && message.type !== 3) continue;
      buffered = buffered.subarray(message.end);
      return message;
    }
    buffered = Buffer.concat([buffered, await readOnce(socket)]);
  }
}

askForBusOwner(call);
