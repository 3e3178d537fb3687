// Activation: starts the bundled language server over IPC and wires the commands and status item.
import * as vscode from 'vscode';
import {
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { STATUS_NOTIFICATION, type ServerStatus } from '../../server/src/lsp/status';
import { registerReplayCommand } from './commands/replayCall';
import { createStatusItem, showStatus } from './statusItem';

const DOCUMENT_SELECTOR = ['rust', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map(
  (language) => ({ scheme: 'file', language }),
);

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('D-Bus Lint', { log: true });
  const statusItem = createStatusItem(DOCUMENT_SELECTOR);
  context.subscriptions.push(output, statusItem);

  const serverModule = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: { configurationSection: 'dbusLint' },
    // replayCommand: this client registers dbusLint.replayCall, so the server may offer "Replay this call".
    initializationOptions: { settings: vscode.workspace.getConfiguration('dbusLint'), replayCommand: true },
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
    registerReplayCommand(context, output),
  );
  try {
    await client.start();
    output.info('language server started');
  } catch (error) {
    output.error(`the language server failed to start: ${String(error)}`);
    const choice = await vscode.window.showErrorMessage(
      `D-Bus Lint: the language server failed to start (${error instanceof Error ? error.message : String(error)}). No D-Bus findings will be shown until it runs.`,
      'Show Output',
      'Restart Server',
    );
    if (choice === 'Show Output') output.show(true);
    if (choice === 'Restart Server') await vscode.commands.executeCommand('dbusLint.restartServer');
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
