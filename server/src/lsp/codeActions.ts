import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { isRuleId, ruleDocsUrl, ruleMeta, type Fix, type RuleId } from '../../../core/src/index';
import {
  REPLAY_CALL_COMMAND,
  RUN_WITH_FAULTS_COMMAND,
  type FaultRunRequest,
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

/** "Prove it with the fault bus": run the user's program under the faults that make this rule's bug happen. */
function faultBusAction(diagnostic: Diagnostic, ruleId: RuleId): CodeAction | undefined {
  const faults = ruleMeta(ruleId).proof.faults;
  if (faults.length === 0) return undefined;
  const title = `Prove it with the fault bus (${faults.join(', ')})`;
  const request: FaultRunRequest = { ruleId, faults: [...faults] };
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    command: { title, command: RUN_WITH_FAULTS_COMMAND, arguments: [request] },
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
  /** Whether the client can run RUN_WITH_FAULTS_COMMAND (our VS Code client says so). */
  faultBus?: boolean;
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
    const prove = options.faultBus ? faultBusAction(diagnostic, diagnostic.code) : undefined;
    if (prove) actions.push(prove);
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
