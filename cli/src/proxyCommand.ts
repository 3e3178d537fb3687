// `dbus-lint proxy`: the fault bus on its own. Prints the address to give a program, records until
// SIGINT or SIGTERM, then writes the recording (--record, --pcap, or stdout with --format json).
import { parseArgs } from 'node:util';
import { busAddressVariable, faultLabel, type FaultBusRecording } from '../../replay/src/index';
import {
  FAULT_BUS_HELP,
  FAULT_BUS_OPTIONS,
  faultBusSettings,
  startFaultBus,
  writeRecordingFiles,
} from './faultBusOptions';
import type { Command, Io } from './usage';

export const PROXY_USAGE = `Usage: dbus-lint proxy [--fault FAULT]... [--match FIELDS]... [--session | --system | --address ADDR | --private]
                       [--format text|json] [--record FILE] [--pcap FILE]

Starts the fault bus: a D-Bus-aware proxy on a unix socket of its own, in front of the bus, that applies the faults
to the programs that connect through it. Prints the address to use on its first line of stdout (give it to a program
as DBUS_SESSION_BUS_ADDRESS, or DBUS_SYSTEM_BUS_ADDRESS for a system-bus program) and records until Ctrl-C or SIGTERM.
Then it writes the recording: to --record / --pcap, and with --format json to stdout; text prints a summary.
${FAULT_BUS_HELP}
Exit codes: 0 stopped by Ctrl-C or SIGTERM (the recording written), 2 usage error, or the proxy could not start
(no bus at the address, no dbus-daemon for --private).`;

/** Resolves when SIGINT or SIGTERM comes (the handlers are removed then). */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function summary(recording: FaultBusRecording): string {
  const messages = recording.connections.reduce((n, c) => n + c.messages.length, 0);
  const touched = recording.connections.reduce((n, c) => n + c.messages.filter((m) => m.fault).length, 0);
  const problems = recording.connections.filter((c) => c.end?.problem).length;
  return `${recording.connections.length} connection(s), ${messages} message(s), ${touched} touched by a fault${problems ? `, ${problems} ended with a problem` : ''}`;
}

export const proxyCommand: Command = async (args, io: Io) => {
  const { values } = parseArgs({ args, options: FAULT_BUS_OPTIONS });
  if (values.help) {
    io.stdout(PROXY_USAGE + '\n');
    return 0;
  }
  const settings = faultBusSettings(values);
  // Registered before the proxy starts, so a signal during the start is not lost.
  const stopped = untilStopped();
  const bus = await startFaultBus('proxy', settings, io);
  if (!bus) return 2;
  const faults = settings.faults.map(faultLabel).join(', ') || 'none';
  if (settings.format === 'json')
    io.stdout(
      JSON.stringify({
        address: bus.address,
        upstream: bus.upstream.address,
        faults: settings.faults.map(faultLabel),
      }) + '\n',
    );
  else io.stdout(bus.address + '\n');
  io.stderr(
    `dbus-lint proxy: listening at ${bus.address} in front of ${bus.upstream.label}; faults: ${faults}\n` +
      `  use it with: ${busAddressVariable(settings.upstream)}='${bus.address}' PROGRAM\n` +
      '  Ctrl-C stops and writes the recording\n',
  );
  const signal = await stopped;
  const recording = bus.recording();
  await bus.close();
  await writeRecordingFiles(values, recording, io);
  if (settings.format === 'json') io.stdout(JSON.stringify(recording) + '\n');
  io.stderr(`dbus-lint proxy: stopped by ${signal}: ${summary(recording)}\n`);
  return 0;
};
