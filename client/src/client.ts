// What activation sets up: the bundled language server over IPC, the commands and the status item. The
// entry of dist/client.js, which ./extension.ts loads through the code cache. Activation is on the
// editor's clock, so it waits for neither the server's handshake nor the replay code.
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  APPLY_ALL_FIXES_COMMAND,
  FIX_ALL_IN_FILE_COMMAND,
  REPLAY_CALL_COMMAND,
  RUN_WITH_FAULTS_COMMAND,
  SERVER_NODE_ARGS,
  STATUS_NOTIFICATION,
  type FixAllRequest,
  type InitializationOptions,
  type ServerStatus,
} from '../../protocol/src/index';
import type { faultRunHandler, replayHandler } from './commands/replayCall';
import { explicitSettings, settingKeys } from './settingsSection';
import { createStatusItem, showStatus } from './statusItem';

const DOCUMENT_SELECTOR = ['rust', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map(
  (language) => ({ scheme: 'file', language }),
);

let client: LanguageClient | undefined;

/** dist/replay.js: the D-Bus client, the replay and the fault bus, loaded on the first command that needs them. */
interface LiveBundle {
  replayHandler: typeof replayHandler;
  faultRunHandler: typeof faultRunHandler;
}

/**
 * "Replay Call…" and "Run with D-Bus Faults…" are registered now and their code (the D-Bus client, the
 * webviews) loaded from its own bundle, dist/replay.js, on first use: most sessions never use them, and every
 * session activates.
 */
function registerLiveCommands(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): vscode.Disposable[] {
  let bundle: LiveBundle | undefined;
  // A require of our own sibling bundle at run time, not a module import: esbuild must leave it alone.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = () => (bundle ??= require(context.asAbsolutePath('dist/replay.js')) as LiveBundle);
  let replay: ReturnType<typeof replayHandler> | undefined;
  let faults: ReturnType<typeof faultRunHandler> | undefined;
  return [
    vscode.commands.registerCommand(REPLAY_CALL_COMMAND, (argument: unknown) =>
      (replay ??= load().replayHandler(context, output))(argument),
    ),
    vscode.commands.registerCommand(RUN_WITH_FAULTS_COMMAND, (argument: unknown) =>
      (faults ??= load().faultRunHandler(context, output))(argument),
    ),
  ];
}

/** The user learns that the server is not running, why (the output), and gets the way out. */
async function reportStartFailure(output: vscode.LogOutputChannel, error: unknown): Promise<void> {
  output.error(`the language server failed to start: ${String(error)}`);
  const choice = await vscode.window.showErrorMessage(
    `D-Bus Lint: the language server failed to start (${error instanceof Error ? error.message : String(error)}). No D-Bus findings will be shown until it runs.`,
    'Show Output',
    'Restart Server',
  );
  if (choice === 'Show Output') output.show(true);
  if (choice === 'Restart Server') await vscode.commands.executeCommand('dbusLint.restartServer');
}

/** `started` runs once the server is up: the start's code is compiled by then, and worth caching. */
export function activate(context: vscode.ExtensionContext, started: () => void): void {
  const output = vscode.window.createOutputChannel('D-Bus Lint', { log: true });
  const statusItem = createStatusItem(DOCUMENT_SELECTOR);
  context.subscriptions.push(output, statusItem);

  const serverModule = context.asAbsolutePath('dist/server.js');
  // The server's analysis thread loads these languages' grammars while the server starts (server/src/lsp/warmUpArgs.ts).
  const visible = vscode.window.visibleTextEditors.map((editor) => editor.document.languageId);
  const warmUp = [...new Set(visible.filter((id) => DOCUMENT_SELECTOR.some((entry) => entry.language === id)))];
  const args = warmUp.length > 0 ? [`--warm-up=${warmUp.join(',')}`] : [];
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, args, options: { execArgv: [...SERVER_NODE_ARGS] } },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      args,
      options: { execArgv: [...SERVER_NODE_ARGS, '--nolazy', '--inspect=6011'] },
    },
  };
  const keys = settingKeys(context.extension.packageJSON);
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: { configurationSection: 'dbusLint' },
    // This client registers dbusLint.replayCall and dbusLint.runWithFaults, so the server may offer
    // "Replay this call" and "Prove it with the fault bus".
    initializationOptions: {
      settings: explicitSettings(keys),
      replayCommand: true,
      faultBusCommand: true,
    } satisfies InitializationOptions,
    middleware: {
      workspace: {
        // Only what the user set, so that dbus-lint.json decides the rest (./settingsSection.ts).
        configuration: (params, token, next) =>
          params.items.some((item) => item.section === 'dbusLint')
            ? params.items.map((item) =>
                item.section === 'dbusLint'
                  ? explicitSettings(keys, item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                  : vscode.workspace.getConfiguration(
                      item.section,
                      item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined,
                    ),
              )
            : next(params, token),
      },
    },
  };
  client = new LanguageClient('dbusLint', 'D-Bus Lint', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onNotification(STATUS_NOTIFICATION, (status: ServerStatus) => showStatus(statusItem, status)),
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped) {
        showStatus(statusItem, {
          state: 'error',
          filesAnalysed: 0,
          message: 'the language server stopped; run "D-Bus Lint: Restart Server" (the output shows why it stopped)',
        });
      }
    }),
    vscode.commands.registerCommand('dbusLint.restartServer', async () => {
      output.info('restarting the language server');
      await client?.restart();
    }),
    vscode.commands.registerCommand('dbusLint.showOutput', () => output.show(true)),
    vscode.commands.registerCommand(FIX_ALL_IN_FILE_COMMAND, async () => {
      const document = vscode.window.activeTextEditor?.document;
      if (!document) {
        void vscode.window.showInformationMessage('D-Bus Lint: open a Rust, TypeScript or JavaScript file to fix');
        return;
      }
      const request: FixAllRequest = { uri: document.uri.toString(), version: document.version };
      // The server's command, which the language client registered from the server's capabilities.
      await vscode.commands.executeCommand(APPLY_ALL_FIXES_COMMAND, request);
    }),
    ...registerLiveCommands(context, output),
  );
  // Not awaited: the spawn and the initialize handshake go on after activation returns; the status item
  // says "starting" until the server reports, and a failure still reaches the user.
  void client.start().then(
    () => {
      output.info('language server started');
      try {
        started();
      } catch (error) {
        output.warn(`could not store the code cache, so the next activation compiles from source: ${String(error)}`);
      }
    },
    (error: unknown) => reportStartFailure(output, error),
  );
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
