// A hand-written D-Bus client with youki's bug: after each call it reads the socket once and takes the first
// message of that read as the reply. Asks the bus for its id (org.freedesktop.DBus.GetId); exits 0 with the
// id, or 1 when what it took as the reply was something else (a signal such as NameAcquired).
'use strict';
const net = require('node:net');

const address = process.env.DBUS_SESSION_BUS_ADDRESS || '';
const path = /unix:path=([^,;]+)/.exec(address)?.[1];
if (!path) {
  console.error(`naive client: DBUS_SESSION_BUS_ADDRESS has no unix:path= (${address})`);
  process.exit(2);
}

function pad(parts, length, to) {
  const fill = (to - (length % to)) % to;
  if (fill) parts.push(Buffer.alloc(fill));
  return length + fill;
}

/** A method call to the bus, little-endian, no body. */
function methodCall(serial, member) {
  const fields = [
    [1, 'o', '/org/freedesktop/DBus'],
    [2, 's', 'org.freedesktop.DBus'],
    [3, 's', member],
    [6, 's', 'org.freedesktop.DBus'],
  ];
  const parts = [];
  let length = 0;
  for (const [code, type, value] of fields) {
    length = pad(parts, length, 8);
    const text = Buffer.from(value);
    const head = Buffer.alloc(8);
    head.writeUInt8(code, 0);
    head.writeUInt8(1, 1);
    head.write(type, 2);
    head.writeUInt32LE(text.length, 4);
    parts.push(head, text, Buffer.alloc(1));
    length += 8 + text.length + 1;
  }
  const array = Buffer.concat(parts);
  const fixed = Buffer.alloc(16);
  fixed.write('l', 0);
  fixed.writeUInt8(1, 1); // METHOD_CALL
  fixed.writeUInt8(1, 3); // protocol version
  fixed.writeUInt32LE(0, 4); // body length
  fixed.writeUInt32LE(serial, 8);
  fixed.writeUInt32LE(array.length, 12);
  const message = Buffer.concat([fixed, array]);
  return Buffer.concat([message, Buffer.alloc((8 - (message.length % 8)) % 8)]);
}

/** The first message of a buffer: its type, reply serial (field 5) and first string of the body. */
function firstMessage(bytes) {
  const type = bytes.readUInt8(1);
  const fieldsLength = bytes.readUInt32LE(12);
  let at = 16;
  let replySerial = null;
  while (at < 16 + fieldsLength) {
    at = (at + 7) & ~7;
    const code = bytes.readUInt8(at);
    const signature = bytes.toString('latin1', at + 2, at + 3);
    at += 4;
    if (signature === 'u') {
      if (code === 5) replySerial = bytes.readUInt32LE(at);
      at += 4;
    } else if (signature === 'g') at += 1 + bytes.readUInt8(at) + 1;
    else at += 4 + bytes.readUInt32LE(at) + 1;
  }
  at = (at + 7) & ~7;
  const text = bytes.length >= at + 4 ? bytes.toString('utf8', at + 4, at + 4 + bytes.readUInt32LE(at)) : '';
  return { type, replySerial, text };
}

const socket = net.createConnection({ path });

function call(serial, member) {
  socket.write(methodCall(serial, member));
  // The bug: one 'data' event is taken as the whole reply.
  return new Promise((resolve) => socket.once('data', (chunk) => resolve(firstMessage(chunk))));
}

socket.once('connect', () => {
  socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid())).toString('hex')}\r\n`);
  socket.once('data', async (answer) => {
    if (!answer.toString().startsWith('OK')) {
      console.error(`naive client: authentication failed: ${answer.toString().trim()}`);
      process.exit(2);
    }
    socket.write('BEGIN\r\n');
    await call(1, 'Hello');
    const reply = await call(2, 'GetId');
    socket.destroy();
    if (reply.type !== 2 || reply.replySerial !== 2) {
      console.error(`naive client: took message type ${reply.type} (reply serial ${reply.replySerial}) as the reply to GetId`);
      process.exit(1);
    }
    console.log(`bus id ${reply.text}`);
  });
});
