import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { isRuleId, ruleDocsUrl, type Fix } from '../analysis/index';
import { SOURCE, UNUSED_SUPPRESSION_CODE, type DiagnosticData } from './diagnostics';

/** Server-side command: opens a rule's docs through `window/showDocument`, so it works in any LSP client. */
export const SHOW_DOCUMENTATION_COMMAND = 'dbusLint.showRuleDocumentation';

function quickFix(uri: string, diagnostic: Diagnostic, fix: Fix, isPreferred: boolean): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred,
    edit: { changes: { [uri]: fix.edits } },
  };
}

export function codeActionsFor(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
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
    actions.push({
      title: `Show documentation for ${diagnostic.code}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${diagnostic.code}`, command: SHOW_DOCUMENTATION_COMMAND, arguments: [diagnostic.code] },
    });
  }
  return actions;
}

/**
 * Where "Show documentation" goes: the rule's page shipped next to the server (docs/rules/ is in the vsix,
 * so it works offline), else the published page.
 */
export function documentationTarget(ruleId: unknown, localDocsDir: string | undefined): { uri: string; external: boolean } | undefined {
  if (typeof ruleId !== 'string' || !isRuleId(ruleId)) return undefined;
  if (localDocsDir) return { uri: pathToFileURL(join(localDocsDir, `${ruleId}.md`)).href, external: false };
  return { uri: ruleDocsUrl(ruleId), external: true };
}
