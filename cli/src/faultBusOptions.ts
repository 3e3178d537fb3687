// What `dbus-lint proxy` and `dbus-lint run` share: the faults, the matches, which bus, and where the
// recording goes; and the help text's fault table.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  connectionsPcap,
  FaultBus,
  FaultBusError,
  terminalSafe,
  FAULT_PAUSE_MS,
  FAULT_TABLE,
  FaultSpecError,
  parseFaults,
  parseMatch,
  UNIX_FD_REFUSAL,
  type CallMatch,
  type Fault,
  type FaultBusRecording,
  type UpstreamChoice,
} from '../../replay/src/index';
import { UsageError, type Io } from './usage';

export const FAULT_BUS_OPTIONS = {
  fault: { type: 'string', multiple: true, default: [] as string[] },
  match: { type: 'string', multiple: true, default: [] as string[] },
  session: { type: 'boolean' },
  system: { type: 'boolean' },
  address: { type: 'string' },
  private: { type: 'boolean' },
  format: { type: 'string', default: 'text' },
  pcap: { type: 'string' },
  record: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface FaultBusFlags {
  fault: string[];
  match: string[];
  session?: boolean;
  system?: boolean;
  address?: string;
  private?: boolean;
  format: string;
  pcap?: string;
  record?: string;
}

export interface FaultBusSettings {
  faults: Fault[];
  match: CallMatch[];
  upstream: UpstreamChoice;
  format: 'text' | 'json';
}

export function faultBusSettings(values: FaultBusFlags): FaultBusSettings {
  const buses = [values.session, values.system, values.address !== undefined, values.private].filter(Boolean);
  if (buses.length > 1) throw new UsageError('choose one of --session, --system, --address and --private');
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError(`--format must be text or json, not "${values.format}"`);
  try {
    return {
      faults: parseFaults(values.fault),
      match: values.match.map(parseMatch),
      upstream:
        values.address !== undefined
          ? { kind: 'address', address: values.address }
          : values.system
            ? { kind: 'system' }
            : values.private
              ? { kind: 'private' }
              : { kind: 'session' },
      format: values.format,
    };
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
}

/** Writes --record (the JSON recording) and --pcap (every message, for tshark, Wireshark, Bustle). */
export async function writeRecordingFiles(values: FaultBusFlags, recording: FaultBusRecording, io: Io): Promise<void> {
  if (values.record) await writeFile(resolve(io.cwd, values.record), JSON.stringify(recording, null, 2) + '\n');
  if (values.pcap) await writeFile(resolve(io.cwd, values.pcap), connectionsPcap(recording.connections));
}

/** Words of `text` in lines of at most `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

const INDENT = ' '.repeat(18);
const table = FAULT_TABLE.map(
  (row) => `  ${row.syntax.padEnd(15)} ${wrap(row.does, 96, INDENT)}\n${INDENT}proves: ${wrap(row.proves, 88, INDENT)}`,
).join('\n');

export const FAULT_BUS_HELP = `Bus (one of; default --session):
  --session         the session bus (DBUS_SESSION_BUS_ADDRESS)
  --system          the system bus (DBUS_SYSTEM_BUS_ADDRESS, else /var/run/dbus/system_bus_socket); only when asked
  --address ADDR    the bus at ADDR (unix:path=… or tcp:…)
  --private         a dbus-daemon of the proxy's own, started in a temp dir and stopped with it
Faults (--fault, repeatable, combinable; none: everything passes untouched and is recorded):
${table}
  Pauses are ${FAULT_PAUSE_MS} ms. Faults act on the program's calls after its setup: auth, Hello and its reply pass
  untouched, unless a --match names Hello.
  --match destination=…,interface=…,member=…,path=…   act only on calls with these header fields (repeatable: any of them)
Recording:
  --record FILE     write the recording (every connection: messages, the reads as the program got them, its writes,
                    auth lines, how it ended; messages the proxy made, held, cut or dropped carry "fault") as JSON
  --pcap FILE       write every message as a pcap (link type 231) for tshark, Wireshark, Bustle
Auth: the SASL exchange is relayed byte for byte, and the bus checks the proxy's credentials: EXTERNAL succeeds for
  programs of the user running the proxy (the only user who can reach its socket, in a 0700 dir); other mechanisms
  pass through as they are and work if the bus accepts them from this user. NEGOTIATE_UNIX_FD is not passed on: the
  proxy answers "${UNIX_FD_REFUSAL}",
  so programs carry on without fd passing (one that requires it fails).`;

/**
 * Starts the fault bus for `dbus-lint <command>`, its problems said on stderr from then on. Null when it could
 * not start (no bus at the address, no dbus-daemon for --private): the reason is said, and the command exits 2.
 */
export async function startFaultBus(command: string, settings: FaultBusSettings, io: Io): Promise<FaultBus | null> {
  let bus: FaultBus;
  try {
    bus = await FaultBus.start({ ...settings, env: io.env });
  } catch (error) {
    if (!(error instanceof FaultBusError)) throw error;
    io.stderr(`dbus-lint ${command}: ${terminalSafe(error.message)}\n`);
    return null;
  }
  bus.on('problem', (problem) => io.stderr(`dbus-lint ${command}: ${terminalSafe(problem)}\n`));
  return bus;
}
