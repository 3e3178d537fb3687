// The editor's live view of a program run against the fault bus: the rows of every connection the program
// opened (each message, which read or write carried it, and what the proxy did to it) and a summary of how the
// run ended. Pure data and HTML, no vscode: the page's script (media/faultRun.js) fills the table from
// FaultRunLive with textContent only, so nothing from the bus or the program is ever parsed as markup.
import { messageLabel } from './faultBus/report';
import type { ProxiedConnection } from './faultBus/recording';
import type { ProgramEnd } from './faultBus/programRun';
import { escapeHtml, webviewHead, type WebviewResources } from './html';

export interface FaultRunRow {
  connection: number;
  atMs: number;
  direction: 'sent' | 'received';
  /** "method_call org.example.Iface.Ping", "signal org.freedesktop.DBus.NameAcquired", … */
  what: string;
  type: string;
  member: string | null;
  serial: number;
  replySerial: number | null;
  /** 1-based number of the program's read (received) or write (sent) that carried the message's last byte. */
  io: number | null;
  /** "late-signal: held", "stale-reply: injected", … when the proxy did something to it. */
  fault: string | null;
}

export type FaultRunState = 'running' | 'passed' | 'failed' | 'hung' | 'error';

export interface FaultRunLive {
  state: FaultRunState;
  headline: string;
  rows: FaultRunRow[];
  connections: number;
  injected: number;
}

export interface FaultRunHeader {
  /** The exact command line, as confirmed. */
  command: string;
  cwd: string;
  /** "the session bus (unix:path=…)". */
  bus: string;
  faults: string[];
}

function rowsOf(connection: ProxiedConnection): FaultRunRow[] {
  const ioOf = new Map<number, number>();
  connection.reads.forEach((read, r) => read.completes.forEach((m) => ioOf.set(m, r + 1)));
  connection.writes.forEach((write, w) => write.completes.forEach((m) => ioOf.set(m, w + 1)));
  return connection.messages.map((message, index) => ({
    connection: connection.id,
    atMs: message.atMs,
    direction: message.direction,
    what: messageLabel(message),
    type: message.type,
    member: message.member,
    serial: message.serial,
    replySerial: message.replySerial,
    io: ioOf.get(index) ?? null,
    fault: message.fault ? `${message.fault.name}: ${message.fault.action}` : null,
  }));
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function headline(end: ProgramEnd | { error: string } | undefined, faults: string[], messages: number): string {
  const under = faults.length ? `under ${faults.join(', ')}` : 'with no fault';
  if (!end) return `running ${under}: ${messages} message${messages === 1 ? '' : 's'} so far`;
  if ('error' in end) return end.error;
  const after = seconds(end.durationMs);
  if (end.outcome === 'passed') return `passed: exited 0 after ${after} ${under}`;
  if (end.outcome === 'hung')
    return `hung: killed after ${after} ${under}; it was still waiting (a call without a timeout waits forever)`;
  const how = end.exitCode === null ? `was ended by ${end.signal}` : `exited ${end.exitCode}`;
  return `failed: ${how} after ${after} ${under}; the rows the proxy changed are marked`;
}

/** The view's data for the connections so far; `end` once the program ended (or could not start). */
export function faultRunLive(
  connections: readonly ProxiedConnection[],
  faults: string[],
  end?: ProgramEnd | { error: string },
): FaultRunLive {
  const rows = connections.flatMap(rowsOf);
  const state: FaultRunState = !end ? 'running' : 'error' in end ? 'error' : end.outcome;
  return {
    state,
    headline: headline(end, faults, rows.length),
    rows,
    connections: connections.length,
    injected: rows.filter((row) => row.fault !== null).length,
  };
}

export function renderFaultRunHtml(header: FaultRunHeader, resources: WebviewResources): string {
  const faults = header.faults.length ? header.faults.join(', ') : 'none';
  return `${webviewHead(resources, 'Fault bus run')}
<header>
<h1 id="title">Fault bus: <code id="command">${escapeHtml(header.command)}</code></h1>
<p id="facts">in ${escapeHtml(header.cwd)} · ${escapeHtml(header.bus)} · faults: <span id="faults">${escapeHtml(faults)}</span></p>
<p id="summary" data-state="running" role="status" aria-live="polite">starting…</p>
<div class="actions" role="toolbar" aria-label="fault bus actions">
<button id="stop" type="button">Stop the program</button>
<button id="export-json" type="button" class="secondary">Save as JSON</button>
<button id="export-pcap" type="button" class="secondary">Save as pcap</button>
</div>
<p id="notice" role="status" aria-live="polite"></p>
</header>
<section aria-labelledby="sequence-title">
<h2 id="sequence-title">The program's D-Bus traffic, as it saw it</h2>
<div class="sequence-scroll">
<table id="live" aria-label="message sequence">
<thead><tr><th scope="col" class="time">ms</th><th scope="col">read / write</th><th scope="col">to</th><th scope="col" class="label">message</th><th scope="col">fault bus</th><th scope="col">serial</th><th scope="col">reply serial</th><th scope="col">connection</th></tr></thead>
<tbody></tbody>
</table>
</div>
<p class="hint">Marked rows are what the proxy held, made, cut or dropped. "read 3" is the program's third read on that connection; messages with the same number arrived in one read.</p>
</section>
<script nonce="${escapeHtml(resources.nonce)}" src="${escapeHtml(resources.scriptUri)}"></script>
</body>
</html>
`;
}
