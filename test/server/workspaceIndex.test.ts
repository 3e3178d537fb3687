// The workspace index: built in the background when the server starts, it gives open documents the summaries of
// the files they import (a call of another file's function that waits forever is a finding, linked to that file),
// and a summary that changes while its file is edited re-checks the open documents importing it — only those.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../support/lspClient';

const CLIENT = [
  "const dbus = require('dbus-next');",
  'const { Message } = dbus;',
  'class Client {',
  '  constructor() {',
  '    this.bus = dbus.systemBus();',
  '  }',
  '  async getVersion() {',
  "    const message = new Message({ destination: 'org.example.Daemon', path: '/', interface: 'org.example.Daemon', member: 'Version' });",
  '    return (await this.bus.call(message)).body[0];',
  '  }',
  '}',
  'module.exports = { Client };',
  '',
].join('\n');
/** The same client with its call bounded by a timer: getVersion no longer hands out an untimed wait. */
const BOUNDED_CLIENT = CLIENT.replace(
  'return (await this.bus.call(message)).body[0];',
  'return (await Promise.race([this.bus.call(message), new Promise((_, reject) => setTimeout(reject, 5000))])).body[0];',
);
const CALLER = [
  "const { Client } = require('./client');",
  'async function main() {',
  '  console.log(await new Client().getVersion());',
  '}',
  'main();',
  '',
].join('\n');
const UNRELATED = "const { Client } = require('./other');\nnew Client().getVersion();\n";

const timeouts = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === 'call-without-timeout');

describe('the workspace index', () => {
  let client: LspTestClient;
  let root: string;
  const uri = (name: string) => pathToFileURL(join(root, name)).href;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dbus-lint-index-'));
    writeFileSync(join(root, 'client.js'), CLIENT);
    writeFileSync(join(root, 'caller.js'), CALLER);
    writeFileSync(
      join(root, 'other.js'),
      'class Client { getVersion() { return 1; } }\nmodule.exports = { Client };\n',
    );
    writeFileSync(join(root, 'unrelated.js'), UNRELATED);
    client = new LspTestClient();
    await client.initialize(pathToFileURL(root).href);
  });
  after(async () => client.shutdown());

  it('is built in the background and reported in the status', async () => {
    await client.until(() => client.lastStatus?.index?.state === 'ready', 'the index was built', 30_000);
    assert.equal(client.lastStatus?.index?.files, 4);
    assert.equal(client.lastStatus?.index?.summaries, 2, "client.js's getVersion, and caller.js's main that awaits it");
  });

  it("an open file's call of an imported function that waits forever is a finding, linked to the other file", async () => {
    await client.open(uri('caller.js'), 'javascript', CALLER);
    const [finding] = timeouts(await client.diagnostics(uri('caller.js'), (p) => timeouts(p.diagnostics).length > 0));
    assert.equal(finding.range.start.line, 2);
    assert.match(
      typeof finding.message === 'string' ? finding.message : finding.message.value,
      /`getVersion` \(client\.js:7, imported from '\.\/client'\)/,
    );
    assert.deepEqual(
      finding.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line + 1]),
      [
        [uri('client.js'), 7],
        [uri('client.js'), 9],
      ],
    );
  });

  it('editing the imported file so that its summary changes re-checks the files importing it, and no other', async () => {
    await client.open(uri('unrelated.js'), 'javascript', UNRELATED);
    await client.diagnostics(uri('unrelated.js'));
    await client.open(uri('client.js'), 'javascript', CLIENT);
    await client.diagnostics(uri('client.js'));
    const unrelatedBefore = client.publishCount.get(uri('unrelated.js'));
    await client.replaceAll(uri('client.js'), 2, BOUNDED_CLIENT);
    const after = await client.diagnostics(uri('caller.js'), (p) => timeouts(p.diagnostics).length === 0);
    assert.deepEqual(timeouts(after), [], 'the caller waits no longer than the bounded call');
    await client.replaceAll(uri('client.js'), 3, CLIENT);
    await client.diagnostics(uri('caller.js'), (p) => timeouts(p.diagnostics).length === 1);
    assert.equal(client.publishCount.get(uri('unrelated.js')), unrelatedBefore, 'a file that does not import it');
  });

  it('dbusLint.workspaceIndex: false drops the index: each file is analysed alone', async () => {
    client.settings = { workspaceIndex: false };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(uri('caller.js'), (p) => timeouts(p.diagnostics).length === 0);
    assert.equal(client.lastStatus?.index, undefined);
    client.settings = {};
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    await client.diagnostics(uri('caller.js'), (p) => timeouts(p.diagnostics).length === 1, 30_000);
    await client.until(() => client.lastStatus?.index?.state === 'ready', 'turned on again, it is built again', 30_000);
  });
});
