// The fault bus's recording for people and for tools: the message sequence of a connection as text
// lines (what `dbus-lint run` prints for a failing run), and every connection in one pcap.
import type { DetailedRecording, RecordedMessage } from '../../../wire/src/index';
import { terminalSafe } from '../describe';
import { toPcap } from '../pcap';
import type { ProxiedConnection } from './recording';

/** "method_call org.example.Iface.Ping", "signal org.freedesktop.DBus.NameAcquired", "error org.…", "method_return". */
export function messageLabel(message: RecordedMessage): string {
  if (message.type === 'error') return `error ${message.errorName ?? ''}`;
  if (message.type === 'method_return') return 'method_return';
  return `${message.type} ${message.interface ? message.interface + '.' : ''}${message.member ?? ''}`;
}

/** One line per message, as the program saw it: time, the write that delivered it, direction, serials, fault. */
export function sequenceLines(connection: ProxiedConnection): string[] {
  const readOf = new Map<number, number>();
  connection.reads.forEach((read, r) => read.completes.forEach((m) => readOf.set(m, r)));
  const lines = connection.messages.map((message, i) => {
    const arrow = message.direction === 'sent' ? 'program → bus' : 'bus → program';
    const read = readOf.has(i) ? `read ${readOf.get(i)! + 1}` : message.direction === 'sent' ? '' : 'never read';
    const serials = `serial ${message.serial}${message.replySerial === null ? '' : ` reply_serial ${message.replySerial}`}`;
    const body = message.body.length ? ` ${JSON.stringify(message.body).slice(0, 120)}` : '';
    const fault = message.fault ? `  [${message.fault.name}: ${message.fault.action}]` : '';
    return terminalSafe(
      `${message.atMs.toFixed(2).padStart(9)} ms  ${read.padEnd(10)} ${arrow}  ${messageLabel(message)} (${serials})${body}${fault}`,
    );
  });
  if (connection.end?.problem)
    lines.push(terminalSafe(`${connection.end.atMs.toFixed(2).padStart(9)} ms  ${connection.end.problem}`));
  return lines;
}

/** Every connection's messages in one pcap (link type 231), each at its own wall-clock time. */
export function connectionsPcap(connections: ProxiedConnection[]): Buffer {
  const starts = connections.map((connection) => Date.parse(connection.startedAt));
  const origin = starts.length ? Math.min(...starts) : Date.now();
  const merged: Pick<DetailedRecording, 'messages' | 'raw' | 'startedAt'> = {
    messages: [],
    raw: [],
    startedAt: new Date(origin).toISOString(),
  };
  const all = connections.flatMap((connection, c) =>
    connection.messages.map((message, i) => ({
      message: { ...message, atMs: message.atMs + starts[c] - origin },
      raw: connection.raw[i],
    })),
  );
  all.sort((a, b) => a.message.atMs - b.message.atMs);
  for (const entry of all) {
    merged.messages.push(entry.message);
    merged.raw.push(entry.raw);
  }
  return toPcap(merged);
}
