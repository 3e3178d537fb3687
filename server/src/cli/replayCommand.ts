// `dbus-lint replay FILE:LINE`: the editor's "Replay this call on the bus" from a shell. Finds the
// finding on that line, completes its call from flags (or introspection), sends it on a fresh
// connection and prints the sequence with what a naive client would have received.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isDBusClientError, outcomeOf, toJsonSafe, type CallOutcome } from '../../../client/src/dbus/index';
import { completeTypes, signatureFromLiterals } from '../../../client/src/replay/args';
import { describeCall, missingParts, replayable, validatePart, type BusChoice, type CallPart, type KnownCall, type ReplayCall } from '../../../client/src/replay/call';
import { dbusBackend } from '../../../client/src/replay/dbusBackend';
import { DEFAULT_TIMEOUT_MS, runReplay, toCallRecording, type ReplayBackend } from '../../../client/src/replay/engine';
import { toPcap } from '../../../client/src/replay/pcap';
import { transcript } from '../../../client/src/replay/transcript';
import { Analyzer, languageForPath, type Finding, type LanguageId } from '../analysis/index';
import { defaultGrammarDir, grammarFolder } from '../grammarFiles';
import { parseCallArguments } from './callArguments';
import { CALL_TARGET_OPTIONS, checkOneBusFlag, positiveInteger, type BusFlags } from './options';
import { UsageError, type Command, type Io } from './usage';

