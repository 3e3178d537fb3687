// The live commands run real D-Bus traffic (the replay) or real programs (the fault bus): in Restricted Mode
// they are refused with a way to trust the workspace.
import * as vscode from 'vscode';

/** `what` completes "D-Bus Lint: … so it is off in Restricted Mode", e.g. "Replay sends real D-Bus calls". */
export async function refuseUntrusted(what: string): Promise<void> {
  const manage = 'Manage Workspace Trust';
  const choice = await vscode.window.showWarningMessage(
    `D-Bus Lint: ${what}, so it is off in Restricted Mode. Trust this workspace to use it.`,
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}
