// The recorder's output: every message and socket read of one connection, in the exact shape that
// `dbus-lint call --format json` prints and the replay view renders. Plain data (JSON-safe: 64-bit
// integers in bodies are decimal strings), so it crosses the webview boundary and the CLI unchanged.

export type MessageTypeName = 'method_call' | 'method_return' | 'error' | 'signal';

export interface RecordedMessage {
  direction: 'sent' | 'received';
  type: MessageTypeName;
  serial: number;
  replySerial: number | null;
  sender: string | null;
  destination: string | null;
  path: string | null;
  interface: string | null;
  member: string | null;
  errorName: string | null;
  signature: string | null;
  /** Decoded body; bigint values as decimal strings, byte arrays as number arrays, variants as {signature, value}. */
  body: unknown[];
  /** Milliseconds since the connection attempt started (monotonic clock). */
  atMs: number;
  /** Size of the whole message on the wire, header and padding included. */
  size: number;
  /** Present only when something about the message needs saying (a reply that came after its call timed out). */
  note?: string;
  /** Present only in fault-bus recordings, on a message the proxy did not forward as it came. */
  fault?: RecordedFault;
}

/** What the fault bus did to a message: which fault, and whether it made, held, delayed, dropped or cut it. */
export interface RecordedFault {
  name: string;
  action: 'injected' | 'held' | 'delayed' | 'dropped' | 'split' | 'coalesced';
}

export interface RecordedRead {
  atMs: number;
  bytes: number;
  /** Indexes into `messages` of the messages whose last byte arrived in this read. */
  completes: number[];
}

export interface RecordedAuthLine {
  direction: 'sent' | 'received';
  /** The SASL line without its trailing \r\n (the leading NUL byte is not shown). */
  line: string;
  atMs: number;
}

/** What `dbus-lint call --format json` prints; the replay view and JSON export use the same shape. */
export interface CallRecording {
  messages: RecordedMessage[];
  reads: RecordedRead[];
  /** Index into `messages` of the reply whose REPLY_SERIAL matched the call, or null (timeout, disconnect). */
  reply: number | null;
  error: { name: string; message: string } | null;
}

/**
 * The recording plus what the JSON shape leaves out: auth lines, the raw bytes of every message
 * (base64, for pcap export) and the index of the call being replayed.
 */
export interface DetailedRecording extends CallRecording {
  auth: RecordedAuthLine[];
  /** Raw wire bytes of messages[i], base64. */
  raw: string[];
  /** Index into `messages` of the method call the user asked for. */
  call: number | null;
  /** Wall-clock time the connection started (ISO 8601), for pcap timestamps. */
  startedAt: string;
}

export interface StressSummary {
  runs: number;
  ok: number;
  failed: number;
  timeouts: number;
  /** Over the runs that got a reply; null when none did (there is no latency to tell). */
  latencyMs: { p50: number | null; p99: number | null };
  naive: { firstMessageWrong: number; noReplyInFirstRead: number };
  /** Why the runs stopped before the count asked for: the bus went away (no new connection could be made). */
  stopped?: string;
}
