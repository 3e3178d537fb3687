// D-Bus messages: the fixed header, header fields and body, encoded little-endian and decoded in
// either byte order.
import { ProtocolError } from './errors';
import { MAX_ARRAY_LENGTH, MAX_MESSAGE_LENGTH, Writer, writeValues } from './marshal';
import { isBusName, isErrorName, isInterfaceName, isMemberName, isObjectPath } from './names';
import { parseSignature } from './signature';
import { Reader, readValue, readValues } from './unmarshal';
import type { MessageTypeName } from './recording';

export const MessageType = { METHOD_CALL: 1, METHOD_RETURN: 2, ERROR: 3, SIGNAL: 4 } as const;
export type MessageTypeCode = (typeof MessageType)[keyof typeof MessageType];

export const MessageFlag = {
  NO_REPLY_EXPECTED: 0x1,
  NO_AUTO_START: 0x2,
  ALLOW_INTERACTIVE_AUTHORIZATION: 0x4,
} as const;

const TYPE_NAMES: Record<MessageTypeCode, MessageTypeName> = {
  1: 'method_call',
  2: 'method_return',
  3: 'error',
  4: 'signal',
};

export function typeName(type: MessageTypeCode): MessageTypeName {
  return TYPE_NAMES[type];
}

const Field = {
  PATH: 1,
  INTERFACE: 2,
  MEMBER: 3,
  ERROR_NAME: 4,
  REPLY_SERIAL: 5,
  DESTINATION: 6,
  SENDER: 7,
  SIGNATURE: 8,
  UNIX_FDS: 9,
} as const;

export interface Message {
  type: MessageTypeCode;
  flags: number;
  /** 0 until the connection assigns one on sending. */
  serial: number;
  replySerial?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  destination?: string;
  sender?: string;
  /** Body signature; '' or absent for an empty body. */
  signature?: string;
  unixFds?: number;
  body: unknown[];
}

/** Encodes a message, little-endian, with the given serial. Throws MarshalError/SignatureError on bad input. */
export function encodeMessage(message: Message, serial: number): Buffer {
  const signature = message.signature ?? '';
  const bodyTypes = parseSignature(signature);
  const w = new Writer(256);
  w.u8(0x6c); // 'l'
  w.u8(message.type);
  w.u8(message.flags);
  w.u8(1);
  w.u32(0); // body length, patched below
  w.u32(serial);
  w.u32(0); // header field array length, patched below
  const fieldsStart = w.pos;
  const stringField = (code: number, sig: 's' | 'o', value: string | undefined) => {
    if (value === undefined) return;
    w.align(8);
    w.u8(code);
    w.signature(sig);
    w.string(value);
  };
  stringField(Field.PATH, 'o', message.path);
  stringField(Field.INTERFACE, 's', message.interface);
  stringField(Field.MEMBER, 's', message.member);
  stringField(Field.ERROR_NAME, 's', message.errorName);
  if (message.replySerial !== undefined) {
    w.align(8);
    w.u8(Field.REPLY_SERIAL);
    w.signature('u');
    w.u32(message.replySerial);
  }
  stringField(Field.DESTINATION, 's', message.destination);
  stringField(Field.SENDER, 's', message.sender);
  if (signature !== '') {
    w.align(8);
    w.u8(Field.SIGNATURE);
    w.signature('g');
    w.signature(signature);
  }
  if (message.unixFds !== undefined) {
    w.align(8);
    w.u8(Field.UNIX_FDS);
    w.signature('u');
    w.u32(message.unixFds);
  }
  w.buf.writeUInt32LE(w.pos - fieldsStart, 12);
  w.align(8);
  const bodyStart = w.pos;
  writeValues(w, bodyTypes, message.body);
  const bodyLength = w.pos - bodyStart;
  w.buf.writeUInt32LE(bodyLength, 4);
  if (w.pos > MAX_MESSAGE_LENGTH) throw new ProtocolError(`message of ${w.pos} bytes is over the 128 MiB limit`);
  return w.bytes();
}

