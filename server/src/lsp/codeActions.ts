import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { isRuleId, ruleDocsUrl, type Fix } from '../../../core/src/index';
import {
  REPLAY_CALL_COMMAND,
  SHOW_DOCUMENTATION_COMMAND,
  SOURCE,
  UNUSED_SUPPRESSION_CODE,
  type DiagnosticData,
  type ReplayRequest,
} from '../../../protocol/src/index';

/** "Replay this call on the bus", offered when the finding knows at least which method is called. */
function replayAction(diagnostic: Diagnostic, data: DiagnosticData | undefined): CodeAction | undefined {
  if (!data?.call?.member) return undefined;
  const title = 'Replay this call on the bus';
  const request: ReplayRequest = { call: data.call, ruleId: data.ruleId };
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title, command: REPLAY_CALL_COMMAND, arguments: [request] },
  };
}

function quickFix(uri: string, diagnostic: Diagnostic, fix: Fix, isPreferred: boolean): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred,
    edit: { changes: { [uri]: fix.edits } },
  };
}

export interface CodeActionOptions {
  /**
   * Whether the client can run REPLAY_CALL_COMMAND. Only our VS Code client registers it (and says so in its
   * initialization options); other editors would list an action they cannot run.
   */
  replay: boolean;
}

export function codeActionsFor(
  uri: string,
  diagnostics: Diagnostic[],
  options: CodeActionOptions = { replay: true },
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE) continue;
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.code === UNUSED_SUPPRESSION_CODE) {
      for (const fix of data?.fixes ?? []) actions.push(quickFix(uri, diagnostic, fix, true));
      continue;
    }
    if (typeof diagnostic.code !== 'string' || !isRuleId(diagnostic.code)) continue;
    for (const fix of data?.fixes ?? []) actions.push(quickFix(uri, diagnostic, fix, true));
    if (data?.suppressFix) actions.push(quickFix(uri, diagnostic, data.suppressFix, false));
    const replay = options.replay ? replayAction(diagnostic, data) : undefined;
    if (replay) actions.push(replay);
    actions.push({
      title: `Show documentation for ${diagnostic.code}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: {
        title: `Show documentation for ${diagnostic.code}`,
        command: SHOW_DOCUMENTATION_COMMAND,
        arguments: [diagnostic.code],
      },
    });
  }
  return actions;
}

/**
 * Where "Show documentation" goes: the rule's page shipped next to the server (docs/rules/ is in the vsix,
 * so it works offline), else the published page.
 */
export function documentationTarget(
  ruleId: unknown,
  localDocsDir: string | undefined,
): { uri: string; external: boolean } | undefined {
  if (typeof ruleId !== 'string' || !isRuleId(ruleId)) return undefined;
  if (localDocsDir) return { uri: pathToFileURL(join(localDocsDir, `${ruleId}.md`)).href, external: false };
  return { uri: ruleDocsUrl(ruleId), external: true };
}
