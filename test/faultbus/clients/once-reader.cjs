// A hand-written client that reads once after sending and takes the first message of that read as
// its reply — single-read-receive. Calls GetNameOwner("org.freedesktop.DBus"); exit 0 if the answer is
// right, 1 if what it took as the reply was not.
'use strict';
const { encodeCall, parse, connect, readOnce, authenticate, BUS, EXPECTED } = require('./handWire.cjs');

async function call(socket, serial, member, arg) {
  socket.write(encodeCall(serial, { ...BUS, member, arg }));
  const messages = parse(await readOnce(socket));
  if (messages.length === 0) throw new Error(`the read after ${member} held no whole message`);
  return messages[0];
}

async function main() {
  const socket = connect();
  await authenticate(socket);
  await call(socket, 1, 'Hello');
  const reply = await call(socket, 2, 'GetNameOwner', EXPECTED);
  socket.destroy();
  if (reply.type !== 2 || reply.text !== EXPECTED) {
    console.error(
      `wrong reply: took message type ${reply.type} ${reply.member ?? ''} serial ${reply.serial} with ${JSON.stringify(reply.text)}`,
    );
    process.exit(1);
  }
  console.log(reply.text);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