/** Fixed header + header-field array: total length of the message that starts at `offset`, from its first 16 bytes. */
export function frameLength(buf: Buffer, offset: number): number {
  const endian = buf[offset];
  let bodyLength: number;
  let fieldsLength: number;
  if (endian === 0x6c) {
    bodyLength = buf.readUInt32LE(offset + 4);
    fieldsLength = buf.readUInt32LE(offset + 12);
  } else if (endian === 0x42) {
    bodyLength = buf.readUInt32BE(offset + 4);
    fieldsLength = buf.readUInt32BE(offset + 12);
  } else {
    throw new ProtocolError(
      `bad endianness byte 0x${(endian ?? 0).toString(16)} at the start of a message: the stream is not D-Bus or is out of sync`,
    );
  }
  if (buf[offset + 3] !== 1) throw new ProtocolError(`unsupported protocol version ${buf[offset + 3]} (expected 1)`);
  if (fieldsLength > MAX_ARRAY_LENGTH)
    throw new ProtocolError(`header field array of ${fieldsLength} bytes is over the 64 MiB limit`);
  const total = 16 + ((fieldsLength + 7) & ~7) + bodyLength;
  if (total > MAX_MESSAGE_LENGTH) throw new ProtocolError(`message of ${total} bytes is over the 128 MiB limit`);
  return total;
}

const FIELD_SIGNATURES: Record<number, string> = {
  1: 'o',
  2: 's',
  3: 's',
  4: 's',
  5: 'u',
  6: 's',
  7: 's',
  8: 'g',
  9: 'u',
};

/**
 * Decodes the fixed header and header fields of one complete message (exactly `frame`), not its body:
 * what a proxy needs to route and match a message it forwards untouched. `bodyStart` is the body's offset.
 * Throws ProtocolError on anything malformed in the header.
 */
export function decodeHeader(frame: Buffer): { message: Message; bodyStart: number; bodyLength: number } {
  const total = frameLength(frame, 0);
  if (total !== frame.length) throw new ProtocolError(`message frame of ${frame.length} bytes, header says ${total}`);
  const littleEndian = frame[0] === 0x6c;
  const type = frame[1];
  if (type < 1 || type > 4) throw new ProtocolError(`unknown message type ${type}`);
  const r = new Reader(frame, 0, 4, frame.length, littleEndian);
  const bodyLength = r.u32();
  const serial = r.u32();
  if (serial === 0) throw new ProtocolError('message with serial 0');
  const message: Message = { type: type as MessageTypeCode, flags: frame[2], serial, body: [] };
  const fieldsLength = r.u32();
  const fieldsEnd = r.pos + fieldsLength;
  const fields = new Reader(frame, 0, r.pos, fieldsEnd, littleEndian);
  while (fields.pos < fieldsEnd) {
    fields.align(8);
    const code = fields.u8();
    const signature = fields.signature();
    const expected = FIELD_SIGNATURES[code];
    if (expected !== undefined && signature !== expected) {
      throw new ProtocolError(`header field ${code} has signature "${signature}", expected "${expected}"`);
    }
    let value: unknown;
    try {
      value = readValue(fields, parseSingleField(signature), 1);
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      throw new ProtocolError(`header field ${code}: ${(error as Error).message}`);
    }
    assignField(message, code, value);
  }
  if (fields.pos !== fieldsEnd) throw new ProtocolError('header fields overrun their declared length');
  const padding = new Reader(frame, 0, fieldsEnd, frame.length, littleEndian);
  padding.align(8);
  const bodyStart = padding.pos;
  if (frame.length - bodyStart !== bodyLength) throw new ProtocolError('body length does not match the header');
  checkRequiredFields(message);
  return { message, bodyStart, bodyLength };
}

