import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';
import { LspTestClient } from '../support/lspClient';

const RUST_FILE = join(REPO_ROOT, 'examples', 'rust', 'src', 'main.rs');
const TS_FILE = join(REPO_ROOT, 'examples', 'ts', 'src', 'busId.ts');

describe('language server over stdio', () => {
  let client: LspTestClient;

  before(async () => {
    client = new LspTestClient();
    const result = await client.initialize(pathToFileURL(REPO_ROOT).href);
    assert.equal(result.capabilities.textDocumentSync, 2, 'incremental sync');
  });
  after(async () => client.shutdown());

  it('publishes call-without-timeout for a zbus call in Rust with code, source and docs link', async () => {
    const uri = pathToFileURL(RUST_FILE).href;
    await client.open(uri, 'rust', readFileSync(RUST_FILE, 'utf8'));
    const diagnostics = await client.diagnostics(uri);
    const finding = diagnostics.find((d) => d.code === 'call-without-timeout');
    assert.ok(finding, JSON.stringify(diagnostics));
    assert.equal(finding.source, 'dbus-lint');
    assert.equal(finding.severity, 2);
    assert.match(finding.codeDescription?.href ?? '', /docs\/rules\/call-without-timeout\.md$/);
    assert.match(typeof finding.message === 'string' ? finding.message : finding.message.value, /method_timeout/);
    assert.match(readFileSync(RUST_FILE, 'utf8').split('\n')[finding.range.start.line] ?? '', /call_method|connection/);
  });

  it('publishes call-without-timeout for a dbus-next call in TypeScript, then clears it after an edit', async () => {
    const uri = pathToFileURL(TS_FILE).href;
    const text = readFileSync(TS_FILE, 'utf8');
    await client.open(uri, 'typescript', text);
    const diagnostics = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const finding = diagnostics.find((d) => d.code === 'call-without-timeout');
    assert.ok(finding);
    const line = text.split('\n')[finding.range.start.line] ?? '';
    assert.match(line, /bus\.call/);

    // Incremental edit: rename the awaited call so it is no longer a dbus-next bus call.
    const start = { line: finding.range.start.line, character: line.indexOf('bus.call') };
    await client.change(uri, 2, [
      { range: { start, end: { line: start.line, character: start.character + 8 } }, text: 'bus.cell' },
    ]);
    const after = await client.diagnostics(uri, (p) => p.version === 2);
    assert.deepEqual(
      after.filter((d) => d.code === 'call-without-timeout'),
      [],
    );
  });

  it('offers a documentation action for each finding', async () => {
    const uri = pathToFileURL(RUST_FILE).href;
    const diagnostics = await client.diagnostics(uri);
    const actions = await client.codeActions(uri, diagnostics);
    assert.ok(
      actions.some((a) => a.title === 'Show documentation for call-without-timeout'),
      JSON.stringify(actions),
    );
    // This client did not say it can run dbusLint.replayCall (only our VS Code client does): no replay action.
    assert.ok(!actions.some((a) => a.title === 'Replay this call on the bus'), JSON.stringify(actions));
  });

  it('explains a finding on hover: rule title, message, evidence path and docs link', async () => {
    const uri = pathToFileURL(RUST_FILE).href;
    const [finding] = await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: finding.range.start,
    });
    const shown = hover?.contents.value ?? '';
    assert.match(shown, /Method call that can wait forever/);
    assert.match(shown, /`call_method` can wait forever/, 'the message, its code spans kept');
    const built = finding.relatedInformation?.[0];
    assert.ok(built, 'the finding has an evidence location');
    assert.ok(shown.includes(`Evidence:\n- line ${built.location.range.start.line + 1}: ${built.message}`), shown);
    assert.match(shown, /\[Rule documentation\]\(.*docs\/rules\/call-without-timeout\.md\)/);
    const nothing = await client.connection.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line: 0, character: 0 },
    });
    assert.equal(nothing, null);
  });

  it('applies a severity override from workspace settings', async () => {
    client.settings = { rules: { 'call-without-timeout': { severity: 'error' } } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const uri = pathToFileURL(RUST_FILE).href;
    const diagnostics = await client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.severity === 1));
    assert.equal(diagnostics[0]?.severity, 1);
    client.settings = { rules: { 'call-without-timeout': { severity: 'off' } } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await client.diagnostics(uri, (p) => p.diagnostics.length === 0), []);
    client.settings = {};
  });

  it('says why a file over the size cap is not analysed instead of staying silent', async () => {
    client.settings = { maxFileSize: 100 };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const uri = pathToFileURL(join(REPO_ROOT, 'big.ts')).href;
    await client.open(uri, 'typescript', 'import dbus from "dbus-next";\n'.repeat(10));
    const diagnostics = await client.diagnostics(uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]?.code, 'not-analysed');
    assert.match(JSON.stringify(diagnostics[0]?.message), /over the 100-character limit/);
    client.settings = {};
  });

  it('does not parse a binary file: it gets the not-analysed diagnostic the CLI skips it with', async () => {
    const uri = pathToFileURL(join(REPO_ROOT, 'blob.js')).href;
    // Text a rule would flag, after a NUL byte: only the binary test keeps it from the parser.
    await client.open(uri, 'javascript', `\0\u0001ELF\nconst bus = require('dbus-next').systemBus();\nbus.call(m);\n`);
    const diagnostics = await client.diagnostics(uri);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message]),
      [['not-analysed', 'dbus-lint: file not analysed: binary file (NUL bytes in its first 8 KiB)']],
    );
  });
});
