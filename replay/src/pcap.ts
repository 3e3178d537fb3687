// "Save as pcap": the recorded messages, both directions, as a classic pcap file with link type
// DLT_DBUS (231), the format `busctl capture` and `dbus-monitor --pcap` write and tshark, Wireshark and
// Bustle read. Each record is one whole D-Bus message, timestamped at startedAt + atMs.
import type { DetailedRecording } from '../../wire/src/index';

export const LINKTYPE_DBUS = 231;
/** D-Bus's own message size limit (128 MiB), so no message is ever truncated. */
const SNAPLEN = 128 * 1024 * 1024;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

function globalHeader(): Buffer {
  const header = Buffer.alloc(GLOBAL_HEADER);
  header.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps, written little-endian
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeInt32LE(0, 8);
  header.writeUInt32LE(0, 12);
  header.writeUInt32LE(SNAPLEN, 16);
  header.writeUInt32LE(LINKTYPE_DBUS, 20);
  return header;
}

function recordHeader(timeUs: number, length: number): Buffer {
  const header = Buffer.alloc(RECORD_HEADER);
  header.writeUInt32LE(Math.floor(timeUs / 1e6), 0);
  header.writeUInt32LE(Math.floor(timeUs % 1e6), 4);
  header.writeUInt32LE(length, 8);
  header.writeUInt32LE(length, 12);
  return header;
}

export function toPcap(recording: Pick<DetailedRecording, 'messages' | 'raw' | 'startedAt'>): Buffer {
  const startUs = Date.parse(recording.startedAt) * 1000;
  if (Number.isNaN(startUs)) throw new Error(`recording has no valid startedAt ("${recording.startedAt}")`);
  if (recording.raw.length !== recording.messages.length) {
    throw new Error(`recording has ${recording.messages.length} messages but raw bytes for ${recording.raw.length}`);
  }
  const parts: Buffer[] = [globalHeader()];
  recording.messages.forEach((message, i) => {
    const bytes = Buffer.from(recording.raw[i], 'base64');
    parts.push(recordHeader(startUs + Math.round(message.atMs * 1000), bytes.length), bytes);
  });
  return Buffer.concat(parts);
}