/** Decodes one complete message (exactly `frame`). Throws ProtocolError on anything malformed. */
export function decodeMessage(frame: Buffer): Message {
  const { message, bodyStart, bodyLength } = decodeHeader(frame);
  const body = new Reader(frame, 0, bodyStart, frame.length, frame[0] === 0x6c);
  const signature = message.signature ?? '';
  if (signature === '' && bodyLength > 0)
    throw new ProtocolError(`body of ${bodyLength} bytes without a SIGNATURE header field`);
  message.body = readValues(body, parseSignatureOrProtocol(signature));
  if (body.pos !== frame.length)
    throw new ProtocolError(`body has ${frame.length - body.pos} byte(s) beyond its signature "${signature}"`);
  return message;
}

function parseSignatureOrProtocol(signature: string) {
  try {
    return parseSignature(signature);
  } catch (error) {
    throw new ProtocolError((error as Error).message);
  }
}

function parseSingleField(signature: string) {
  const types = parseSignatureOrProtocol(signature);
  if (types.length !== 1) throw new ProtocolError(`header field signature "${signature}" is not one complete type`);
  return types[0];
}

function assignField(message: Message, code: number, value: unknown): void {
  switch (code) {
    case Field.PATH:
      message.path = value as string;
      break;
    case Field.INTERFACE:
      if (!isInterfaceName(value as string))
        throw new ProtocolError(`invalid interface name in header: ${JSON.stringify(value)}`);
      message.interface = value as string;
      break;
    case Field.MEMBER:
      if (!isMemberName(value as string))
        throw new ProtocolError(`invalid member name in header: ${JSON.stringify(value)}`);
      message.member = value as string;
      break;
    case Field.ERROR_NAME:
      if (!isErrorName(value as string))
        throw new ProtocolError(`invalid error name in header: ${JSON.stringify(value)}`);
      message.errorName = value as string;
      break;
    case Field.REPLY_SERIAL:
      message.replySerial = value as number;
      break;
    case Field.DESTINATION:
      if (!isBusName(value as string))
        throw new ProtocolError(`invalid destination in header: ${JSON.stringify(value)}`);
      message.destination = value as string;
      break;
    case Field.SENDER:
      if (!isBusName(value as string)) throw new ProtocolError(`invalid sender in header: ${JSON.stringify(value)}`);
      message.sender = value as string;
      break;
    case Field.SIGNATURE:
      message.signature = value as string;
      break;
    case Field.UNIX_FDS:
      message.unixFds = value as number;
      break;
    default:
      break; // unknown fields must be accepted and ignored
  }
}

function checkRequiredFields(message: Message): void {
  const missing = (field: string) =>
    new ProtocolError(
      `${typeName(message.type)} (serial ${message.serial}) without the required ${field} header field`,
    );
  switch (message.type) {
    case MessageType.METHOD_CALL:
      if (message.path === undefined) throw missing('PATH');
      if (message.member === undefined) throw missing('MEMBER');
      break;
    case MessageType.SIGNAL:
      if (message.path === undefined) throw missing('PATH');
      if (message.interface === undefined) throw missing('INTERFACE');
      if (message.member === undefined) throw missing('MEMBER');
      break;
    case MessageType.ERROR:
      if (message.errorName === undefined) throw missing('ERROR_NAME');
      if (message.replySerial === undefined) throw missing('REPLY_SERIAL');
      break;
    case MessageType.METHOD_RETURN:
      if (message.replySerial === undefined) throw missing('REPLY_SERIAL');
      break;
  }
}

/** Validates the names in an outgoing method call, so mistakes surface before the bus disconnects us. */
export function checkCallNames(call: {
  destination?: string;
  path: string;
  interface?: string;
  member: string;
}): string | null {
  if (call.destination !== undefined && !isBusName(call.destination))
    return `"${call.destination}" is not a valid bus name`;
  if (!isObjectPath(call.path)) return `"${call.path}" is not a valid object path (like /org/example/Object)`;
  if (call.interface !== undefined && !isInterfaceName(call.interface))
    return `"${call.interface}" is not a valid interface name (like org.example.Iface)`;
  if (!isMemberName(call.member)) return `"${call.member}" is not a valid member name`;
  return null;
}
