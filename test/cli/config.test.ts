import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { NETWORK_STATE_SOURCE } from '../support/dbusNextSample';

/** A project with the sample in src/ and in generated/, and a dbus-lint.json holding `config`. */
function project(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-config-'));
  for (const folder of ['src', 'generated', join('src', 'deep')]) mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, 'src', 'network.ts'), NETWORK_STATE_SOURCE);
  writeFileSync(join(dir, 'generated', 'network.ts'), NETWORK_STATE_SOURCE);
  writeFileSync(join(dir, 'dbus-lint.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

interface JsonOut {
  findings: { path: string; ruleId: string; severity: string }[];
}

async function findings(cwd: string, ...args: string[]): Promise<JsonOut['findings']> {
  const run = await runCli(['check', '--format', 'json', ...args], { cwd });
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as JsonOut).findings;
}

describe('dbus-lint check reads dbus-lint.json', () => {
  it('applies rules and ignore from the nearest config in the working directory or above', async () => {
    const dir = project({ rules: { 'call-without-timeout': 'error' }, ignore: ['generated'] });
    const atRoot = await findings(dir, '.');
    assert.deepEqual(
      atRoot.map((f) => [f.path, f.severity]),
      [
        ['src/network.ts', 'error'],
        ['src/network.ts', 'error'],
      ],
    );
    // From a folder below, the same config is found, and its globs stay relative to the config's folder.
    const below = await findings(join(dir, 'src', 'deep'), '../..');
    assert.deepEqual(
      below.map((f) => f.path),
      [`${dir}/src/network.ts`, `${dir}/src/network.ts`],
    );
    // A path named on the command line is checked even when ignored, as named folders are.
    assert.equal((await findings(dir, 'generated/network.ts')).length, 2);
  });

  it('the flags override the config for the run; --no-config reads none', async () => {
    const dir = project({ rules: { 'call-without-timeout': 'off' } });
    assert.equal((await findings(dir, 'src')).length, 0);
    const overridden = await findings(dir, '--rule', 'call-without-timeout=hint', 'src');
    assert.deepEqual(
      overridden.map((f) => f.severity),
      ['hint', 'hint'],
    );
    assert.equal((await findings(dir, '--no-config', 'src')).length, 2);
  });

  it('maxFileSize and baseline from the config, the baseline relative to the config', async () => {
    const small = project({ maxFileSize: 100 });
    const run = await runCli(['check', 'src'], { cwd: small });
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stderr, /src\/network\.ts: .*100/);

    const dir = project({ baseline: 'baseline.sarif' });
    const written = await runCli(['check', '--write-baseline', 'baseline.sarif', 'src'], { cwd: dir });
    assert.equal(written.code, 1, written.stderr);
    const fromBelow = await runCli(['check', '.'], { cwd: join(dir, 'src') });
    assert.equal(fromBelow.code, 0, fromBelow.stdout + fromBelow.stderr);
    assert.match(fromBelow.stdout, /2 in the baseline, not shown/);
  });

  it('an invalid config is reported with its line, and the defaults are used', async () => {
    const dir = project('{\n  "rules": {"call-without-timeout": "loud"},\n  "ignore": "generated"\n}');
    const run = await runCli(['check', '--format', 'json', 'src', 'generated'], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /dbus-lint\.json:2:37: rule "call-without-timeout": the severity must be one of/);
    assert.match(run.stderr, /dbus-lint\.json:3:13: "ignore" must be an array of globs/);
    assert.equal((JSON.parse(run.stdout) as JsonOut).findings.length, 4);

    const broken = project('{"rules": ');
    const again = await runCli(['check', 'src'], { cwd: broken });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /dbus-lint\.json:1:\d+: dbus-lint\.json is not valid JSON .*the defaults are used/);
  });

  it('--config names a file; a missing one is a usage error', async () => {
    const dir = project({});
    writeFileSync(join(dir, 'strict.json'), JSON.stringify({ rules: { 'call-without-timeout': 'off' } }));
    assert.equal((await findings(dir, '--config', 'strict.json', 'src')).length, 0);
    const missing = await runCli(['check', '--config', 'nope.json', 'src'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--config nope\.json: no such file/);
  });
});
