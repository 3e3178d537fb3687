import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits } from '../../core/src/index';
import { NETWORK_STATE_SOURCE } from '../support/dbusNextSample';
import { syntaxError } from '../support/edits';
import { LspTestClient } from '../support/lspClient';

const FIX_ALL = 'source.fixAll.dbusLint';

function editsOf(edit: WorkspaceEdit | undefined, uri: string, version?: number): TextEdit[] {
  if (edit?.documentChanges) {
    const [change] = edit.documentChanges as { textDocument: { uri: string; version: number }; edits: TextEdit[] }[];
    assert.equal(change.textDocument.uri, uri);
    if (version !== undefined) assert.equal(change.textDocument.version, version, 'the edit is pinned to the version');
    return change.edits;
  }
  return edit?.changes?.[uri] ?? [];
}

describe('fix all in the language server', () => {
  let client: LspTestClient;
  const root = mkdtempSync(join(tmpdir(), 'dbus-lint-fixall-'));
  const uri = pathToFileURL(join(root, 'network.ts')).href;

  before(async () => {
    client = new LspTestClient();
    const result = await client.initialize(pathToFileURL(root).href, { workspaceEdit: { documentChanges: true } });
    const kinds = (result.capabilities.codeActionProvider as { codeActionKinds?: string[] }).codeActionKinds;
    assert.ok(kinds?.includes(FIX_ALL), JSON.stringify(kinds));
  });
  after(async () => client.shutdown());

  it('source.fixAll.dbusLint fixes every finding in one edit; the result parses and has no finding left', async () => {
    await client.open(uri, 'typescript', NETWORK_STATE_SOURCE);
    const before = await client.diagnostics(uri, (p) => p.version === 1);
    assert.equal(before.filter((d) => d.code === 'call-without-timeout').length, 2);
    // What codeActionsOnSave asks: the kind only, no diagnostics.
    const actions = await client.codeActions(uri, [], [FIX_ALL]);
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.equal(actions[0].kind, FIX_ALL);
    assert.match(actions[0].title, /\(2\)/);
    const fixed = applyTextEdits(NETWORK_STATE_SOURCE, editsOf(actions[0].edit, uri, 1));
    assert.equal(await syntaxError(fixed, 'typescript'), undefined);
    assert.match(fixed, /Promise\.race\(\[nm\.state\(\)/);

    await client.replaceAll(uri, 2, fixed);
    const left = await client.diagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(
      left.filter((d) => d.code === 'call-without-timeout'),
      [],
    );
    assert.deepEqual(await client.codeActions(uri, [], [FIX_ALL]), [], 'nothing left to fix');
  });

  it('is not offered to a request that asks only for quick fixes, and `source` includes it', async () => {
    await client.replaceAll(uri, 3, NETWORK_STATE_SOURCE);
    const diagnostics = await client.diagnostics(uri, (p) => p.version === 3);
    const quick = await client.codeActions(uri, diagnostics, ['quickfix']);
    assert.ok(!quick.some((a) => a.kind === FIX_ALL));
    // The Quick Fix menu of a fixable finding offers the whole file's fixes too, as vscode-eslint does.
    const all = quick.find((a) => a.title === 'Fix all dbus-lint problems in this file (2)');
    assert.equal(all?.kind, 'quickfix');
    const fixed = applyTextEdits(NETWORK_STATE_SOURCE, editsOf(all?.edit, uri, 3));
    assert.equal(fixed.match(/Promise\.race\(/g)?.length, 2);
    const source = await client.codeActions(uri, [], ['source']);
    assert.deepEqual(
      source.map((a) => a.kind),
      [FIX_ALL],
    );
  });

  it('fixes the text being saved: an edit still waiting for its analysis is analysed first', async () => {
    // A paste (a whole-text change) waits for the debounce; the save's fix-all must not use version 3's findings.
    const pasted = NETWORK_STATE_SOURCE.replace('  await nm.CheckConnectivity();\n', '');
    await client.replaceAll(uri, 4, pasted);
    const actions = await client.codeActions(uri, [], [FIX_ALL]);
    assert.equal(actions.length, 1);
    assert.match(actions[0].title, /\(1\)/, 'one finding in version 4');
    const fixed = applyTextEdits(pasted, editsOf(actions[0].edit, uri, 4));
    assert.equal(await syntaxError(fixed, 'typescript'), undefined);
    assert.equal(fixed.match(/Promise\.race/g)?.length, 1);
  });

  it('the apply-all-fixes command sends the edit through workspace/applyEdit', async () => {
    await client.replaceAll(uri, 5, NETWORK_STATE_SOURCE);
    await client.diagnostics(uri, (p) => p.version === 5);
    const before = client.appliedEdits.length;
    await client.connection.sendRequest('workspace/executeCommand', {
      command: 'dbusLint.applyAllFixes',
      arguments: [{ uri, version: 5 }],
    });
    await client.until(() => client.appliedEdits.length > before, 'workspace/applyEdit');
    const fixed = applyTextEdits(NETWORK_STATE_SOURCE, editsOf(client.appliedEdits.at(-1) as WorkspaceEdit, uri, 5));
    assert.equal(fixed.match(/Promise\.race/g)?.length, 2);

    // Nothing to fix: the user is told so instead of a silent no-op.
    const clean = 'export const x = 1; // dbus\n';
    await client.replaceAll(uri, 6, clean);
    await client.diagnostics(uri, (p) => p.version === 6);
    const shown = client.shownMessages.length;
    await client.connection.sendRequest('workspace/executeCommand', {
      command: 'dbusLint.applyAllFixes',
      arguments: [{ uri }],
    });
    await client.until(() => client.shownMessages.length > shown, 'a message');
    assert.match(client.shownMessages.at(-1)?.message ?? '', /nothing in this file has a fix/);
  });
});
