import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { runCli } from '../support/cli';
import { NETWORK_STATE_SOURCE } from '../support/dbusNextSample';
import { LspTestClient } from '../support/lspClient';

function workspace(config?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'dbus-lint-lsp-config-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'generated'));
  writeFileSync(join(root, 'src', 'network.ts'), NETWORK_STATE_SOURCE);
  if (config !== undefined) writeFileSync(join(root, 'dbus-lint.json'), config);
  return root;
}

const uriOf = (root: string, ...parts: string[]) => pathToFileURL(join(root, ...parts)).href;
const findingsOf = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === 'call-without-timeout');
const text = (message: Diagnostic['message']) => (typeof message === 'string' ? message : message.value);

describe('the language server reads dbus-lint.json and the baseline', () => {
  let client: LspTestClient | undefined;
  afterEach(async () => {
    await client?.shutdown();
    client = undefined;
  });

  async function start(root: string, settings: Record<string, unknown> = {}): Promise<LspTestClient> {
    client = new LspTestClient();
    client.settings = settings;
    await client.initialize(pathToFileURL(root).href, { didChangeWatchedFiles: { dynamicRegistration: true } });
    return client;
  }

  it('applies the rules and ignore of the workspace root config; a setting set by the user overrides it', async () => {
    const root = workspace(JSON.stringify({ rules: { 'call-without-timeout': 'error' }, ignore: ['generated/'] }));
    const lsp = await start(root);
    const uri = uriOf(root, 'src', 'network.ts');
    await lsp.open(uri, 'typescript', NETWORK_STATE_SOURCE);
    const shown = findingsOf(await lsp.diagnostics(uri));
    assert.deepEqual(
      shown.map((d) => d.severity),
      [1, 1],
      'error, from the config',
    );
    const ignored = uriOf(root, 'generated', 'network.ts');
    await lsp.open(ignored, 'typescript', NETWORK_STATE_SOURCE);
    assert.deepEqual(await lsp.diagnostics(ignored), [], 'ignored by the config');

    lsp.settings = { rules: { 'call-without-timeout': { severity: 'hint' } } };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const overridden = await lsp.diagnostics(uri, (p) => findingsOf(p.diagnostics).every((d) => d.severity === 4));
    assert.equal(findingsOf(overridden).length, 2);
  });

  it('an invalid config gets diagnostics on the file, the defaults are used, and a fix is picked up', async () => {
    const root = workspace('{\n  "rules": {"call-without-timeout": "loud"},\n  "colour": 1\n}\n');
    const lsp = await start(root);
    const configUri = uriOf(root, 'dbus-lint.json');
    const problems = await lsp.diagnostics(configUri);
    assert.equal(problems.length, 2, JSON.stringify(problems));
    assert.equal(problems[0].code, 'invalid-config');
    assert.equal(problems[0].source, 'dbus-lint');
    assert.deepEqual(problems[0].range.start, { line: 1, character: 36 });
    assert.match(text(problems[0].message), /severity must be one of .* not "loud"; its default is used/);
    assert.match(text(problems[1].message), /unknown key "colour"/);

    const uri = uriOf(root, 'src', 'network.ts');
    await lsp.open(uri, 'typescript', NETWORK_STATE_SOURCE);
    assert.deepEqual(
      findingsOf(await lsp.diagnostics(uri)).map((d) => d.severity),
      [2, 2],
      'the default severity',
    );

    writeFileSync(join(root, 'dbus-lint.json'), '{"rules": {"call-without-timeout": "off"}}');
    await lsp.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: configUri, type: 2 }],
    });
    assert.deepEqual(await lsp.diagnostics(configUri, (p) => p.diagnostics.length === 0), []);
    assert.deepEqual(await lsp.diagnostics(uri, (p) => findingsOf(p.diagnostics).length === 0), []);
  });

  it('findings in the baseline are hints, or hidden; a new finding is reported as usual', async () => {
    const root = workspace(JSON.stringify({ baseline: 'baseline.sarif' }));
    const written = await runCli(['check', '--write-baseline', 'baseline.sarif', 'src'], { cwd: root });
    assert.equal(written.code, 1, written.stderr);
    const lsp = await start(root);
    const uri = uriOf(root, 'src', 'network.ts');
    // 30 lines above move every finding; one new call is added.
    const moved =
      '\n'.repeat(30) + NETWORK_STATE_SOURCE.replace('  return value;', '  await nm.Reload(0);\n  return value;');
    await lsp.open(uri, 'typescript', moved);
    const shown = findingsOf(await lsp.diagnostics(uri));
    assert.deepEqual(
      shown.map((d) => [d.range.start.line, d.severity]),
      [
        [37, 4],
        [38, 4],
        [39, 2],
      ],
    );
    assert.match(text(shown[0].message), /\(in the baseline baseline\.sarif;/);
    const hover = await lsp.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: shown[0].range.start,
    });
    assert.match(hover?.contents.value ?? '', /In the baseline/);
    assert.match(hover?.contents.value ?? '', /\[Rule documentation\]\(.*call-without-timeout\.md\)/);

    lsp.settings = { baselinedFindings: 'hide' };
    await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const hidden = await lsp.diagnostics(uri, (p) => findingsOf(p.diagnostics).length === 1);
    assert.equal(findingsOf(hidden)[0].range.start.line, 39);
    // Fix all leaves baselined code alone: it fixes what is shown as a problem.
    const [action] = await lsp.codeActions(uri, [], ['source.fixAll.dbusLint']);
    assert.match(action?.title ?? '', /\(1\)/);
  });

  it('a baseline that cannot be read is said once, and findings are shown without it', async () => {
    const root = workspace();
    const lsp = await start(root, { baseline: 'missing.sarif' });
    const uri = uriOf(root, 'src', 'network.ts');
    await lsp.open(uri, 'typescript', NETWORK_STATE_SOURCE);
    assert.equal(findingsOf(await lsp.diagnostics(uri)).length, 2);
    await lsp.until(() => lsp.shownMessages.length > 0, 'a warning');
    assert.match(
      lsp.shownMessages[0].message,
      /baseline missing\.sarif does not exist; create it with `dbus-lint check --write-baseline missing\.sarif/,
    );
  });
});
