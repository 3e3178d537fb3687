import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { isRuleId, ruleDocsUrl } from '../analysis/index';
import { SOURCE, type DiagnosticData } from './diagnostics';

/** Server-side command: opens a rule's docs through `window/showDocument`, so it works in any LSP client. */
export const SHOW_DOCUMENTATION_COMMAND = 'dbusLint.showRuleDocumentation';

export function codeActionsFor(uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string' || !isRuleId(diagnostic.code)) continue;
    const data = diagnostic.data as DiagnosticData | undefined;
    for (const fix of data?.fixes ?? []) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: true,
        edit: { changes: { [uri]: fix.edits } },
      });
    }
    actions.push({
      title: `Show documentation for ${diagnostic.code}`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title: `Show documentation for ${diagnostic.code}`, command: SHOW_DOCUMENTATION_COMMAND, arguments: [diagnostic.code] },
    });
  }
  return actions;
}

export function documentationUrl(ruleId: unknown): string | undefined {
  return typeof ruleId === 'string' && isRuleId(ruleId) ? ruleDocsUrl(ruleId) : undefined;
}
