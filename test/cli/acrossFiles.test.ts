// `dbus-lint check` analyses a scan's files together: a call of another file's function that waits forever is a
// finding where it is called, linked to the function (text --explain, JSON, SARIF relatedLocations), and the
// project's manifest names the D-Bus library of a module that imports none.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { COLLECTION_MODULE, DAEMON_PROXY, HELPER_FN } from '../support/zbusSamples';

/** A module handed its bus: no import, no D-Bus word but the message it builds. dbus-native 0.4 waits forever. */
const SETTINGS = [
  'exports.getValue = function getValue(bus, path) {',
  '  return new Promise((resolve, reject) => {',
  "    bus.invoke({ destination: 'com.example.settings', path, interface: 'com.example.Settings', member: 'GetValue' },",
  '      (err, value) => (err ? reject(err) : resolve(value)));',
  '  });',
  '};',
  '',
].join('\n');
const APP = [
  "const settings = require('./lib/settings');",
  'async function main(bus) {',
  "  console.log(await settings.getValue(bus, '/Settings/Brightness'));",
  '}',
  'module.exports = main;',
  '',
].join('\n');

/** A project of the two files whose package.json depends on dbus-native `version`. */
function project(version: string): string {
  const root = mkdtempSync(join(tmpdir(), 'dbus-lint-across-'));
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'dbus-native': version } }));
  writeFileSync(join(root, 'lib', 'settings.js'), SETTINGS);
  writeFileSync(join(root, 'app.js'), APP);
  return root;
}

describe('dbus-lint check across files', () => {
  let root: string;
  before(() => {
    root = project('^0.4.0');
  });

  it('finds the call in the importing file and names the function in the other file', async () => {
    const run = await runCli(['check', '--explain', '.'], { cwd: root });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^lib\/settings\.js:3:\d+: warning \[call-without-timeout\] `bus\.invoke\(\)`/m);
    assert.match(
      run.stdout,
      /^app\.js:3:\d+: warning \[call-without-timeout\] `settings\.getValue\(\)` can wait forever: `getValue` \(settings\.js:1, imported from '\.\/lib\/settings'\)/m,
    );
    assert.match(run.stdout, /^ {4}lib\/settings\.js:1:\d+: `getValue` hands its caller a wait with no deadline$/m);
  });

  it('SARIF carries the path as relatedLocations into the other file', async () => {
    const run = await runCli(['check', '--format', 'sarif', '.'], { cwd: root });
    const sarif = JSON.parse(run.stdout) as {
      runs: {
        results: {
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
          relatedLocations?: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }[];
        }[];
      }[];
    };
    const inApp = sarif.runs[0].results.find((r) => r.locations[0].physicalLocation.artifactLocation.uri === 'app.js');
    assert.ok(inApp, 'a result in app.js');
    assert.deepEqual(
      inApp.relatedLocations?.map((r) => [
        r.physicalLocation.artifactLocation.uri,
        r.physicalLocation.region.startLine,
      ]),
      [
        ['lib/settings.js', 1],
        ['lib/settings.js', 3],
      ],
    );
  });

  it('a dbus-native version with a default deadline (≥ 0.14) makes neither a finding', async () => {
    const run = await runCli(['check', '.'], { cwd: project('^0.16.1') });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });
});

