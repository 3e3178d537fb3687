import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../core/src/index';
import { REPO_ROOT } from '../support/analyzer';
import { runCli } from '../support/cli';

interface SarifLog {
  version: string;
  $schema: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string }[] } };
    columnKind: string;
    results: {
      ruleId: string;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

/** Microsoft's SARIF validator (npm @microsoft/sarif-multitool, runs offline); returns its findings. */
function validateSarif(path: string): { level?: string; ruleId: string; message: unknown }[] {
  const binary = join(REPO_ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
  // The package's postinstall only sets the executable bit; installs run with ignore-scripts, so set it here.
  chmodSync(binary, 0o755);
  const output = join(mkdtempSync(join(tmpdir(), 'sarif-validate-')), 'validation.sarif');
  const run = spawnSync(binary, ['validate', path, '--output', output], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, `validator failed to run: ${run.stdout}\n${run.stderr}`);
  const log = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: { results?: { level?: string; ruleId: string; message: unknown }[] }[];
  };
  return log.runs[0]?.results ?? [];
}

describe('dbus-lint check', () => {
  it('prints text findings with file:line:col and exits 1', async () => {
    const run = await runCli(['check', 'examples/']);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      /^examples\/rust\/src\/main\.rs:\d+:\d+: warning \[call-without-timeout\] .*method_timeout/m,
    );
    assert.match(run.stdout, /^examples\/ts\/src\/busId\.ts:\d+:\d+: warning \[call-without-timeout\] .*dbus-next/m);
  });

  it('prints JSON findings', async () => {
    const run = await runCli(['check', '--format', 'json', 'examples/']);
    const out = JSON.parse(run.stdout) as { findings: { path: string; ruleId: string; line: number }[] };
    assert.deepEqual(
      out.findings
        .filter((f) => f.ruleId === 'call-without-timeout')
        .map((f) => f.path)
        .sort(),
      ['examples/rust/src/main.rs', 'examples/ts/src/busId.ts'],
    );
  });

  it("writes SARIF 2.1.0 that Microsoft's validator accepts with no findings", async () => {
    const run = await runCli(['check', '--format', 'sarif', 'examples/']);
    assert.equal(run.code, 1);
    const log = JSON.parse(run.stdout) as SarifLog;
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const sarifRun = log.runs[0];
    assert.equal(sarifRun.tool.driver.name, 'dbus-lint');
    assert.ok(sarifRun.tool.driver.informationUri);
    assert.deepEqual(
      sarifRun.tool.driver.rules.map((r) => r.id),
      RULES.map((r) => r.id),
    );
    assert.equal(sarifRun.columnKind, 'utf16CodeUnits');
    const seeded = sarifRun.results.filter((r) => r.ruleId === 'call-without-timeout');
    assert.deepEqual(seeded.map((r) => r.locations[0].physicalLocation.artifactLocation.uri).sort(), [
      'examples/rust/src/main.rs',
      'examples/ts/src/busId.ts',
    ]);
    for (const result of sarifRun.results) {
      assert.equal(result.level, 'warning');
      const region = result.locations[0].physicalLocation.region;
      for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn']) assert.ok(region[key] >= 1, key);
      assert.ok(Object.values(result.partialFingerprints)[0]);
    }
    const file = join(mkdtempSync(join(tmpdir(), 'sarif-')), 'out.sarif');
    writeFileSync(file, run.stdout);
    assert.deepEqual(validateSarif(file), []);
  });

  it('exits 0 with no findings, and honours --rule overrides', async () => {
    const allOff = ['single-read-receive', 'reply-serial-unchecked', 'call-without-timeout'].flatMap((id) => [
      '--rule',
      `${id}=off`,
    ]);
    const off = await runCli(['check', ...allOff, 'examples/']);
    assert.equal(off.code, 0);
    assert.match(off.stdout, /^0 findings in \d+ files$/m);
    const info = await runCli(['check', ...allOff.map((arg) => arg.replace('=off', '=information')), 'examples/']);
    assert.equal(info.code, 0, 'information findings do not fail the run');
  });

  it('reports usage errors with exit 2 and a message that says what to fix', async () => {
    const bad = await runCli(['check', '--rule', 'no-such-rule=error', 'examples/']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown rule "no-such-rule"/);
    const noPath = await runCli(['check']);
    assert.equal(noPath.code, 2);
    assert.match(noPath.stderr, /needs at least one PATH/);
    const format = await runCli(['check', '--format', 'xml', 'examples/']);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be text, json or sarif/);
  });

  it('reports missing paths (exit 2) and skips binary and skipped folders without crashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-walk-'));
    writeFileSync(join(dir, 'blob.rs'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', 'dep', 'index.js'),
      readFileSync(join(REPO_ROOT, 'examples/ts/src/busId.ts')),
    );
    writeFileSync(join(dir, 'broken.ts'), 'import dbus from "dbus-next";\nawait bus.call(((((\n');
    const run = await runCli(['check', dir]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /blob\.rs: binary file/);
    assert.doesNotMatch(run.stdout, /node_modules/);
    const missing = await runCli(['check', join(dir, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope: no such file or directory/);
  });

  it('a named FIFO or device is an error; a skipped file is counted, and --strict fails on it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-special-'));
    const fifo = join(dir, 'pipe.ts');
    spawnSync('mkfifo', [fifo]);
    for (const special of [fifo, '/dev/null']) {
      const run = await runCli(['check', special]);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /not a regular file \(a FIFO, socket or device\)/);
    }
    writeFileSync(join(dir, 'blob.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    const lenient = await runCli(['check', join(dir, 'blob.ts')]);
    assert.equal(lenient.code, 0, lenient.stderr);
    assert.match(lenient.stdout, /0 findings in 0 files; 1 file not analysed \(listed on stderr\)/);
    const strict = await runCli(['check', '--strict', join(dir, 'blob.ts')]);
    assert.equal(strict.code, 2, strict.stderr);
    assert.match(strict.stderr, /blob\.ts: binary file/);
  });
});
