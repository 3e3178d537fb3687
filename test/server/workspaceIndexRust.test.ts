// The workspace index for Rust: a crate's files are indexed as JS/TS files are; an open file's call of another
// module's fn that waits forever is a finding linked to that fn, and a summary that changes while its file is
// edited re-checks the open files importing it — only those.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../support/lspClient';
import { DAEMON_PROXY } from '../support/zbusSamples';

const CLIENT = [
  'use zbus::{proxy, Connection};',
  '',
  ...DAEMON_PROXY,
  '',
  'pub async fn version(conn: &Connection) -> zbus::Result<String> {',
  '    let proxy = DaemonProxy::new(conn).await?;',
  '    proxy.version().await',
  '}',
  '',
].join('\n');
/** The same client with its call bounded by a timer: `version` no longer hands out an untimed wait. */
const BOUNDED_CLIENT = CLIENT.replace(
  '    proxy.version().await',
  '    tokio::time::timeout(std::time::Duration::from_secs(5), proxy.version()).await.map_err(|_| zbus::Error::Unsupported)?',
);
const CALLER = [
  'use crate::client;',
  '',
  'pub async fn show(conn: &zbus::Connection) -> zbus::Result<()> {',
  '    let version = client::version(conn).await?;',
  '    println!("{version}");',
  '    Ok(())',
  '}',
  '',
].join('\n');
const UNRELATED = 'use crate::other::version;\n\npub fn show() -> String {\n    version()\n}\n';

const timeouts = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === 'call-without-timeout');

describe('the workspace index of a Rust crate', () => {
  let client: LspTestClient;
  let root: string;
  const uri = (name: string) => pathToFileURL(join(root, 'src', name)).href;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'dbus-lint-index-rs-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(
      join(root, 'src', 'lib.rs'),
      'pub mod caller;\npub mod client;\npub mod other;\npub mod unrelated;\n',
    );
    writeFileSync(join(root, 'src', 'client.rs'), CLIENT);
    writeFileSync(join(root, 'src', 'caller.rs'), CALLER);
    writeFileSync(join(root, 'src', 'other.rs'), 'pub fn version() -> String {\n    String::new()\n}\n');
    writeFileSync(join(root, 'src', 'unrelated.rs'), UNRELATED);
    client = new LspTestClient();
    await client.initialize(pathToFileURL(root).href);
  });
  after(async () => client.shutdown());

  it('is built in the background and holds the summaries of Rust fns', async () => {
    await client.until(() => client.lastStatus?.index?.state === 'ready', 'the index was built', 30_000);
    assert.equal(client.lastStatus?.index?.summaries, 2, "client.rs's version, and caller.rs's show that awaits it");
  });

  it("an open file's call of another module's fn that waits forever is a finding, linked to the other file", async () => {
    await client.open(uri('caller.rs'), 'rust', CALLER);
    const [finding] = timeouts(await client.diagnostics(uri('caller.rs'), (p) => timeouts(p.diagnostics).length > 0));
    assert.equal(finding.range.start.line, 3);
    assert.match(
      typeof finding.message === 'string' ? finding.message : finding.message.value,
      /`version` \(client\.rs:8, from `crate::client`\)/,
    );
    assert.deepEqual(
      finding.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line + 1]),
      [
        [uri('client.rs'), 8],
        [uri('client.rs'), 10],
      ],
    );
  });

  it('editing the imported file so that its summary changes re-checks the files importing it, and no other', async () => {
    await client.open(uri('unrelated.rs'), 'rust', UNRELATED);
    await client.diagnostics(uri('unrelated.rs'));
    await client.open(uri('client.rs'), 'rust', CLIENT);
    await client.diagnostics(uri('client.rs'));
    const unrelatedBefore = client.publishCount.get(uri('unrelated.rs'));
    await client.replaceAll(uri('client.rs'), 2, BOUNDED_CLIENT);
    const after = await client.diagnostics(uri('caller.rs'), (p) => timeouts(p.diagnostics).length === 0);
    assert.deepEqual(timeouts(after), [], 'the caller waits no longer than the bounded call');
    await client.replaceAll(uri('client.rs'), 3, CLIENT);
    await client.diagnostics(uri('caller.rs'), (p) => timeouts(p.diagnostics).length === 1);
    assert.equal(client.publishCount.get(uri('unrelated.rs')), unrelatedBefore, 'a file that does not import it');
  });
});
