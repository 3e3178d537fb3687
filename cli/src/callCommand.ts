import { parseArgs } from 'node:util';
import {
  type CallOutcome,
  Connection,
  type ConnectOptions,
  type DetailedRecording,
  findMethods,
  introspect,
  isDBusClientError,
  isTimeout,
  LOCAL_ERROR,
  outcomeOf,
  parseCallArguments,
  recordCall,
  type RecordCallOptions,
  type RecordedMessage,
} from '../../wire/src/index';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stress, terminalSafe, toPcap } from '../../replay/src/index';
import { CALL_TARGET_OPTIONS, checkOneBusFlag, positiveInteger, timeoutFlag, type BusFlags } from './options';
import { UsageError, type Command, type Io } from './usage';

export const CALL_USAGE = `Usage: dbus-lint call [--session | --system | --address ADDR] --dest NAME --path PATH [--interface IFACE]
                      --method MEMBER [--signature SIG] [--timeout MS] [--repeat N] [--format text|json] [--pcap OUT] [--] [ARG...]

Calls a method on a fresh connection (auth, Hello, the call) and shows every message and socket read.
  --session | --system | --address ADDR   which bus (default: the session bus)
  --signature SIG   argument types; without it the method is introspected to find them (and you are told so)
  --timeout MS      bound the whole exchange, connecting and Hello included (default: 10000 to connect,
                    then 25000 for the reply); a timeout anywhere exits 3
  --repeat N        N fresh connections in a row, then a summary JSON: runs, ok, failed, timeouts, latencyMs
                    (connect to reply) and naive counts (what a client that reads once after sending would get wrong)
  --format text|json   text (default): one line per message; json: the recording
  --pcap OUT        also write the recording as a pcap (link type 231, D-Bus) for tshark, Wireshark, Bustle
ARG syntax, one per complete type of the signature (put -- before arguments that start with "-"):
  y n q i u h x t   decimal or 0x hex        d   a number        b   true|false|yes|no|1|0
  s o g             as written
  containers and variants as JSON: as '["a","b"]'  ay '[104,105]'  (si) '["x",5]'  a{su} '{"k":1}'
  v '{"signature":"s","value":"hi"}'  a{sv} '{"k":{"signature":"i","value":-1}}'  (64-bit values may be "strings")
Exit codes: 0 reply received, 1 D-Bus error reply, 3 timeout, 2 usage, connection or auth error;
with --repeat: 0 every run got a reply, 1 some failed, 3 some timed out and none failed, 2 the bus went away
(the runs stop there, with the reason and the summary of what ran), 130 Ctrl-C (the summary is printed).
latencyMs percentiles are null when no run got a reply.
--repeat runs authenticate step by step (AUTH, wait for OK, BEGIN + Hello, then the call), like hand-written
clients. The naive counts come from each run's reads: firstMessageWrong = the first message of the first read
after the call was not its reply; noReplyInFirstRead = that read held no method return or error at all.`;

const EXIT = { reply: 0, errorReply: 1, usage: 2, timeout: 3 } as const;

function connectOptions(values: BusFlags, env: NodeJS.ProcessEnv): ConnectOptions {
  checkOneBusFlag(values);
  return { address: values.address, bus: values.system ? 'system' : 'session', env };
}

