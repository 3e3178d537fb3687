// The D-Bus a hand-written client knows: a method call encoder, a header-and-string-body parser and
// EXTERNAL auth over DBUS_SESSION_BUS_ADDRESS (unix:path= only). Shared by the two hand-written test
// clients, whose only difference is how they read replies.
'use strict';
const net = require('node:net');

function pad(parts, length, to) {
  const fill = (to - (length % to)) % to;
  if (fill) parts.push(Buffer.alloc(fill));
  return length + fill;
}

function encodeCall(serial, call) {
  const fields = [];
  let length = 0;
  const field = (code, sig, value) => {
    length = pad(fields, length, 8);
    const text = Buffer.from(value);
    const head = Buffer.from([code, 1, sig.charCodeAt(0), 0]);
    fields.push(head);
    length += 4;
    if (sig === 'g') {
      fields.push(Buffer.from([text.length]), text, Buffer.from([0]));
      length += text.length + 2;
    } else {
      const size = Buffer.alloc(4);
      size.writeUInt32LE(text.length);
      fields.push(size, text, Buffer.from([0]));
      length += 4 + text.length + 1;
    }
  };
  field(1, 'o', call.path);
  field(2, 's', call.interface);
  field(3, 's', call.member);
  field(6, 's', call.destination);
  if (call.arg !== undefined) field(8, 'g', 's');
  const fieldBytes = Buffer.concat(fields);
  const body = [];
  if (call.arg !== undefined) {
    const text = Buffer.from(call.arg);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(text.length);
    body.push(size, text, Buffer.from([0]));
  }
  const bodyBytes = Buffer.concat(body);
  const fixed = Buffer.alloc(16);
  fixed.write('l', 0);
  fixed[1] = 1;
  fixed[3] = 1;
  fixed.writeUInt32LE(bodyBytes.length, 4);
  fixed.writeUInt32LE(serial, 8);
  fixed.writeUInt32LE(fieldBytes.length, 12);
  const headerLength = 16 + fieldBytes.length;
  const padding = Buffer.alloc((8 - (headerLength % 8)) % 8);
  return Buffer.concat([fixed, fieldBytes, padding, bodyBytes]);
}

/** Whole messages at the start of `buffer`: [{type, serial, replySerial, signature, text, member, end}], `end` being the byte after it. */
function parse(buffer) {
  const messages = [];
  let at = 0;
  while (buffer.length - at >= 16) {
    if (buffer[at] !== 0x6c) throw new Error(`not a little-endian message at byte ${at}: the stream is out of step`);
    const bodyLength = buffer.readUInt32LE(at + 4);
    const fieldsLength = buffer.readUInt32LE(at + 12);
    const bodyStart = at + 16 + Math.ceil(fieldsLength / 8) * 8;
    const end = bodyStart + bodyLength;
    if (end > buffer.length) break;
    const message = {
      type: buffer[at + 1],
      serial: buffer.readUInt32LE(at + 8),
      replySerial: null,
      signature: '',
      text: null,
      member: null,
    };
    let f = at + 16;
    while (f < at + 16 + fieldsLength) {
      f = at + Math.ceil((f - at) / 8) * 8;
      const code = buffer[f];
      const sigLength = buffer[f + 1];
      const sig = buffer.toString('latin1', f + 2, f + 2 + sigLength);
      f += 3 + sigLength;
      if (sig === 'u') {
        f = at + Math.ceil((f - at) / 4) * 4;
        if (code === 5) message.replySerial = buffer.readUInt32LE(f);
        f += 4;
      } else if (sig === 'g') {
        const n = buffer[f];
        if (code === 8) message.signature = buffer.toString('latin1', f + 1, f + 1 + n);
        f += n + 2;
      } else {
        f = at + Math.ceil((f - at) / 4) * 4;
        const n = buffer.readUInt32LE(f);
        if (code === 3) message.member = buffer.toString('utf8', f + 4, f + 4 + n);
        f += 4 + n + 1;
      }
    }
    if (message.signature.startsWith('s'))
      message.text = buffer.toString('utf8', bodyStart + 4, bodyStart + 4 + buffer.readUInt32LE(bodyStart));
    message.end = end;
    messages.push(message);
    at = end;
  }
  return messages;
}

function connect() {
  const address = process.env.DBUS_SESSION_BUS_ADDRESS || '';
  const match = /^unix:path=([^,;]+)/.exec(address);
  if (!match) throw new Error(`DBUS_SESSION_BUS_ADDRESS is not a unix:path= address: "${address}"`);
  return net.createConnection({ path: match[1] });
}

/** The next 'data' chunk: one read, as a client that reads once after sending sees it. */
function readOnce(socket) {
  return new Promise((resolve, reject) => {
    socket.once('data', resolve);
    socket.once('close', () => reject(new Error('the bus closed the connection')));
  });
}

async function authenticate(socket) {
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(process.getuid())).toString('hex')}\r\n`);
  let text = '';
  while (!text.includes('\r\n')) text += (await readOnce(socket)).toString('latin1');
  if (!text.startsWith('OK ')) throw new Error(`auth refused: ${text.trim()}`);
  socket.write('BEGIN\r\n');
}

const BUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
const EXPECTED = 'org.freedesktop.DBus';

/**
 * The clients' one job: connect, authenticate, Hello, then GetNameOwner("org.freedesktop.DBus") through the
 * client's own `call`; exit 0 when the reply is right, 1 (saying what was taken) when it is not.
 */
function askForBusOwner(call) {
  const main = async () => {
    const socket = connect();
    await authenticate(socket);
    await call(socket, 1, 'Hello');
    const reply = await call(socket, 2, 'GetNameOwner', EXPECTED);
    socket.destroy();
    if (reply.type !== 2 || reply.text !== EXPECTED) {
      console.error(
        `wrong reply: took message type ${reply.type} ${reply.member ?? ''} serial ${reply.serial} (reply serial ${reply.replySerial}) with ${JSON.stringify(reply.text)}`,
      );
      process.exit(1);
    }
    console.log(reply.text);
  };
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

module.exports = { encodeCall, parse, connect, readOnce, authenticate, askForBusOwner, BUS, EXPECTED };
