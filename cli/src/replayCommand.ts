// `dbus-lint replay FILE:LINE`: the editor's "Replay this call on the bus" from a shell. Finds the
// finding on that line, completes its call from flags (or introspection), sends it on a fresh
// connection and prints the sequence with what a naive client would have received.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isDBusClientError, isTimeout, outcomeOf, toJsonSafe, type CallOutcome } from '../../wire/src/index';
import {
  busLabel,
  completeCall,
  dbusBackend,
  DEFAULT_TIMEOUT_MS,
  describeCall,
  missingParts,
  runReplay,
  toCallRecording,
  toPcap,
  terminalSafe,
  transcript,
  validatePart,
  type BusChoice,
  type CallPart,
  type CallPrompts,
  type ReplayCall,
} from '../../replay/src/index';
import { Analyzer, languageForPath, type CallData, type Finding } from '../../core/src/index';
import { defaultGrammarDir, grammarFolder } from '../../host/src/index';
import { CALL_TARGET_OPTIONS, checkOneBusFlag, positiveInteger, timeoutFlag, type BusFlags } from './options';
import { UsageError, type Command, type Io } from './usage';

export const REPLAY_USAGE = `Usage: dbus-lint replay FILE:LINE [--session | --system | --address ADDR] [--yes]
                        [--dest NAME] [--path PATH] [--interface IFACE] [--method MEMBER] [--signature SIG] [--arg VALUE]...
                        [--timeout MS] [--repeat N] [--format text|json] [--pcap OUT]

Replays the call of the finding on line LINE of FILE on a live bus, as the editor's "Replay this call on the
bus" does, and shows every message and socket read, the call-to-reply time, and what a client that reads once
(or takes the first message, or checks only the message type) would have received.
  --session | --system | --address ADDR   which bus (default: the session bus, even when the code uses the system bus)
  --yes                  send without asking, and introspect the destination when the code does not say the
                         signature (required when stdin is not a terminal: without it nothing reaches the bus)
  --dest --path --interface --method --signature   fill in or override what the code does not say
  --arg VALUE            one per complete type of the signature, in order (syntax as for \`dbus-lint call\`)
  --timeout MS           bound the whole exchange, connecting and Hello included (default ${DEFAULT_TIMEOUT_MS});
                         a timeout anywhere exits 3
  --repeat N             then run N fresh connections and add the stress summary (ok, failed, timeouts, latency, naive counts)
  --format text|json     text (default): the transcript; json: {finding, call, recording, verdict, timing[, stress]},
                         where recording is the \`dbus-lint call --format json\` shape
  --pcap OUT             also write the recording as a pcap (link type 231, D-Bus) for tshark, Wireshark, Bustle
Exit codes: 0 reply received, 1 D-Bus error reply, 3 timeout, 2 usage, connection or auth error.`;

const EXIT: Record<CallOutcome, number> = { reply: 0, 'error-reply': 1, timeout: 3, failed: 2 };

const PART_FLAGS: Record<CallPart, string> = {
  destination: '--dest NAME',
  path: '--path PATH',
  interface: '--interface IFACE',
  member: '--method MEMBER',
  args: '--arg VALUE (one per argument)',
};

function parseLocation(spec: string | undefined): { file: string; line: number } {
  const match = spec ? /^(.+):(\d+)$/.exec(spec) : null;
  if (!match)
    throw new UsageError(
      `expected FILE:LINE (like src/main.rs:42), got ${spec === undefined ? 'nothing' : `"${spec}"`}`,
    );
  const line = Number(match[2]);
  if (line < 1) throw new UsageError(`line numbers start at 1, got ${line}`);
  return { file: match[1], line };
}

function busChoice(values: BusFlags): BusChoice | undefined {
  checkOneBusFlag(values);
  if (values.address !== undefined) return { kind: 'address', address: values.address };
  if (values.system) return { kind: 'system' };
  if (values.session) return { kind: 'session' };
  return undefined;
}

