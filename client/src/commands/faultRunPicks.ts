// What "Run with D-Bus Faults…" asks: the command (typed, a task, or a launch configuration's program), the
// faults (preselected from the finding's rule), and the bus. Each returns undefined when the user backs out.
import * as vscode from 'vscode';
import { FAULT_TABLE, parseFaults, shellQuote, type Fault, type UpstreamChoice } from '../../../replay/src/index';

const LAST_COMMAND_KEY = 'dbusLint.faultBus.lastCommand';

export interface ProgramChoice {
  /** The exact shell command line the confirmation shows and `/bin/sh -c` runs. */
  commandLine: string;
  cwd: string;
}

function quotedValue(value: string | vscode.ShellQuotedString): string {
  return typeof value === 'string' ? value : value.value;
}

function taskCommandLine(task: vscode.Task): string | undefined {
  const execution = task.execution;
  if (execution instanceof vscode.ShellExecution) {
    if (execution.commandLine) return execution.commandLine;
    if (!execution.command) return undefined;
    return [quotedValue(execution.command), ...(execution.args ?? []).map(quotedValue)].map(shellQuote).join(' ');
  }
  if (execution instanceof vscode.ProcessExecution)
    return [execution.process, ...execution.args].map(shellQuote).join(' ');
  return undefined;
}

interface LaunchConfiguration {
  name?: string;
  type?: string;
  program?: string;
  args?: string[];
  cwd?: string;
}

function substitute(text: string, folder: vscode.WorkspaceFolder): string {
  return text
    .replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath)
    .replace(/\$\{workspaceFolderBasename\}/g, folder.name)
    .replace(/\$\{file\}/g, vscode.window.activeTextEditor?.document.uri.fsPath ?? '');
}

function launchPrograms(folder: vscode.WorkspaceFolder): { label: string; choice: ProgramChoice }[] {
  const configurations = vscode.workspace
    .getConfiguration('launch', folder)
    .get<LaunchConfiguration[]>('configurations');
  return (configurations ?? [])
    .filter((c) => typeof c.program === 'string')
    .map((c) => {
      const program = substitute(c.program!, folder);
      const runner = c.type === 'node' || c.type === 'pwa-node' ? ['node'] : [];
      const words = [...runner, program, ...(c.args ?? []).map((a) => substitute(String(a), folder))];
      return {
        label: `Launch: ${c.name ?? program}`,
        choice: {
          commandLine: words.map(shellQuote).join(' '),
          cwd: c.cwd ? substitute(c.cwd, folder) : folder.uri.fsPath,
        },
      };
    });
}

interface CommandItem extends vscode.QuickPickItem {
  choice?: ProgramChoice;
}

/** A quick pick that also takes what is typed: "Run: <typed>" is the first item while text is there. */
export async function pickProgram(
  state: vscode.Memento,
  folder: vscode.WorkspaceFolder | undefined,
): Promise<ProgramChoice | undefined> {
  const cwd = folder?.uri.fsPath ?? process.cwd();
  const last = state.get<string>(LAST_COMMAND_KEY);
  const known: CommandItem[] = [];
  if (last) known.push({ label: `Last: ${last}`, choice: { commandLine: last, cwd } });
  if (folder)
    known.push(...launchPrograms(folder).map(({ label, choice }) => ({ label, detail: choice.commandLine, choice })));
  const pick = vscode.window.createQuickPick<CommandItem>();
  pick.title = 'D-Bus Lint: Run with D-Bus Faults — the program';
  pick.placeholder = 'Type the command to run (it runs in /bin/sh, in the workspace folder), or pick a task';
  pick.matchOnDetail = true;
  const typedItem = (value: string): CommandItem[] =>
    value.trim()
      ? [{ label: `Run: ${value.trim()}`, alwaysShow: true, choice: { commandLine: value.trim(), cwd } }]
      : [];
  let tasks: CommandItem[] = [];
  const refresh = () => (pick.items = [...typedItem(pick.value), ...known, ...tasks]);
  refresh();
  pick.busy = true;
  void vscode.tasks.fetchTasks().then(
    (found) => {
      tasks = found.flatMap((task) => {
        const commandLine = taskCommandLine(task);
        return commandLine ? [{ label: `Task: ${task.name}`, detail: commandLine, choice: { commandLine, cwd } }] : [];
      });
      pick.busy = false;
      refresh();
    },
    () => (pick.busy = false),
  );
  const chosen = await new Promise<ProgramChoice | undefined>((resolve) => {
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]?.choice ?? typedItem(pick.value)[0]?.choice);
      pick.hide();
    });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  if (chosen) await state.update(LAST_COMMAND_KEY, chosen.commandLine);
  return chosen;
}

interface FaultItem extends vscode.QuickPickItem {
  kind_: string;
}

/** The faults, preselected from the finding's rule; delay-reply asks for its milliseconds. */
export async function pickFaults(preselected: readonly string[]): Promise<Fault[] | undefined> {
  const items: FaultItem[] = FAULT_TABLE.map((row) => {
    const kind = row.syntax.replace(/[[:].*$/, '');
    return { label: kind, kind_: kind, description: row.proves, detail: row.does, picked: preselected.includes(kind) };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'D-Bus Lint: Run with D-Bus Faults — the faults',
    placeHolder: 'The faults the proxy applies to the program’s calls (none: a plain proxied run to compare with)',
    canPickMany: true,
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const texts: string[] = [];
  for (const item of picked) {
    if (item.kind_ !== 'delay-reply') {
      texts.push(item.kind_);
      continue;
    }
    const ms = await vscode.window.showInputBox({
      title: 'delay-reply: hold each reply this many milliseconds',
      value: '2000',
      validateInput: (value) =>
        /^\d+$/.test(value) && Number(value) > 0 ? undefined : 'a positive whole number of ms',
    });
    if (ms === undefined) return undefined;
    texts.push(`delay-reply:${ms}`);
  }
  try {
    return parseFaults(texts);
  } catch (error) {
    void vscode.window.showErrorMessage(`D-Bus Lint: ${(error as Error).message}`);
    return undefined;
  }
}

/** The bus behind the proxy: the session bus, a private dbus-daemon, or the system bus when allowed. */
export async function pickBus(allowSystemBus: boolean): Promise<UpstreamChoice | undefined> {
  const items: (vscode.QuickPickItem & { upstream: UpstreamChoice })[] = [
    {
      label: 'Session bus',
      description: 'the proxy in front of your session bus; the program gets DBUS_SESSION_BUS_ADDRESS',
      upstream: { kind: 'session' },
    },
    {
      label: 'Private bus',
      description: 'a dbus-daemon started for this run (nothing else on it)',
      upstream: { kind: 'private' },
    },
  ];
  if (allowSystemBus)
    items.push({
      label: 'System bus',
      description: 'dbusLint.probe.allowSystemBus is on; the program gets DBUS_SYSTEM_BUS_ADDRESS',
      upstream: { kind: 'system' },
    });
  const picked = await vscode.window.showQuickPick(items, { title: 'D-Bus Lint: Run with D-Bus Faults — the bus' });
  return picked?.upstream;
}
