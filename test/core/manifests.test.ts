// Project manifests: what the parsers read from package.json, Cargo.toml and lockfiles, and how the rules use it —
// the library of a file that imports none, a library's own sources, and a version's default deadline.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseCargoManifest,
  parsePackageManifest,
  withLockedVersions,
  type ProjectContext,
} from '../../core/src/index';
import { lowestVersion } from '../../core/src/manifests';
import { testAnalyzer } from '../support/analyzer';

describe('project manifests', () => {
  it('package.json: name, version, run-time dependencies (not dev ones), npm: aliases', () => {
    const project = parsePackageManifest(
      JSON.stringify({
        name: 'player',
        version: '2.1.0',
        dependencies: { 'dbus-next': '^0.10.2', bus: 'npm:@scope/dbus-native@^0.7' },
        peerDependencies: { debug: '*' },
        devDependencies: { 'dbus-native': '^0.16.0' },
      }),
      '/p/package.json',
    );
    assert.deepEqual(project, {
      manifest: '/p/package.json',
      name: 'player',
      version: '2.1.0',
      dependencies: { 'dbus-next': '^0.10.2', '@scope/dbus-native': '^0.7', debug: '*' },
    });
    assert.equal(parsePackageManifest('[1, 2]', 'x'), undefined);
    // Broken JSON names nothing (the host then looks further up) and loses nothing else.
    assert.deepEqual(parsePackageManifest('{ "name": ', 'x'), { manifest: 'x', dependencies: {} });
  });

  it('Cargo.toml: [package], inline and table dependencies, renames, target deps; dev and build deps left out', () => {
    const project = parseCargoManifest(
      [
        '[package]',
        'name = "runtime" # the crate',
        'version = "0.3.1"',
        '',
        '[dependencies]',
        'nix = "0.27"',
        'bus = { version = "4.1", package = "zbus", default-features = false }',
        '',
        '[dependencies.dbus]',
        'version = "0.9.6"',
        '',
        "[target.'cfg(unix)'.dependencies]",
        'libc = "0.2"',
        '',
        '[dev-dependencies]',
        'rustbus = "0.19"',
        '',
        '[build-dependencies.cc]',
        'version = "1"',
      ].join('\n'),
      '/c/Cargo.toml',
    );
    assert.deepEqual(project, {
      manifest: '/c/Cargo.toml',
      name: 'runtime',
      version: '0.3.1',
      dependencies: { nix: '0.27', zbus: '4.1', dbus: '0.9.6', libc: '0.2' },
    });
  });

  it('lockfiles give the versions in use; two locked versions of one crate keep the requirement', () => {
    const cargo = withLockedVersions(
      parseCargoManifest('[dependencies]\nzbus = "1"\nnix = "0.27"\n', 'Cargo.toml'),
      [
        '[[package]]',
        'name = "zbus"',
        'version = "1.9.2"',
        '',
        '[[package]]',
        'name = "nix"',
        'version = "0.26.4"',
        '',
        '[[package]]',
        'name = "nix"',
        'version = "0.27.1"',
      ].join('\n'),
    );
    assert.deepEqual(cargo.dependencies, { zbus: '1.9.2', nix: '0.27' });
    const npm = withLockedVersions(
      parsePackageManifest('{"dependencies": {"dbus-native": "^0.14.0"}}', 'package.json')!,
      JSON.stringify({ packages: { '': {}, 'node_modules/dbus-native': { version: '0.16.1' } } }),
    );
    assert.deepEqual(npm.dependencies, { 'dbus-native': '0.16.1' });
    // A package installed under node_modules with its own nested copy loads the nested one, as Node resolves it.
    const nested = withLockedVersions(
      parsePackageManifest('{"dependencies": {"dbus-native": "^0.4.0"}}', 'package.json')!,
      JSON.stringify({
        packages: {
          'node_modules/dbus-native': { version: '0.16.1' },
          'node_modules/notifier/node_modules/dbus-native': { version: '0.4.0' },
        },
      }),
      'node_modules/notifier',
    );
    assert.deepEqual(nested.dependencies, { 'dbus-native': '0.4.0' });
    assert.deepEqual(lowestVersion('>=0.14 <1'), [0, 14, 0]);
    assert.deepEqual(lowestVersion('~0.4'), [0, 4, 0]);
    assert.equal(lowestVersion('*'), undefined);
  });
});

