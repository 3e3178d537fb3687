// "D-Bus Lint: Run with D-Bus Faults…": the user's own program run against the fault bus, in a terminal, with
// the live view of its traffic. Hidden and refused in untrusted workspaces; the exact command, folder, bus and
// faults are confirmed in a modal before anything runs; the system bus only with dbusLint.probe.allowSystemBus.
import * as vscode from 'vscode';
import { isFaultRunRequest } from '../../../protocol/src/index';
import {
  busAddressVariable,
  FaultBus,
  faultLabel,
  faultRunLive,
  ProgramStartError,
  runProgram,
  sequenceLines,
  type Fault,
  type FaultBusRecording,
  type ProgramEnd,
  type UpstreamChoice,
} from '../../../replay/src/index';
import { FaultRunPanel } from '../panel/faultRunPanel';
import { pickBus, pickFaults, pickProgram, type ProgramChoice } from './faultRunPicks';
import { refuseUntrusted } from './trust';

/** How often the live view is refreshed while the program runs. */
const LIVE_INTERVAL_MS = 150;

function upstreamLabel(upstream: UpstreamChoice): string {
  if (upstream.kind === 'private') return 'a private bus (a dbus-daemon started for this run)';
  if (upstream.kind === 'system') return 'the system bus';
  if (upstream.kind === 'address') return `the bus at ${upstream.address}`;
  return 'the session bus';
}

async function confirm(program: ProgramChoice, upstream: UpstreamChoice, faults: Fault[]): Promise<boolean> {
  const variable = busAddressVariable(upstream);
  const detail = [
    `Command: ${program.commandLine}`,
    `Folder: ${program.cwd}`,
    `Bus: ${upstreamLabel(upstream)}, through dbus-lint's proxy (${variable} is set to it)`,
    `Faults: ${faults.length ? faults.map(faultLabel).join(', ') : 'none'}`,
    '',
    'The command runs with your permissions, and its D-Bus calls reach the real bus.',
  ].join('\n');
  const run = 'Run';
  const choice = await vscode.window.showWarningMessage(
    'Run this program with the fault bus?',
    { modal: true, detail },
    run,
  );
  return choice === run;
}

/** A terminal that shows the program's output and the run's summary; closing it stops the program. */
function programTerminal(title: string, onClose: () => void) {
  const written = new vscode.EventEmitter<string>();
  // What is written before the terminal opens would be lost: it waits here until then.
  let early: string[] | undefined = [];
  const pty: vscode.Pseudoterminal = {
    onDidWrite: written.event,
    open: () => {
      for (const text of early ?? []) written.fire(text);
      early = undefined;
    },
    close: onClose,
  };
  const terminal = vscode.window.createTerminal({ name: title, pty });
  terminal.show(true);
  return {
    terminal,
    write: (text: string) => {
      // A terminal wants \r\n; the program's output has \n.
      const line = text.replace(/\r?\n/g, '\r\n');
      if (early) early.push(line);
      else written.fire(line);
    },
  };
}

async function runWithFaults(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  argument: unknown,
): Promise<void> {
  if (!vscode.workspace.isTrusted)
    return refuseUntrusted('the fault bus runs your program and sends its real D-Bus traffic');
  const preselected = isFaultRunRequest(argument) ? argument.faults : [];
  const folder =
    (vscode.window.activeTextEditor &&
      vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)) ??
    vscode.workspace.workspaceFolders?.[0];
  const program = await pickProgram(context.workspaceState, folder);
  if (!program) return;
  const faults = await pickFaults(preselected);
  if (!faults) return;
  const allowSystemBus = vscode.workspace.getConfiguration('dbusLint.probe').get<boolean>('allowSystemBus', false);
  const upstream = await pickBus(allowSystemBus);
  if (!upstream || !(await confirm(program, upstream, faults))) return;

  let bus: FaultBus;
  try {
    bus = await FaultBus.start({ upstream, faults });
  } catch (error) {
    const message = `D-Bus Lint: the fault bus could not start: ${(error as Error).message}`;
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && output.show(true));
    return;
  }
  const labels = faults.map(faultLabel);
  const timeoutS = vscode.workspace.getConfiguration('dbusLint.faultBus').get<number>('runTimeoutS', 60);
  // Once the bus is closed, its last recording (the view's exports keep working).
  const closed: { recording?: FaultBusRecording } = {};
  let run: ReturnType<typeof runProgram> | undefined;
  const recording = () => closed.recording ?? bus.recording();
  const panel = FaultRunPanel.open(
    context.extensionUri,
    { command: program.commandLine, cwd: program.cwd, bus: upstreamLabel(upstream), faults: labels },
    { stop: () => run?.kill(), recording },
  );
  const { write } = programTerminal(`D-Bus faults: ${labels.join(', ') || 'none'}`, () => run?.kill());
  write(`$ ${program.commandLine}\n`);
  const variable = busAddressVariable(upstream);
  output.info(
    `fault bus at ${bus.address} (${labels.join(', ') || 'no fault'}) in front of ${bus.upstream.label}; running ${program.commandLine}`,
  );
  bus.on('problem', (problem) => {
    output.warn(`fault bus: ${problem}`);
    write(`[dbus-lint] ${problem}\n`);
  });

  let shownActivity = -1;
  const refresh = (end?: ProgramEnd | { error: string }) => {
    // Between ticks nothing may have happened: the recording is only built when there is something new.
    if (!end && bus.activity === shownActivity) return;
    shownActivity = bus.activity;
    const live = faultRunLive(recording().connections, labels, end);
    panel.update(live);
    return live;
  };
  const ticker = setInterval(() => refresh(), LIVE_INTERVAL_MS);
  let end: ProgramEnd | { error: string };
  try {
    run = runProgram(['/bin/sh', '-c', program.commandLine], {
      env: { ...process.env, [variable]: bus.address },
      cwd: program.cwd,
      timeoutMs: timeoutS * 1000,
      onOutput: (chunk) => write(chunk),
    });
    end = await run.done;
  } catch (error) {
    end = { error: error instanceof ProgramStartError ? error.message : String(error) };
  } finally {
    clearInterval(ticker);
  }
  // The program's last messages may still be on their way through the proxy when it exits.
  await bus.whenIdle(1000);
  const final = bus.recording();
  closed.recording = final;
  await bus.close();
  const live = refresh(end)!;
  write(`\n[dbus-lint] ${live.headline}\n`);
  output.info(`fault bus run: ${live.headline}`);
  if (live.state !== 'passed')
    for (const connection of final.connections) {
      output.info(`  connection ${connection.id}:`);
      for (const line of sequenceLines(connection)) output.info(`    ${line}`);
    }
}

/** The command's handler, loaded with the replay bundle on first use. */
export function faultRunHandler(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): (argument: unknown) => Promise<void> {
  return (argument) => runWithFaults(context, output, argument);
}