async function findingAt(path: string, line: number, member: string | undefined): Promise<Finding> {
  const language = languageForPath(path);
  if (!language) throw new UsageError(`${path}: not a file dbus-lint analyses (.rs .ts .tsx .js …)`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const findings = await new Analyzer(grammarFolder(defaultGrammarDir())).analyze(text, language);
  const here = findings.filter(
    (f) =>
      f.range.start.line <= line - 1 &&
      line - 1 <= f.range.end.line &&
      (!member || !f.data.member || f.data.member === member),
  );
  if (here.length === 0) {
    const lines = [...new Set(findings.map((f) => f.range.start.line + 1))];
    throw new UsageError(
      `no finding on ${path}:${line}; ${lines.length ? `findings are on line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}` : 'the file has none'} (dbus-lint check ${path} lists them)`,
    );
  }
  // A finding whose call the code spells out wins over one (say, a hand-written read) that knows less.
  const known = (f: Finding) =>
    (['destination', 'path', 'interface', 'member'] as const).filter((part) => f.data[part]).length;
  return [...here].sort((a, b) => known(b) - known(a))[0];
}

async function askYesNo(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}

/** The CLI's answers for what the code does not say: flags (already applied), a terminal prompt, or a usage error. */
function cliPrompts(location: { file: string; line: number }, argFlags: string[], yes: boolean, io: Io): CallPrompts {
  const say = (text: string) => io.stderr(`dbus-lint replay: ${text}\n`);
  return {
    part(_part, known) {
      const missing = missingParts(known).filter((part) => part !== 'args');
      throw new UsageError(
        `${location.file}:${location.line}: the code does not say the call's ${missing.join(', ')}; pass ${missing.map((part) => PART_FLAGS[part]).join(', ')}`,
      );
    },
    async introspect(target) {
      if (yes) return true;
      // Introspecting is a call too (and can activate the service): never without consent.
      if (!process.stdin.isTTY) return false;
      return askYesNo(
        `Introspect ${target.destination} ${target.path} on the ${busLabel(target.bus)} to learn the signature of ${target.member}? (a call of its own, which can start the service; the call is shown before it is sent)`,
      );
    },
    signature(target, guess, introspected) {
      const why = introspected ? 'could not be introspected' : 'was not introspected (pass --yes to allow it)';
      if (guess !== undefined) {
        say(
          `${target.destination} ${target.path} ${why}; signature "${guess}" taken from the string arguments in the code`,
        );
        return Promise.resolve(guess);
      }
      if (argFlags.length === 0) {
        say(
          `${target.destination} ${target.path} ${why}; calling ${target.member} with no arguments (pass --signature and --arg if it takes some)`,
        );
        return Promise.resolve('');
      }
      throw new UsageError(
        `the signature is not known from the code and ${target.destination} ${target.path} ${why}: pass --signature SIG`,
      );
    },
    asksForArguments: false,
    arguments(target, types) {
      const signature = types.join('');
      throw new UsageError(
        `${target.member} takes ${types.length} argument${types.length === 1 ? '' : 's'} (signature "${signature}") that the code does not give as literals: pass each with ${PART_FLAGS.args}`,
      );
    },
    note: say,
  };
}

async function confirm(call: ReplayCall): Promise<boolean> {
  if (!process.stdin.isTTY)
    throw new UsageError(`not sending without confirmation: pass --yes to send ${describeCall(call)}`);
  return askYesNo(`Send ${describeCall(call)}?`);
}