/** Finds the method's signature by introspection, and tells the user where it came from. */
async function introspectSignature(
  connect: ConnectOptions,
  call: { destination: string; path: string; interface?: string; member: string },
  argCount: number,
  timeoutMs: number | undefined,
  io: Io,
): Promise<string> {
  const where = `${call.destination} ${call.path} ${call.interface ? call.interface + '.' : ''}${call.member}`;
  let found: ReturnType<typeof findMethods>;
  const connection = await Connection.open(connect);
  try {
    found = findMethods(
      await introspect(connection, call.destination, call.path, timeoutMs),
      call.member,
      call.interface,
    );
  } catch (error) {
    if (argCount > 0)
      throw new UsageError(
        `no --signature, and introspecting ${where} failed (${(error as Error).message}): pass --signature`,
      );
    io.stderr(
      `dbus-lint call: no --signature, and introspecting ${where} failed (${(error as Error).message}); calling with no arguments\n`,
    );
    return '';
  } finally {
    await connection.close();
  }
  const signatures = [...new Set(found.map((candidate) => candidate.method.inSignature))];
  if (found.length === 0) {
    if (argCount > 0)
      throw new UsageError(
        `no --signature, and introspection of ${call.destination} ${call.path} lists no method ${call.member}: pass --signature`,
      );
    io.stderr(
      `dbus-lint call: no --signature; introspection of ${call.destination} ${call.path} lists no method ${call.member}; calling with no arguments\n`,
    );
    return '';
  }
  if (signatures.length > 1) {
    throw new UsageError(
      `${call.member} exists on ${found.map((candidate) => candidate.interface).join(', ')} with different signatures: pass --interface or --signature`,
    );
  }
  const method = found[0];
  const args = method.method.in.map((arg) => `${arg.name ?? '?'}: ${arg.type}`).join(', ');
  io.stderr(
    `dbus-lint call: no --signature; introspected ${method.interface}.${call.member}(${args}) → signature "${signatures[0]}"\n`,
  );
  return signatures[0];
}

function body(message: RecordedMessage): string {
  const text = JSON.stringify(message.body);
  return text.length > 200 ? text.slice(0, 200) + '…' : text;
}

function formatMessage(message: RecordedMessage, readOf: Map<number, number>, index: number): string {
  const arrow = message.direction === 'sent' ? '→' : '←';
  const what =
    message.type === 'error'
      ? (message.errorName ?? '')
      : message.member
        ? `${message.path ?? ''} ${message.interface ? message.interface + '.' : ''}${message.member}`
        : '';
  const read = readOf.has(index) ? ` [read ${readOf.get(index)! + 1}]` : '';
  return [
    `${message.atMs.toFixed(3).padStart(10)} ms`,
    arrow,
    message.type.padEnd(13),
    `serial=${message.serial}`.padEnd(17),
    `reply_serial=${message.replySerial ?? '-'}`.padEnd(17),
    `${message.sender ?? '(me)'} → ${message.destination ?? '(broadcast)'}`,
    what,
    body(message) + read,
  ].join('  ');
}

export function formatRecordingText(recording: DetailedRecording): string {
  const readOf = new Map<number, number>();
  recording.reads.forEach((read, i) => read.completes.forEach((index) => readOf.set(index, i)));
  const lines = recording.messages.map((message, i) => formatMessage(message, readOf, i));
  const outcome = outcomeOf(recording);
  if (outcome === 'reply')
    lines.push(`reply: message ${recording.reply! + 1} ${body(recording.messages[recording.reply!])}`);
  else if (recording.error)
    lines.push(
      `${outcome === 'error-reply' ? 'error reply' : outcome}: ${recording.error.name}: ${recording.error.message}`,
    );
  return lines.map(terminalSafe).join('\n') + '\n';
}

/** The CLI's JSON: exactly the CallRecording fields, in order. */
function toCallJson(recording: DetailedRecording): string {
  const { messages, reads, reply, error } = recording;
  return JSON.stringify({ messages, reads, reply, error }, null, 2) + '\n';
}

const ADVICE: Record<CallOutcome, string> = {
  reply: '',
  'error-reply':
    'the peer answered with a D-Bus error: check the destination, path, interface, method name and arguments',
  timeout:
    'no reply in time: the peer may be busy, hung or not reading; raise --timeout or check that the destination is alive',
  failed: 'the connection closed before the reply: check that the bus and the destination are running',
};

/** What to do next, from what is known of how the call ended: only a lost connection points at the bus. */
function adviceFor(recording: DetailedRecording): string {
  const outcome = outcomeOf(recording);
  if (outcome !== 'failed') return ADVICE[outcome];
  if (recording.error?.name === LOCAL_ERROR.disconnected) return ADVICE.failed;
  if (recording.error?.name === LOCAL_ERROR.protocol)
    return 'the peer broke the D-Bus wire format (error above): check that the address is a D-Bus bus';
  return 'the call failed before a reply (error above)';
}

