import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GRAMMAR_FILES } from '../../core/src/languages';
import { REPO_ROOT } from '../support/analyzer';

interface Row {
  file: string;
  pkg: string;
  version: string;
  bytes: number;
  sha256: string;
}

function readmeRows(): Row[] {
  const readme = readFileSync(join(REPO_ROOT, 'grammars', 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `([^`]+\.wasm)` \| `([^`]+)` \| ([\d.]+) \| (\d+) \| `([0-9a-f]{64})` \|$/gm)].map(
    (m) => ({
      file: m[1],
      pkg: m[2],
      version: m[3],
      bytes: Number(m[4]),
      sha256: m[5],
    }),
  );
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('grammars/README.md', () => {
  const rows = readmeRows();

  it('lists the runtime and every grammar the core loads', () => {
    assert.deepEqual(rows.map((r) => r.file).sort(), ['web-tree-sitter.wasm', ...Object.values(GRAMMAR_FILES)].sort());
  });

  for (const row of rows) {
    it(`${row.file}: copy, package and lockfile match the README`, () => {
      const copy = join(REPO_ROOT, 'grammars', row.file);
      assert.equal(sha256(copy), row.sha256, `${copy} differs from the README; rebuild or update the table`);
      assert.equal(readFileSync(copy).length, row.bytes);
      assert.equal(sha256(join(REPO_ROOT, 'node_modules', row.pkg, row.file)), row.sha256);
      const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
        packages: Record<string, { version: string }>;
      };
      assert.equal(
        lock.packages[`node_modules/${row.pkg}`]?.version,
        row.version,
        `${row.pkg} version in the lockfile`,
      );
    });
  }
});