const npmProject = (dependencies: Record<string, string>, name = 'app'): ProjectContext => ({
  manifest: '/app/package.json',
  name,
  dependencies,
});

/** A module handed its bus by another file: no import, no D-Bus word but the message it builds. */
const HANDED_A_BUS = [
  'module.exports.getValue = function (bus, path) {',
  '  return new Promise((resolve, reject) => {',
  '    bus.invoke({ destination: "com.example.settings", path, interface: "com.example.Settings", member: "GetValue" },',
  '      (err, value) => (err ? reject(err) : resolve(value)));',
  '  });',
  '};',
  '',
].join('\n');

async function timeoutFindings(text: string, project?: ProjectContext): Promise<number[]> {
  const findings = await testAnalyzer().analyze(text, 'javascript', { project });
  return findings.filter((f) => f.ruleId === 'call-without-timeout').map((f) => f.range.start.line + 1);
}

describe('the manifest as the rules read it', () => {
  it("a module that imports no library uses the one its project depends on at run time (a fork's name counts)", async () => {
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS), [], 'with no manifest nothing says it is D-Bus');
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS, npmProject({ 'dbus-native-victron': '^0.4.3' })), [3]);
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS, npmProject({ 'left-pad': '1' })), []);
  });

  it('the version in use decides a default deadline: dbus-native ≥ 0.14 bounds invoke at 25 s, older ones do not', async () => {
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS, npmProject({ 'dbus-native': '^0.4.0' })), [3]);
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS, npmProject({ 'dbus-native': '^0.16.1' })), []);
    assert.deepEqual(await timeoutFindings(HANDED_A_BUS, npmProject({}, 'dbus-native')), [3], 'no version: not known');
    assert.deepEqual(
      await timeoutFindings(HANDED_A_BUS, { ...npmProject({}, 'dbus-native'), version: '0.16.1' }),
      [],
      "the library's own sources at a version with the default",
    );
  });

  it("a file's own import names its library; the manifest speaks only for files that name none", async () => {
    const text = `const dbus = require('dbus-next');\n${HANDED_A_BUS}`;
    // The file says dbus-next, whose API has no `invoke`: the project's dbus-native does not make it a dbus-native call.
    assert.deepEqual(await timeoutFindings(text, npmProject({ 'dbus-native': '^0.4.0' })), []);
  });
});

describe("a library's own sources", () => {
  it('raw sockets in the library itself are checked as a hand-written client (the project is the library)', async () => {
    const text = [
      'use std::io::{Read, Write};',
      'use std::os::unix::net::UnixStream;',
      'pub fn hello(sock: &mut UnixStream) -> std::io::Result<Vec<u8>> {',
      '    sock.write_all(b"AUTH EXTERNAL 30\\r\\n")?;',
      '    let mut line = [0u8; 256];',
      '    let n = sock.read(&mut line)?;',
      '    Ok(line[..n].to_vec())',
      '}',
      '',
    ].join('\n');
    const rules = async (project?: ProjectContext) =>
      (await testAnalyzer().analyze(text, 'rust', { project })).map((f) => f.ruleId).sort();
    const alone = await rules();
    assert.ok(alone.length > 0, 'a hand-written client on its own is checked');
    const crate: ProjectContext = { manifest: 'Cargo.toml', name: 'dbus', dependencies: {} };
    assert.deepEqual(await rules(crate), alone, 'inside the dbus crate its own socket code is checked the same way');
    const client: ProjectContext = { manifest: 'Cargo.toml', name: 'app', dependencies: { dbus: '0.9' } };
    assert.deepEqual(
      await rules(client),
      alone,
      'a file that writes the SASL exchange on its own socket is a hand-written client, whatever else the crate uses',
    );
  });
});
