// `dbus-lint run -- CMD ARGS…`: the fault bus's proof loop. Starts the proxy, runs the command N times
// with the bus address pointing at it, and reports which runs passed (exit 0 in time), failed (exit
// non-zero) or hung (killed at the bound), with the message sequence of the failing runs.
import { parseArgs } from 'node:util';
import {
  busAddressVariable,
  type ProgramOutcome,
  faultLabel,
  ProgramStartError,
  runProgram,
  sequenceLines,
  terminalSafe,
  type ProxiedConnection,
} from '../../replay/src/index';
import {
  FAULT_BUS_HELP,
  FAULT_BUS_OPTIONS,
  faultBusSettings,
  startFaultBus,
  writeRecordingFiles,
} from './faultBusOptions';
import { positiveInteger } from './options';
import { UsageError, type Command, type Io } from './usage';

const DEFAULT_TIMEOUT_S = 30;
/** How long a finished run's connections may take to close at the proxy before its recording is taken. */
const SETTLE_MS = 2000;
const OUTPUT_TAIL = 4096;
const SHOWN_FAILURES = 3;

export const RUN_USAGE = `Usage: dbus-lint run [--fault FAULT]... [--match FIELDS]... [--session | --system | --address ADDR | --private]
                     [--repeat N] [--timeout-s S] [--format text|json] [--record FILE] [--pcap FILE] -- CMD [ARG...]

Starts the fault bus (as \`dbus-lint proxy\` does) and runs CMD N times, one after the other, with
DBUS_SESSION_BUS_ADDRESS (DBUS_SYSTEM_BUS_ADDRESS with --system) set to the proxy's address. A run passed when CMD
exited 0 within S seconds, failed when it exited non-zero, hung when it had to be killed at S seconds.
  --repeat N        runs (default 1)
  --timeout-s S     seconds each run may take (default ${DEFAULT_TIMEOUT_S}; decimals allowed)
  --format text|json   text (default): the counts, then for the first ${SHOWN_FAILURES} failing runs the message sequence
                    that led there and the end of their output; json: {runs, passed, failed, hung, command, faults,
                    match, upstream, results: [{run, outcome, exitCode, signal, durationMs, stdout, stderr, recording}]}
                    where recording holds the run's connections (as --record writes them)
${FAULT_BUS_HELP}
Exit codes: 0 every run passed, 1 some run failed or hung, 2 usage error or the proxy could not start (no bus, CMD not
found), 130 interrupted by Ctrl-C (the runs so far are reported).`;

interface RunResult {
  run: number;
  outcome: ProgramOutcome;
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  recording: { connections: ProxiedConnection[] };
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? '…' + text.slice(-OUTPUT_TAIL) : text;
}

function timeoutSeconds(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_S;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || value * 1000 > 2_147_483_647)
    throw new UsageError(`--timeout-s must be a positive number of seconds, like 30 or 0.5, not "${text}"`);
  return value;
}

function failureText(result: RunResult): string {
  const how =
    result.outcome === 'hung'
      ? `hung: killed after ${result.durationMs.toFixed(0)} ms`
      : `failed: exit ${result.exitCode ?? result.signal} after ${result.durationMs.toFixed(0)} ms`;
  const lines = [`run ${result.run} ${how}`];
  for (const connection of result.recording.connections) {
    lines.push(`  connection ${connection.id}:`);
    lines.push(...sequenceLines(connection).map((line) => `    ${line}`));
  }
  if (result.recording.connections.length === 0) lines.push('  (it made no connection to the bus)');
  const output = (result.stderr || result.stdout).trimEnd();
  if (output)
    lines.push(
      '  its output ended with:',
      ...output
        .split('\n')
        .slice(-5)
        .map((line) => `    ${terminalSafe(line)}`),
    );
  return lines.join('\n') + '\n';
}

export const runCommand: Command = async (args, io: Io) => {
  const dashes = args.indexOf('--');
  const own = dashes < 0 ? args : args.slice(0, dashes);
  const command = dashes < 0 ? [] : args.slice(dashes + 1);
  const { values } = parseArgs({
    args: own,
    options: { ...FAULT_BUS_OPTIONS, repeat: { type: 'string' }, 'timeout-s': { type: 'string' } },
  });
  if (values.help) {
    io.stdout(RUN_USAGE + '\n');
    return 0;
  }
  const settings = faultBusSettings(values);
  const repeat = positiveInteger('--repeat', values.repeat) ?? 1;
  const timeoutMs = Math.round(timeoutSeconds(values['timeout-s']) * 1000);
  if (command.length === 0)
    throw new UsageError('give the command to run after --, like: dbus-lint run --fault late-signal -- ./my-client');

  const bus = await startFaultBus('run', settings, io);
  if (!bus) return 2;
  const variable = busAddressVariable(settings.upstream);
  const env = { ...io.env, [variable]: bus.address };
  const results: RunResult[] = [];
  let killCurrent: (() => void) | null = null;
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    killCurrent?.();
  };
  process.on('SIGINT', onInterrupt);
  try {
    for (let run = 1; run <= repeat && !interrupted; run++) {
      const from = bus.connectionCount + 1;
      const output = { stdout: '', stderr: '' };
      const program = runProgram(command, {
        env,
        cwd: io.cwd,
        timeoutMs,
        onOutput: (chunk, stream) => (output[stream] = tail(output[stream] + chunk)),
      });
      killCurrent = () => program.kill();
      let ended;
      try {
        ended = await program.done;
      } catch (error) {
        if (!(error instanceof ProgramStartError)) throw error;
        io.stderr(`dbus-lint run: ${terminalSafe(error.message)}\n`);
        return 2;
      }
      killCurrent = null;
      await bus.whenIdle(SETTLE_MS);
      results.push({ run, ...ended, ...output, recording: { connections: bus.recording(from).connections } });
      if (settings.format === 'text' && (run % 10 === 0 || run === repeat))
        io.stderr(`\rrun ${run}/${repeat}: ${results.filter((r) => r.outcome === 'passed').length} passed`);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    if (settings.format === 'text' && results.length) io.stderr('\n');
    await bus.close();
  }
  await writeRecordingFiles(values, bus.recording(), io);
  const count = (outcome: ProgramOutcome) => results.filter((result) => result.outcome === outcome).length;
  const totals = { runs: results.length, passed: count('passed'), failed: count('failed'), hung: count('hung') };
  if (settings.format === 'json') {
    io.stdout(
      JSON.stringify({
        ...totals,
        command,
        faults: settings.faults.map(faultLabel),
        match: values.match,
        upstream: bus.upstream.address,
        results,
      }) + '\n',
    );
  } else {
    io.stdout(
      `${terminalSafe(command.join(' '))} through the fault bus (faults: ${settings.faults.map(faultLabel).join(', ') || 'none'})\n` +
        `runs ${totals.runs}, passed ${totals.passed}, failed ${totals.failed}, hung ${totals.hung}\n`,
    );
    const failing = results.filter((result) => result.outcome !== 'passed');
    for (const result of failing.slice(0, SHOWN_FAILURES)) io.stdout(failureText(result));
    if (failing.length > SHOWN_FAILURES)
      io.stdout(`(${failing.length - SHOWN_FAILURES} more failing runs: --format json or --record has them all)\n`);
  }
  if (interrupted) {
    io.stderr(`dbus-lint run: interrupted after ${results.length} of ${repeat} runs\n`);
    return 130;
  }
  return totals.passed === totals.runs ? 0 : 1;
};
