// "D-Bus Lint: Replay Call…": from a finding (code action, cursor, workspace pick) or a call typed by
// hand to a live replay in the sequence view. Refused in untrusted workspaces; asks for what the code
// does not say; shows the exact call in a modal before anything is sent.
// The entry of its own bundle, dist/replay.js, which client.ts loads on the command's first use: the
// D-Bus client and the webview code cost activation nothing.
import * as vscode from 'vscode';
import {
  isCallData,
  isReplayRequest,
  SOURCE,
  type CallData,
  type DiagnosticData,
  type ReplayRequest,
} from '../../../protocol/src/index';
import {
  argumentHint,
  busLabel,
  completeCall,
  completeTypes,
  dbusBackend,
  DEFAULT_TIMEOUT_MS,
  parseArgumentText,
  runReplay,
  jsonText,
  validatePart,
  type BusChoice,
  type CallPrompts,
  type NamePart,
  type ReplayBackend,
  type ReplayCall,
} from '../../../replay/src/index';
import { ReplayPanel } from '../panel/replayPanel';
import { refuseUntrusted } from './trust';

const LAST_ADDRESS_KEY = 'dbusLint.replay.lastAddress';

interface ProbeSettings {
  allowSystemBus: boolean;
  confirm: boolean;
  timeoutMs: number;
}

function probeSettings(): ProbeSettings {
  const config = vscode.workspace.getConfiguration('dbusLint.probe');
  return {
    allowSystemBus: config.get<boolean>('allowSystemBus', false),
    confirm: config.get<boolean>('confirm', true),
    timeoutMs: config.get<number>('timeoutMs', DEFAULT_TIMEOUT_MS),
  };
}

interface Flagged {
  uri: vscode.Uri;
  diagnostic: vscode.Diagnostic;
  request: ReplayRequest;
}

/** dbus-lint diagnostics whose data carries a call (the language client keeps LSP `data` on the diagnostic). */
function flaggedIn(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): Flagged[] {
  const out: Flagged[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = (diagnostic as vscode.Diagnostic & { data?: Partial<DiagnosticData> }).data;
    // Findings on hand-written clients may know nothing of the call: the command then asks for every part.
    if (!data || !isCallData(data.call)) continue;
    out.push({ uri, diagnostic, request: { call: data.call, ruleId: data.ruleId } });
  }
  return out;
}

function callTitle(call: CallData): string {
  if (!call.member) return 'a D-Bus call';
  return `${call.interface ? `${call.interface}.` : ''}${call.member}`;
}

