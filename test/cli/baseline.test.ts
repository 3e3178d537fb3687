import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FINGERPRINT_KEY } from '../../core/src/index';
import { runCli } from '../support/cli';
import { NETWORK_STATE_SOURCE as SOURCE } from '../support/dbusNextSample';

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-baseline-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'network.ts'), SOURCE);
  return dir;
}

interface JsonOut {
  findings: { path: string; line: number; message: string }[];
  baselined?: number;
}

async function checkJson(dir: string, ...args: string[]): Promise<JsonOut> {
  const run = await runCli(['check', '--format', 'json', ...args, 'src'], { cwd: dir });
  assert.ok(run.code === 0 || run.code === 1, run.stderr);
  return JSON.parse(run.stdout) as JsonOut;
}

describe('dbus-lint check --baseline', () => {
  it('--write-baseline writes SARIF with fingerprints; the same code then reports nothing new', async () => {
    const dir = project();
    const written = await runCli(['check', '--write-baseline', 'baseline.sarif', 'src'], { cwd: dir });
    assert.equal(written.code, 1, 'the findings are still reported on the run that writes the baseline');
    assert.match(written.stderr, /wrote 2 findings to the baseline baseline\.sarif/);
    const log = JSON.parse(readFileSync(join(dir, 'baseline.sarif'), 'utf8')) as {
      runs: { results: { partialFingerprints: Record<string, string> }[] }[];
    };
    assert.equal(log.runs[0].results.length, 2);
    for (const result of log.runs[0].results)
      assert.match(result.partialFingerprints[FINGERPRINT_KEY], /^[0-9a-f]{16}:1$/);

    const text = await runCli(['check', '--baseline', 'baseline.sarif', 'src'], { cwd: dir });
    assert.equal(text.code, 0, text.stdout);
    assert.match(text.stdout, /^0 findings in 1 file; 2 in the baseline, not shown$/m);
  });

  it('still matches after 50 lines above, a rename of the file and a reformat; a changed call is new', async () => {
    const dir = project();
    await runCli(['check', '--write-baseline', 'baseline.sarif', 'src'], { cwd: dir });
    const file = join(dir, 'src', 'network.ts');
    writeFileSync(
      file,
      '// a licence header\n'.repeat(50) +
        SOURCE.replace('  await nm.CheckConnectivity();', '  await nm\n      .CheckConnectivity( );'),
    );
    renameSync(file, join(dir, 'src', 'networkManager.ts'));
    const moved = await checkJson(dir, '--baseline', 'baseline.sarif');
    assert.deepEqual(moved.findings, []);
    assert.equal(moved.baselined, 2);

    writeFileSync(
      join(dir, 'src', 'networkManager.ts'),
      SOURCE.replace('await nm.CheckConnectivity();', 'await nm.CheckConnectivity();\n  await nm.Reload(0);').replace(
        '(await nm.state())',
        '(await nm.State())',
      ),
    );
    const changed = await checkJson(dir, '--baseline', 'baseline.sarif');
    assert.deepEqual(
      changed.findings.map((f) => f.line),
      [8, 10],
      'the changed state() call and the added Reload call are new; CheckConnectivity stays baselined',
    );
    assert.equal(changed.baselined, 1);
  });

  it('marks reported results as new in SARIF against a baseline', async () => {
    const dir = project();
    writeFileSync(join(dir, 'empty.sarif'), JSON.stringify({ version: '2.1.0', runs: [{ results: [] }] }));
    const run = await runCli(['check', '--format', 'sarif', '--baseline', 'empty.sarif', 'src'], { cwd: dir });
    const log = JSON.parse(run.stdout) as { runs: { results: { baselineState?: string }[] }[] };
    assert.deepEqual(
      log.runs[0].results.map((r) => r.baselineState),
      ['new', 'new'],
    );
  });

  it('says what to do when the baseline is missing or not SARIF', async () => {
    const dir = project();
    const missing = await runCli(['check', '--baseline', 'nope.sarif', 'src'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /baseline nope\.sarif does not exist; create it with `dbus-lint check --write-baseline nope\.sarif/,
    );
    writeFileSync(join(dir, 'bad.sarif'), '{"runs": ');
    const bad = await runCli(['check', '--baseline', 'bad.sarif', 'src'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.sarif is not JSON/);
  });
});
