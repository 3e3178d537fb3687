import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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

/**
 * Where "Show documentation" goes: the rule's page shipped next to the server (docs/rules/ is in the vsix,
 * so it works offline), else the published page.
 */
export function documentationTarget(ruleId: unknown, localDocsDir: string | undefined): { uri: string; external: boolean } | undefined {
  if (typeof ruleId !== 'string' || !isRuleId(ruleId)) return undefined;
  if (localDocsDir) return { uri: pathToFileURL(join(localDocsDir, `${ruleId}.md`)).href, external: false };
  return { uri: ruleDocsUrl(ruleId), external: true };
}