async function pickFlagged(
  flagged: Flagged[],
  placeHolder: string,
  allowManual: boolean,
): Promise<ReplayRequest | undefined> {
  type Item = vscode.QuickPickItem & { request: ReplayRequest };
  const items: Item[] = flagged.map((f) => ({
    label: callTitle(f.request.call),
    description: `${vscode.workspace.asRelativePath(f.uri)}:${f.diagnostic.range.start.line + 1}`,
    detail: `${f.request.ruleId ?? ''}: ${f.diagnostic.message}`,
    request: f.request,
  }));
  if (allowManual) items.push({ label: '$(edit) Enter a call by hand…', request: { call: {} }, alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    title: 'D-Bus Lint: Replay Call',
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.request;
}

/** The finding under the cursor, else a pick of the workspace's flagged calls (or a call by hand). */
async function chooseRequest(): Promise<ReplayRequest | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (editor) {
    const position = editor.selection.active;
    const here = flaggedIn(editor.document.uri, vscode.languages.getDiagnostics(editor.document.uri)).filter(
      (f) => f.diagnostic.range.contains(position) || f.diagnostic.range.start.line === position.line,
    );
    if (here.length === 1) return here[0].request;
    if (here.length > 1) return pickFlagged(here, 'Several calls are flagged here: pick one to replay', false);
  }
  const all = vscode.languages.getDiagnostics().flatMap(([uri, diagnostics]) => flaggedIn(uri, diagnostics));
  return pickFlagged(
    all,
    all.length
      ? 'Pick a flagged call to replay, or enter one by hand'
      : 'No flagged calls in the workspace: enter one by hand',
    true,
  );
}

/** Pre-fills for a part the code did not give, derived from what it did give. */
function prefill(part: NamePart, call: CallData): string {
  const destination = call.destination && !call.destination.startsWith(':') ? call.destination : undefined;
  switch (part) {
    case 'destination':
      return 'org.freedesktop.DBus';
    case 'path':
      return destination ? `/${destination.replace(/\./g, '/')}` : '/';
    case 'interface':
      return destination ?? 'org.freedesktop.DBus';
    case 'member':
      return 'GetId';
  }
}

const PART_PROMPTS: Record<NamePart, string> = {
  destination: 'Destination bus name (well-known like org.example.Service, or unique like :1.42)',
  path: 'Object path',
  interface: 'Interface',
  member: 'Method name',
};

async function askPart(part: NamePart, call: CallData): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Replay ${callTitle(call)}: ${part}`,
    prompt: `${PART_PROMPTS[part]} — not known from the code`,
    value: prefill(part, call),
    ignoreFocusOut: true,
    validateInput: (value) => validatePart(part, value.trim()),
  });
}

async function askBus(settings: ProbeSettings, context: vscode.ExtensionContext): Promise<BusChoice | undefined> {
  type Item = vscode.QuickPickItem & { kind_: BusChoice['kind'] };
  const items: Item[] = [
    { label: 'Session bus', description: 'default', kind_: 'session' },
    { label: 'Custom address…', description: 'unix:path=…, tcp:host=…,port=…', kind_: 'address' },
  ];
  if (settings.allowSystemBus)
    items.push({ label: 'System bus', description: 'allowed by dbusLint.probe.allowSystemBus', kind_: 'system' });
  const picked = await vscode.window.showQuickPick(items, { title: 'Replay on which bus?' });
  if (!picked) return undefined;
  if (picked.kind_ !== 'address') return { kind: picked.kind_ };
  const address = await vscode.window.showInputBox({
    title: 'D-Bus address',
    value: context.globalState.get<string>(LAST_ADDRESS_KEY) ?? process.env.DBUS_SESSION_BUS_ADDRESS ?? 'unix:path=',
    ignoreFocusOut: true,
    validateInput: (value) =>
      /^[a-z]+:.+=/.test(value.trim()) ? undefined : 'an address such as unix:path=/run/user/1000/bus',
  });
  if (!address) return undefined;
  await context.globalState.update(LAST_ADDRESS_KEY, address.trim());
  return { kind: 'address', address: address.trim() };
}

/** The editor's way of asking for what the code does not say: input boxes, and a modal before introspecting. */
function editorPrompts(settings: ProbeSettings, notes: string[]): CallPrompts {
  return {
    part: (part, known) => askPart(part, known),
    async introspect(target) {
      if (!settings.confirm && target.bus.kind === 'session') return true;
      const choice = await vscode.window.showWarningMessage(
        `Introspect ${target.destination} to learn the arguments of ${target.member}?`,
        {
          modal: true,
          detail: `This sends org.freedesktop.DBus.Introspectable.Introspect to ${target.destination} ${target.path} on the ${busLabel(target.bus)}, which can start the service if it is activatable. The call itself is shown for confirmation before it is sent.`,
        },
        'Introspect',
        'Type the Signature',
      );
      return choice === 'Introspect';
    },
    signature: async (target, guess, introspected) =>
      await vscode.window.showInputBox({
        title: `Replay ${target.member}: signature`,
        prompt: `${target.destination} ${target.path} ${introspected ? 'could not be introspected' : 'was not introspected'}; type the in-signature (empty for no arguments)`,
        value: guess ?? '',
        ignoreFocusOut: true,
        validateInput: (value) => {
          try {
            completeTypes(value);
            return undefined;
          } catch (error) {
            return (error as Error).message;
          }
        },
      }),
    asksForArguments: true,
    async arguments(target, types, names, known) {
      const args: unknown[] = [];
      for (const [i, type] of types.entries()) {
        const text = await vscode.window.showInputBox({
          title: `Replay ${target.member}: argument ${i + 1} of ${types.length}`,
          prompt: `${names[i] ?? `arg${i}`} (type ${type}): ${argumentHint(type)}`,
          value: known?.[i] === undefined ? '' : typeof known[i] === 'string' ? known[i] : jsonText(known[i]),
          ignoreFocusOut: true,
          validateInput: (value) => parseArgumentText(type, value).problem,
        });
        if (text === undefined) return undefined;
        args.push(parseArgumentText(type, text).value);
      }
      return args;
    },
    note: (text) => notes.push(text),
  };
}

/** The modal that shows exactly what will be sent; "Other Bus…" switches the bus and shows it again. */
async function confirmCall(call: ReplayCall, note: string | undefined): Promise<'send' | 'other-bus' | undefined> {
  const detail = [
    `Bus: ${busLabel(call.bus)}`,
    `Destination: ${call.destination}`,
    `Path: ${call.path}`,
    `Method: ${call.interface ? `${call.interface}.` : ''}${call.member}`,
    `Signature: "${call.signature}"`,
    `Arguments: ${call.args.length ? jsonText(call.args) : '(none)'}`,
    ...(note ? ['', note] : []),
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(
    'Send this D-Bus call?',
    { modal: true, detail },
    'Send',
    'Other Bus…',
  );
  return choice === 'Send' ? 'send' : choice === 'Other Bus…' ? 'other-bus' : undefined;
}

async function replayCommand(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  backend: ReplayBackend,
  argument: unknown,
): Promise<void> {
  if (!vscode.workspace.isTrusted) return refuseUntrusted('Replay sends real D-Bus calls');
  const request = isReplayRequest(argument) ? argument : await chooseRequest();
  if (!request) return;
  const settings = probeSettings();
  let bus: BusChoice = { kind: 'session' };
  const notes: string[] = [];
  if (request.call.bus === 'system') {
    if (settings.allowSystemBus) bus = { kind: 'system' };
    else
      notes.push(
        'The code uses the system bus; replaying there needs the machine setting dbusLint.probe.allowSystemBus.',
      );
  }
  let call: ReplayCall | undefined;
  try {
    call = await completeCall({
      known: request.call,
      bus,
      backend,
      timeoutMs: settings.timeoutMs,
      prompts: editorPrompts(settings, notes),
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`D-Bus Lint: cannot replay this call: ${(error as Error).message}`);
    return;
  }
  if (!call) return;
  const note = notes.length ? notes.join('\n') : undefined;

  for (;;) {
    if (!settings.confirm && call.bus.kind === 'session') break;
    const choice = await confirmCall(call, note);
    if (choice === undefined) return;
    if (choice === 'send') break;
    const other = await askBus(settings, context);
    if (other) call = { ...call, bus: other };
  }

  const started = performance.now();
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Replaying ${call.member} on the ${busLabel(call.bus)}` },
      () => runReplay(call, backend, settings.timeoutMs),
    );
    ReplayPanel.show(
      { extensionUri: context.extensionUri, output, backend, timeoutMs: settings.timeoutMs },
      result,
      request.ruleId ?? null,
      started,
    );
  } catch (error) {
    const message = `D-Bus Lint: could not replay ${call.member} on the ${busLabel(call.bus)}: ${(error as Error).message}`;
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && output.show(true));
  }
}

/** The command's handler; one D-Bus backend serves every replay of the session. */
export function replayHandler(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): (argument: unknown) => Promise<void> {
  const backend = dbusBackend();
  return (argument) => replayCommand(context, output, backend, argument);
}

// The fault bus's command lives in this bundle too: it shares the D-Bus code, and most sessions load neither.
export { faultRunHandler } from './runWithFaults';