function exitCode(outcome: CallOutcome): number {
  return outcome === 'reply'
    ? EXIT.reply
    : outcome === 'error-reply'
      ? EXIT.errorReply
      : outcome === 'timeout'
        ? EXIT.timeout
        : EXIT.usage;
}

export const callCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...CALL_TARGET_OPTIONS,
      timeout: { type: 'string' },
      repeat: { type: 'string' },
      format: { type: 'string', default: 'text' },
      pcap: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(CALL_USAGE + '\n');
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  if (!values.dest) throw new UsageError('--dest NAME is required (the bus name to call, like org.freedesktop.DBus)');
  if (!values.path) throw new UsageError('--path PATH is required (the object path, like /org/freedesktop/DBus)');
  if (!values.method) throw new UsageError('--method MEMBER is required (the method name, like GetId)');
  const timeoutMs = timeoutFlag('--timeout', values.timeout);
  const repeat = positiveInteger('--repeat', values.repeat);
  const connect = connectOptions(values, io.env);
  const target = { destination: values.dest, path: values.path, interface: values.interface, member: values.method };

  try {
    const signature =
      values.signature ?? (await introspectSignature(connect, target, positionals.length, timeoutMs, io));
    const options: RecordCallOptions = {
      ...connect,
      ...target,
      signature,
      body: parseCallArguments(signature, positionals),
      timeoutMs,
    };
    if (repeat !== undefined) {
      // Ctrl-C ends the runs; the summary of those that ran is still printed.
      const interrupt = new AbortController();
      const onInterrupt = () => interrupt.abort();
      process.once('SIGINT', onInterrupt);
      const summary = await stress(
        { ...options, runs: repeat },
        format === 'text'
          ? ({ done, summary: s }) => {
              if (done % 10 === 0 || done === repeat)
                io.stderr(
                  `\rrun ${done}/${repeat}: ok ${s.ok}, failed ${s.failed}, timeouts ${s.timeouts}, naive wrong ${s.naive.firstMessageWrong}`,
                );
            }
          : undefined,
        interrupt.signal,
      ).finally(() => process.off('SIGINT', onInterrupt));
      if (format === 'text') io.stderr('\n');
      io.stdout(JSON.stringify(summary) + '\n');
      if (summary.stopped) {
        io.stderr(`dbus-lint call: ${terminalSafe(summary.stopped)}\n  (the summary covers the runs before)\n`);
        return EXIT.usage;
      }
      if (interrupt.signal.aborted) {
        io.stderr(`dbus-lint call: interrupted after ${summary.runs} of ${repeat} runs\n`);
        return 130;
      }
      return summary.failed > 0 ? EXIT.errorReply : summary.timeouts > 0 ? EXIT.timeout : EXIT.reply;
    }
    const recording = await recordCall(options);
    if (values.pcap) await writeFile(resolve(io.cwd, values.pcap), toPcap(recording));
    io.stdout(format === 'json' ? toCallJson(recording) : formatRecordingText(recording));
    const outcome = outcomeOf(recording);
    if (outcome !== 'reply') io.stderr(`dbus-lint call: ${adviceFor(recording)}\n`);
    return exitCode(outcome);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (isTimeout(error)) {
      io.stderr(`dbus-lint call: ${terminalSafe((error as Error).message)}\n`);
      return EXIT.timeout;
    }
    if (isDBusClientError(error)) {
      const hint =
        error.kind === 'marshal' || error.kind === 'signature'
          ? 'check the arguments against the signature'
          : error.kind === 'name'
            ? 'check --dest, --path, --interface and --method'
            : error.kind === 'auth'
              ? 'the bus refused us: check that it is a D-Bus bus and you may connect to it'
              : error.kind === 'protocol'
                ? 'the peer broke the D-Bus wire format: check that the address is a D-Bus bus'
                : 'check --address / --session / --system and that the bus is running';
      io.stderr(`dbus-lint call: ${terminalSafe(error.message)}\n  (${hint})\n`);
      return EXIT.usage;
    }
    throw error;
  }
};
