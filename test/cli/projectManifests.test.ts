// Which manifest a file's project is (host/src/projectManifests.ts): the nearest of its language's registry, past
// a package.json that names nothing, with versions from the lockfile at or above it, resolved as Node resolves.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProjectManifests } from '../../host/src/index';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dbus-lint-manifests-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('project manifests on disk', () => {
  it('JS files get the nearest package.json that names a project; Rust files the nearest Cargo.toml', () => {
    const root = tree({
      'package.json': JSON.stringify({ name: 'player', dependencies: { 'dbus-next': '^0.10.0' } }),
      'dist/esm/package.json': JSON.stringify({ type: 'module' }),
      'dist/esm/index.js': '',
      'native/Cargo.toml': '[package]\nname = "player-native"\n\n[dependencies]\nzbus = "4"\n',
      'native/src/lib.rs': '',
    });
    const manifests = new ProjectManifests();
    assert.equal(manifests.forFile(join(root, 'dist/esm/index.js'), 'javascript')?.name, 'player');
    assert.deepEqual(manifests.forFile(join(root, 'native/src/lib.rs'), 'rust')?.dependencies, { zbus: '4' });
    assert.equal(manifests.forFile(join(root, 'native/src/lib.rs'), 'rust')?.name, 'player-native');
  });

  it('versions come from the lockfile above; a package with its own nested copy gets that copy', () => {
    const root = tree({
      'package.json': JSON.stringify({ name: 'app', dependencies: { 'dbus-native': '^0.4.0', notifier: '1' } }),
      'package-lock.json': JSON.stringify({
        packages: {
          '': {},
          'node_modules/dbus-native': { version: '0.16.1' },
          'node_modules/notifier': { version: '1.0.0' },
          'node_modules/notifier/node_modules/dbus-native': { version: '0.4.0' },
        },
      }),
      'node_modules/notifier/package.json': JSON.stringify({
        name: 'notifier',
        dependencies: { 'dbus-native': '^0.4.0' },
      }),
      'node_modules/notifier/index.js': '',
      'src/index.js': '',
    });
    const manifests = new ProjectManifests();
    assert.deepEqual(manifests.forFile(join(root, 'src/index.js'), 'javascript')?.dependencies, {
      'dbus-native': '0.16.1',
      notifier: '1.0.0',
    });
    assert.deepEqual(
      manifests.forFile(join(root, 'node_modules/notifier/index.js'), 'javascript')?.dependencies,
      { 'dbus-native': '0.4.0' },
      'Node loads the nested copy for this package',
    );
  });

  it('a file with no manifest above it has no project; forget() reads a changed manifest again', () => {
    const root = tree({ 'a/index.js': '' });
    const manifests = new ProjectManifests();
    const file = join(root, 'a/index.js');
    const before = manifests.forFile(file, 'javascript');
    assert.ok(before === undefined || !before.manifest.startsWith(root), 'nothing inside the tree');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'late' }));
    assert.equal(manifests.forFile(file, 'javascript'), before, 'cached until forgotten');
    manifests.forget();
    assert.equal(manifests.forFile(file, 'javascript')?.name, 'late');
  });
});
