// The entry VS Code loads (dist/extension.js). It loads the extension proper, dist/client.js (./client.ts),
// through V8's code cache: compiling the language client is most of what activation would cost.
import type * as vscode from 'vscode';
import type * as Client from './client';
import { requireWithCodeCache } from './codeCache';

let client: typeof Client | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const loaded = requireWithCodeCache<typeof Client>(
    context.asAbsolutePath('dist/client.js'),
    context.globalStorageUri.fsPath,
  );
  client = loaded.exports;
  client.activate(context, () => loaded.saveCache());
}

export function deactivate(): Promise<void> | undefined {
  return client?.deactivate();
}