export const REPLAY_USAGE = `Usage: dbus-lint replay FILE:LINE [--session | --system | --address ADDR] [--yes]
                        [--dest NAME] [--path PATH] [--interface IFACE] [--method MEMBER] [--signature SIG] [--arg VALUE]...
                        [--timeout MS] [--repeat N] [--format text|json] [--pcap OUT]

Replays the call of the finding on line LINE of FILE on a live bus, as the editor's "Replay this call on the
bus" does, and shows every message and socket read, the call-to-reply time, and what a client that reads once
(or takes the first message, or checks only the message type) would have received.
  --session | --system | --address ADDR   which bus (default: the session bus, even when the code uses the system bus)
  --yes                  send without asking (required when stdin is not a terminal)
  --dest --path --interface --method --signature   fill in or override what the code does not say
  --arg VALUE            one per complete type of the signature, in order (syntax as for \`dbus-lint call\`)
  --timeout MS           wait this long for the reply (default ${DEFAULT_TIMEOUT_MS})
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
  if (!match) throw new UsageError(`expected FILE:LINE (like src/main.rs:42), got ${spec === undefined ? 'nothing' : `"${spec}"`}`);
  const line = Number(match[2]);
  if (line < 1) throw new UsageError(`line numbers start at 1, got ${line}`);
  return { file: match[1]!, line };
}

function busChoice(values: BusFlags): BusChoice | undefined {
  checkOneBusFlag(values);
  if (values.address !== undefined) return { kind: 'address', address: values.address };
  if (values.system) return { kind: 'system' };
  if (values.session) return { kind: 'session' };
  return undefined;
}

async function findingAt(path: string, line: number, member: string | undefined): Promise<Finding> {
  const language = languageForPath(path) as LanguageId | undefined;
  if (!language) throw new UsageError(`${path}: not a file dbus-lint analyses (.rs .ts .tsx .js …)`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const findings = await new Analyzer(grammarFolder(defaultGrammarDir())).analyze(text, language);
  const here = findings.filter((f) => f.range.start.line <= line - 1 && line - 1 <= f.range.end.line && (!member || !f.data.member || f.data.member === member));
  if (here.length === 0) {
    const lines = [...new Set(findings.map((f) => f.range.start.line + 1))];
    throw new UsageError(
      `no finding on ${path}:${line}; ${lines.length ? `findings are on line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}` : 'the file has none'} (dbus-lint check ${path} lists them)`,
    );
  }
  // A finding whose call the code spells out wins over one (say, a hand-written read) that knows less.
  const known = (f: Finding) => (['destination', 'path', 'interface', 'member'] as const).filter((part) => f.data[part]).length;
  return [...here].sort((a, b) => known(b) - known(a))[0]!;
}

/** Signature from the flag, the code, introspection, or (all-string literal arguments) the arguments themselves. */
async function resolveSignature(known: KnownCall, target: Omit<ReplayCall, 'signature' | 'args'>, argFlags: string[], backend: ReplayBackend, timeoutMs: number, io: Io): Promise<string> {
  if (known.signature !== undefined) return known.signature;
  const described = await backend.describeMethod(target.bus, target.destination, target.path, target.interface ?? '', target.member, timeoutMs);
  if (described) {
    io.stderr(`dbus-lint replay: introspected ${target.member}(${described.argNames.join(', ')}) → signature "${described.signature}"\n`);
    return described.signature;
  }
  const signature = argFlags.length ? undefined : signatureFromLiterals(known.args);
  if (signature !== undefined) {
    io.stderr(`dbus-lint replay: ${target.destination} ${target.path} could not be introspected; signature "${signature}" taken from the string arguments in the code\n`);
    return signature;
  }
  if (argFlags.length === 0 && !known.args) {
    io.stderr(`dbus-lint replay: ${target.destination} ${target.path} could not be introspected; calling ${target.member} with no arguments (pass --signature and --arg if it takes some)\n`);
    return '';
  }
  throw new UsageError(`the signature is not known from the code and ${target.destination} ${target.path} could not be introspected: pass --signature SIG`);
}

async function confirm(call: ReplayCall): Promise<boolean> {
  if (!process.stdin.isTTY) throw new UsageError(`not sending without confirmation: pass --yes to send ${describeCall(call)}`);
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`Send ${describeCall(call)}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
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
  const timeoutMs = positiveInteger('--timeout', values.timeout) ?? DEFAULT_TIMEOUT_MS;
  const repeat = positiveInteger('--repeat', values.repeat);
  const chosenBus = busChoice(values);

  const finding = await findingAt(resolve(io.cwd, location.file), location.line, values.method);
  const analysisMs = performance.now() - started;
  const fromCode = replayable({ ...finding.data });
  if (fromCode.note) io.stderr(`dbus-lint replay: ${fromCode.note}\n`);
  const known: KnownCall = fromCode.known;
  for (const [part, flag] of [['destination', values.dest], ['path', values.path], ['interface', values.interface], ['member', values.method]] as const) {
    if (flag === undefined) continue;
    const problem = validatePart(part, flag);
    if (problem) throw new UsageError(`${PART_FLAGS[part].split(' ')[0]}: "${flag}" is not ${problem}`);
    known[part] = flag;
  }
  if (values.signature !== undefined) known.signature = values.signature;
  const missing = missingParts(known).filter((part) => part !== 'args');
  if (missing.length) {
    throw new UsageError(
      `${location.file}:${location.line}: the code does not say the call's ${missing.join(', ')}; pass ${missing.map((part) => PART_FLAGS[part]).join(', ')}`,
    );
  }
  const bus = chosenBus ?? { kind: 'session' };
  if (!chosenBus && known.bus === 'system') io.stderr('dbus-lint replay: the code uses the system bus; replaying on the session bus (pass --system to replay there)\n');

  const backend = dbusBackend(io.env);
  const target = { bus, destination: known.destination!, path: known.path!, interface: known.interface ?? null, member: known.member! };
  try {
    const signature = await resolveSignature(known, target, values.arg, backend, timeoutMs, io);
    const types = completeTypes(signature);
    let callArgs: unknown[];
    if (values.arg.length) callArgs = parseCallArguments(signature, values.arg);
    else if (known.args && known.args.length === types.length) callArgs = known.args;
    else if (types.length === 0) callArgs = [];
    else {
      throw new UsageError(
        `${known.member} takes ${types.length} argument${types.length === 1 ? '' : 's'} (signature "${signature}") that the code does not give as literals: pass each with ${PART_FLAGS.args}`,
      );
    }
    const call: ReplayCall = { ...target, signature, args: callArgs };
    if (!values.yes && !(await confirm(call))) {
      io.stderr('dbus-lint replay: not sent\n');
      return EXIT.failed;
    }

    const result = await runReplay(call, backend, timeoutMs);
    const { recording, verdict } = result;
    if (values.pcap) await writeFile(resolve(io.cwd, values.pcap), toPcap(recording));
    let stressSummary;
    if (repeat !== undefined) {
      stressSummary = await backend.stress(call, repeat, timeoutMs, (done) => {
        if (format === 'text' && (done % 50 === 0 || done === repeat)) io.stderr(`\rrun ${done}/${repeat}`);
      }, new AbortController().signal);
      if (format === 'text') io.stderr('\n');
    }
    const totalMs = performance.now() - started;
    const timing = { analysisMs: round(analysisMs), recordMs: round(result.elapsedMs), totalMs: round(totalMs) };
    if (format === 'json') {
      const output = {
        finding: { file: location.file, line: location.line, ruleId: finding.ruleId, message: finding.message, call: finding.data },
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
      io.stdout(`Timing: analysis ${timing.analysisMs} ms, recording ${timing.recordMs} ms, total ${timing.totalMs} ms\n`);
    }
    return EXIT[outcomeOf(recording)];
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isDBusClientError(error)) {
      io.stderr(`dbus-lint replay: ${error.message}\n  (check --address / --session / --system and that the bus is running)\n`);
      return EXIT.failed;
    }
    throw error;
  }
};

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