/** A Rust crate: src/client.rs's helper waits on an untimed zbus call; src/main.rs calls it through `use`. */
function crate(): string {
  const root = mkdtempSync(join(tmpdir(), 'dbus-lint-across-rs-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(root, 'src', 'lib.rs'), 'pub mod client;\n');
  writeFileSync(
    join(root, 'src', 'client.rs'),
    ['use zbus::{proxy, Connection};', '', ...DAEMON_PROXY, '', ...HELPER_FN, ''].join('\n'),
  );
  writeFileSync(
    join(root, 'src', 'main.rs'),
    [
      'use crate::client::helper;',
      'use std::time::Duration;',
      '',
      '#[tokio::main]',
      'async fn main() -> zbus::Result<()> {',
      '    let conn = zbus::Connection::session().await?;',
      '    let version = helper(&conn).await?;',
      '    let bounded = tokio::time::timeout(Duration::from_secs(5), helper(&conn)).await;',
      '    println!("{version} {bounded:?}");',
      '    Ok(())',
      '}',
      '',
    ].join('\n'),
  );
  return root;
}

describe('dbus-lint check across the files of a Rust crate', () => {
  it("finds the unbounded call of the other module's fn, names it, and leaves the bounded call alone", async () => {
    const run = await runCli(['check', '--explain', '.'], { cwd: crate() });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^src\/client\.rs:10:\d+: warning \[call-without-timeout\] `proxy\.version\(\)`/m);
    assert.match(
      run.stdout,
      /^src\/main\.rs:7:\d+: warning \[call-without-timeout\] `helper\(\)` can wait forever: `helper` \(client\.rs:8, from `crate::client`\)/m,
    );
    assert.match(run.stdout, /^ {4}src\/client\.rs:8:\d+: `helper` hands its caller a wait with no deadline$/m);
    assert.doesNotMatch(run.stdout, /^src\/main\.rs:8:/m, 'the call inside tokio::time::timeout is bounded');
  });

  it('follows a test or a bin into the library by its name (`use app::client::helper`), not another crate of that name', async () => {
    const root = crate();
    mkdirSync(join(root, 'tests'));
    mkdirSync(join(root, 'src', 'bin'));
    const caller = (path: string) => [
      `use ${path}::client::helper;`,
      '',
      '#[tokio::test]',
      'async fn version() -> zbus::Result<()> {',
      '    let conn = zbus::Connection::session().await?;',
      '    helper(&conn).await?;',
      '    Ok(())',
      '}',
      '',
    ];
    writeFileSync(join(root, 'tests', 'it.rs'), caller('app').join('\n'));
    writeFileSync(join(root, 'src', 'bin', 'tool.rs'), caller('app').join('\n'));
    writeFileSync(join(root, 'tests', 'other.rs'), caller('other_app').join('\n'));
    const run = await runCli(['check', '.'], { cwd: root });
    assert.match(
      run.stdout,
      /^tests\/it\.rs:6:\d+: warning \[call-without-timeout\] `helper\(\)` can wait forever: `helper` \(client\.rs:8, from `app::client`\)/m,
    );
    assert.match(run.stdout, /^src\/bin\/tool\.rs:6:\d+: warning \[call-without-timeout\] `helper\(\)`/m);
    assert.doesNotMatch(run.stdout, /^tests\/other\.rs:/m, 'another crate named other_app is not this library');
  });

  it("follows a value an imported fn returned to its type's methods in a module the library re-exports", async () => {
    const root = crate();
    writeFileSync(
      join(root, 'src', 'lib.rs'),
      [
        'pub mod client;',
        'mod collection;',
        'pub use collection::Collection;',
        'use zbus::Connection;',
        '',
        'pub struct Service { conn: Connection }',
        '',
        'impl Service {',
        '    pub async fn default_collection(&self) -> zbus::Result<Collection> {',
        '        let name = client::helper(&self.conn).await?;',
        '        Ok(Collection::named(&self.conn, name))',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(root, 'src', 'collection.rs'), COLLECTION_MODULE.join('\n'));
    mkdirSync(join(root, 'examples'));
    writeFileSync(
      join(root, 'examples', 'clean.rs'),
      [
        'use app::Service;',
        '',
        'async fn clean(service: &Service) -> zbus::Result<()> {',
        '    let collection = service.default_collection().await?;',
        '    collection.delete().await',
        '}',
        '',
      ].join('\n'),
    );
    const run = await runCli(['check', '.'], { cwd: root });
    assert.match(
      run.stdout,
      /^examples\/clean\.rs:5:\d+: warning \[call-without-timeout\] `collection\.delete\(\)` can wait forever: `Collection::delete` \(collection\.rs:12, from `app::collection`\)/m,
    );
  });
});
