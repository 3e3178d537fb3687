import { callCommand, CALL_USAGE } from './callCommand';
import { checkCommand, CHECK_USAGE } from './checkCommand';
import { explainCommand, EXPLAIN_USAGE } from './explainCommand';
import { proxyCommand, PROXY_USAGE } from './proxyCommand';
import { replayCommand, REPLAY_USAGE } from './replayCommand';
import { runCommand, RUN_USAGE } from './runCommand';
import { UsageError, type Command, type Io } from './usage';
import { VERSION } from '../../core/src/index';

const USAGE = `dbus-lint ${VERSION}: finds D-Bus client bugs in Rust and TypeScript/JavaScript.

Commands:
  check PATH...   analyse files and directories (text, json or SARIF output)
  call ...        call a D-Bus method on a live bus and show every message and read (text or JSON)
  replay FILE:LINE  replay a finding's call on a live bus: the sequence and what a naive client would get
  proxy ...       the fault bus: a proxy in front of the bus that forces the orderings behind client bugs
  run ... -- CMD  run a command N times through the fault bus: runs, passed, failed, hung, failing sequences
  explain RULE-ID print a rule's documentation

Run \`dbus-lint <command> --help\` for a command's options.

${CHECK_USAGE}

${CALL_USAGE}

${REPLAY_USAGE}

${PROXY_USAGE}

${RUN_USAGE}

${EXPLAIN_USAGE}`;

/** Subcommands by name; `call` and `replay` join this table. */
const COMMANDS: Record<string, Command> = {
  check: checkCommand,
  call: callCommand,
  replay: replayCommand,
  proxy: proxyCommand,
  run: runCommand,
  explain: explainCommand,
};

export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(USAGE + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(VERSION + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(
      `dbus-lint: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see dbus-lint --help)\n`,
    );
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`dbus-lint ${name}: ${(error as Error).message}\n`);
      return 2;
    }
    io.stderr(`dbus-lint ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
