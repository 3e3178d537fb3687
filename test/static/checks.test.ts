// The static checks, as part of `npm test`: the type-check over every package (tsc -b), ESLint with
// typescript-eslint's type-aware rules, Prettier's format, and the files generated from the rule registry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('static checks', { concurrency: false }, () => {
  it('tsc -b type-checks every package, the tests and the benches', () => {
    const { status, output } = run(bin('tsc'), ['-b']);
    assert.equal(status, 0, output);
  });

  it('ESLint (typescript-eslint, type-aware recommended) finds nothing', () => {
    const { status, output } = run(bin('eslint'), ['.', '--max-warnings', '0']);
    assert.equal(status, 0, output);
  });

  it('the tree is formatted with Prettier (npm run format)', () => {
    const { status, output } = run(bin('prettier'), ['--check', '.', '--log-level', 'warn']);
    assert.equal(status, 0, output);
  });

  it('package.json, the README and the rule docs agree with the rule registry', () => {
    const { status, output } = run(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--check']);
    assert.equal(status, 0, output);
  });

  it('generate --check fails when a generated file drifts from the registry', () => {
    const root = mkdtempSync(join(tmpdir(), 'dbus-lint-generate-'));
    try {
      for (const file of ['package.json', 'README.md', 'dbus-lint.schema.json', 'docs'])
        cpSync(join(REPO_ROOT, file), join(root, file), { recursive: true });
      const manifest = readFileSync(join(root, 'package.json'), 'utf8');
      writeFileSync(join(root, 'package.json'), manifest.replace('"default": "warning"', '"default": "error"'));
      const drifted = run(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--check', '--root', root]);
      assert.equal(drifted.status, 1, drifted.output);
      assert.match(drifted.output, /package\.json disagrees with the rule registry/);
      const doc = join(root, 'docs', 'rules', 'call-without-timeout.md');
      writeFileSync(doc, readFileSync(doc, 'utf8').replace('Default severity: warning', 'Default severity: error'));
      writeFileSync(join(root, 'package.json'), manifest);
      const docDrift = run(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', '--check', '--root', root]);
      assert.equal(docDrift.status, 1, docDrift.output);
      assert.match(docDrift.output, /docs\/rules\/call-without-timeout\.md/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