export const replayCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CALL_TARGET_OPTIONS,
      arg: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string' },
      repeat: { type: 'string' },
      format: { type: 'string', default: 'text' },
      pcap: { type: 'string' },
      yes: { type: 'boolean', short: 'y' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(REPLAY_USAGE + '\n');
    return 0;
  }
  const started = performance.now();
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (positionals.length !== 1) throw new UsageError('replay takes exactly one FILE:LINE');
  const location = parseLocation(positionals[0]);
  const timeoutMs = timeoutFlag('--timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS;
  const repeat = positiveInteger('--repeat', values.repeat);
  const chosenBus = busChoice(values);

  const finding = await findingAt(resolve(io.cwd, location.file), location.line, values.method);
  const analysisMs = performance.now() - started;
  const known: CallData = { ...finding.data };
  for (const [part, flag] of [
    ['destination', values.dest],
    ['path', values.path],
    ['interface', values.interface],
    ['member', values.method],
  ] as const) {
    if (flag === undefined) continue;
    const problem = validatePart(part, flag);
    if (problem) throw new UsageError(`${PART_FLAGS[part].split(' ')[0]}: "${flag}" is not ${problem}`);
    known[part] = flag;
  }
  if (values.signature !== undefined) known.signature = values.signature;
  const bus = chosenBus ?? { kind: 'session' };
  if (!chosenBus && known.bus === 'system')
    io.stderr(
      'dbus-lint replay: the code uses the system bus; replaying on the session bus (pass --system to replay there)\n',
    );

  const backend = dbusBackend(io.env);
  try {
    const call = await completeCall({
      known,
      bus,
      backend,
      timeoutMs,
      prompts: cliPrompts(location, values.arg, values.yes === true, io),
      argumentWords: values.arg,
    });
    if (!call) throw new UsageError('the call could not be completed');
    if (!values.yes && !(await confirm(call))) {
      io.stderr('dbus-lint replay: not sent\n');
      return EXIT.failed;
    }

    const result = await runReplay(call, backend, timeoutMs);
    const { recording, verdict } = result;
    if (values.pcap) await writeFile(resolve(io.cwd, values.pcap), toPcap(recording));
    let stressSummary;
    let interrupted = false;
    if (repeat !== undefined) {
      // Ctrl-C ends the runs; the summary of those that ran is still printed.
      const interrupt = new AbortController();
      const onInterrupt = () => interrupt.abort();
      process.once('SIGINT', onInterrupt);
      stressSummary = await backend
        .stress(
          call,
          repeat,
          timeoutMs,
          (done) => {
            if (format === 'text' && (done % 50 === 0 || done === repeat)) io.stderr(`\rrun ${done}/${repeat}`);
          },
          interrupt.signal,
        )
        .finally(() => process.off('SIGINT', onInterrupt));
      if (format === 'text') io.stderr('\n');
      if (stressSummary.stopped) io.stderr(`dbus-lint replay: ${terminalSafe(stressSummary.stopped)}\n`);
      interrupted = interrupt.signal.aborted;
      if (interrupted) io.stderr(`dbus-lint replay: interrupted after ${stressSummary.runs} of ${repeat} runs\n`);
    }
    const totalMs = performance.now() - started;
    const timing = { analysisMs: round(analysisMs), recordMs: round(result.elapsedMs), totalMs: round(totalMs) };
    if (format === 'json') {
      const output = {
        finding: {
          file: location.file,
          line: location.line,
          ruleId: finding.ruleId,
          message: finding.message,
          call: finding.data,
        },
        call: { ...call, args: toJsonSafe(call.args) },
        recording: toCallRecording(recording),
        verdict,
        timing,
        ...(stressSummary ? { stress: stressSummary } : {}),
      };
      io.stdout(JSON.stringify(output, null, 2) + '\n');
    } else {
      io.stdout(`Finding: ${finding.ruleId} at ${location.file}:${location.line}\n`);
      io.stdout(transcript(call, recording, verdict));
      if (stressSummary) io.stdout(`Stress: ${JSON.stringify(stressSummary)}\n`);
      io.stdout(
        `Timing: analysis ${timing.analysisMs} ms, recording ${timing.recordMs} ms, total ${timing.totalMs} ms\n`,
      );
    }
    if (stressSummary?.stopped) return EXIT.failed;
    if (interrupted) return 130;
    return EXIT[outcomeOf(recording)];
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isTimeout(error)) {
      io.stderr(`dbus-lint replay: ${terminalSafe((error as Error).message)}\n`);
      return EXIT.timeout;
    }
    if (isDBusClientError(error)) {
      io.stderr(
        `dbus-lint replay: ${terminalSafe(error.message)}\n  (check --address / --session / --system and that the bus is running)\n`,
      );
      return EXIT.failed;
    }
    throw error;
  }
};

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
