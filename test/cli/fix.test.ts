import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fixAllCandidate, languageForPath } from '../../core/src/index';
import { REPO_ROOT, testAnalyzer } from '../support/analyzer';
import { runCli } from '../support/cli';
import { syntaxError } from '../support/edits';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function copyOfFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-fix-'));
  cpSync(FIXTURES, join(dir, 'fixtures'), { recursive: true });
  return dir;
}

describe('dbus-lint check --fix', () => {
  it('fixes every fixture so that it still parses and the fixed findings are gone', async () => {
    const dir = copyOfFixtures();
    const run = await runCli(['check', '--fix', 'fixtures'], { cwd: dir, timeoutMs: 120_000 });
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const reported = [...run.stderr.matchAll(/^dbus-lint: (\S+): fixed (\d+) findings? \(/gm)].map((m) => m[1]);
    let changed = 0;
    for (const copy of filesUnder(join(dir, 'fixtures'))) {
      const language = languageForPath(copy);
      if (!language) continue;
      const path = relative(dir, copy);
      const original = readFileSync(join(FIXTURES, relative(join(dir, 'fixtures'), copy)), 'utf8');
      const fixed = readFileSync(copy, 'utf8');
      if (fixed === original) {
        assert.ok(!reported.includes(path), `${path} reported as fixed but unchanged`);
        continue;
      }
      changed++;
      assert.ok(reported.includes(path), `${path} changed without being reported:\n${run.stderr}`);
      // A fixture that parsed before must parse after; none of them holds a syntax error on purpose.
      if ((await syntaxError(original, language)) === undefined)
        assert.equal(await syntaxError(fixed, language), undefined, `${path} no longer parses after --fix`);
      const left = (await testAnalyzer().analyze(fixed, language)).filter(fixAllCandidate);
      assert.deepEqual(
        left.map((f) => `${f.ruleId} line ${f.range.start.line + 1}`),
        [],
        `${path}: a fixable finding is left after --fix`,
      );
    }
    assert.ok(changed >= 5, `only ${changed} fixtures changed; the fixtures hold more fixable findings than that`);
    assert.equal(changed, reported.length);
  });

  it('--fix-dry-run prints a diff that patch applies to give what --fix writes, and writes nothing', async () => {
    const dryDir = copyOfFixtures();
    const dry = await runCli(['check', '--fix-dry-run', 'fixtures'], { cwd: dryDir, timeoutMs: 120_000 });
    assert.ok(dry.code === 0 || dry.code === 1, dry.stderr);
    assert.match(dry.stdout, /^--- a\/fixtures\/\S+\n\+\+\+ b\/fixtures\/\S+\n@@ -\d+,\d+ \+\d+,\d+ @@/m);
    assert.match(dry.stderr, /^dbus-lint: would fix fixtures\/\S+: \d+ findings?/m);
    for (const copy of filesUnder(join(dryDir, 'fixtures')))
      assert.equal(
        readFileSync(copy, 'utf8'),
        readFileSync(join(FIXTURES, relative(join(dryDir, 'fixtures'), copy)), 'utf8'),
        `${copy} was written by --fix-dry-run`,
      );
    const patched = spawnSync('patch', ['-p1', '--quiet', '--no-backup-if-mismatch'], {
      cwd: dryDir,
      input: dry.stdout,
      encoding: 'utf8',
    });
    assert.equal(patched.status, 0, patched.stdout + patched.stderr);

    const fixDir = copyOfFixtures();
    await runCli(['check', '--fix', 'fixtures'], { cwd: fixDir, timeoutMs: 120_000 });
    for (const copy of filesUnder(join(fixDir, 'fixtures'))) {
      const rel = relative(fixDir, copy);
      assert.equal(readFileSync(join(dryDir, rel), 'utf8'), readFileSync(copy, 'utf8'), `${rel}: diff ≠ --fix`);
    }
  });

  it('refuses --fix with --fix-dry-run', async () => {
    const run = await runCli(['check', '--fix', '--fix-dry-run', 'fixtures'], { cwd: copyOfFixtures() });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /choose one of --fix and --fix-dry-run/);
  });
});
