import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';
import { zipEntries } from '../support/zip';

/** What an installed extension needs, and nothing else (the .vscodeignore allowlist). */
const ALLOWED = [
  /^extension\/dist\/(extension|client|replay|server|analysisWorker|indexWorker)\.js$/,
  /^extension\/grammars\/[\w-]+\.wasm$/,
  /^extension\/grammars\/queries\/(rust|typescript)\/[\w-]+\.scm$/,
  /^extension\/grammars\/README\.md$/,
  /^extension\/docs\/rules\/[\w-]+\.md$/,
  /^extension\/media\/[\w.-]+\.(png|css|js|svg)$/,
  /^extension\/(package\.json|dbus-lint\.schema\.json|readme\.md|README\.md|LICENSE\.txt|LICENSE|changelog\.md|CHANGELOG\.md)$/,
  // vsce's own metadata
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
];

describe('the .vsix', () => {
  it('holds only allowlisted files and stays under 4 MB', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'dbus-lint-vsix-')), 'dbus-lint.vsix');
    // The same command users run; `--out` is appended to its vsce step.
    const pack = spawnSync('npm', ['run', 'package', '--', '--out', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(pack.status, 0, pack.stdout + pack.stderr);
    const entries = zipEntries(out);
    const unexpected = entries.filter((name) => !ALLOWED.some((pattern) => pattern.test(name)));
    assert.deepEqual(unexpected, [], 'files outside the allowlist');
    for (const required of [
      'extension/dist/extension.js',
      'extension/dist/client.js',
      'extension/dist/replay.js',
      'extension/dist/server.js',
      'extension/dist/analysisWorker.js',
      'extension/dist/indexWorker.js',
      'extension/grammars/tree-sitter-rust.wasm',
      'extension/grammars/web-tree-sitter.wasm',
      'extension/dbus-lint.schema.json',
    ]) {
      assert.ok(entries.includes(required), `${required} missing`);
    }
    const size = statSync(out).size;
    assert.ok(size <= 4 * 1024 * 1024, `vsix is ${size} bytes`);
    // Leave a development build behind for the suites that follow (source maps for stack traces).
    spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
  });
});
