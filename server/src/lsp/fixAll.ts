// Fix all in the editor: the core's plan (every fix that needs no choice, none overlapping) as one edit, for
// the `source.fixAll.dbusLint` code action (codeActionsOnSave) and the "apply all fixes" command.
import { CodeActionKind, type CodeAction, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import { planFixAll, type Finding } from '../../../core/src/index';
import { FIX_ALL_KIND, SOURCE, type DiagnosticData } from '../../../protocol/src/index';

/** Whether a code action request with this `only` filter asks for fix all (`source`, `source.fixAll`, …). */
export function asksForFixAll(only: readonly string[] | undefined): boolean {
  return (only ?? []).some((kind) => FIX_ALL_KIND === kind || FIX_ALL_KIND.startsWith(`${kind}.`));
}

/**
 * The edit fixing every fixable finding of `version`, or undefined when nothing is fixable. `versioned` pins the
 * edit to that version (the client refuses it if the document changed since), for clients that support it.
 */
export function fixAllEdit(
  uri: string,
  version: number,
  findings: readonly Finding[],
  versioned: boolean,
): { edit: WorkspaceEdit; fixed: number } | undefined {
  const plan = planFixAll(findings);
  if (plan.edits.length === 0) return undefined;
  const edit: WorkspaceEdit = versioned
    ? { documentChanges: [{ textDocument: { uri, version }, edits: plan.edits }] }
    : { changes: { [uri]: plan.edits } };
  return { edit, fixed: plan.fixed.length };
}

export function fixAllAction(
  uri: string,
  version: number,
  findings: readonly Finding[],
  versioned: boolean,
): CodeAction | undefined {
  const planned = fixAllEdit(uri, version, findings, versioned);
  if (!planned) return undefined;
  return {
    title: `Fix all dbus-lint problems (${planned.fixed})`,
    kind: FIX_ALL_KIND,
    edit: planned.edit,
  };
}

/**
 * In the Quick Fix menu of a fixable finding, when the file has more than one: "Fix all dbus-lint problems in
 * this file (N)", the same edit as the source action (vscode-eslint offers the same).
 */
export function fixAllQuickFix(
  uri: string,
  version: number,
  findings: readonly Finding[],
  diagnostics: readonly Diagnostic[],
  versioned: boolean,
): CodeAction | undefined {
  const asked = diagnostics.some(
    (d) => d.source === SOURCE && ((d.data as DiagnosticData | undefined)?.fixes.length ?? 0) > 0,
  );
  if (!asked) return undefined;
  const planned = fixAllEdit(uri, version, findings, versioned);
  if (!planned || planned.fixed < 2) return undefined;
  return {
    title: `Fix all dbus-lint problems in this file (${planned.fixed})`,
    kind: CodeActionKind.QuickFix,
    edit: planned.edit,
  };
}
