// `dbus-lint check` over a workspace: worker threads change nothing in the output, and the progress line
// shows on a terminal only, never in the results.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MIN_BYTES_PER_WORKER } from '../../cli/src/check';
import { REPO_ROOT } from '../support/analyzer';
import { runCli } from '../support/cli';

/** Ordinary Rust with no D-Bus word: what most of a workspace is. About 100 KB a file. */
function fillerModule(i: number): string {
  const body = Array.from(
    { length: 1200 },
    (_, k) => `    pub fn f${k}(x: u64) -> u64 { x.wrapping_mul(${k + i}) ^ (x >> 3) }`,
  ).join('\n');
  return `// generated module ${i}\npub mod m${i} {\n${body}\n}\n`;
}

/**
 * The fixtures, the examples, a binary file, one over a small size cap, and enough plain code that
 * `--jobs 2` really runs two workers (each needs MIN_BYTES_PER_WORKER of input).
 */
function makeWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-scan-'));
  cpSync(join(REPO_ROOT, 'test', 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  cpSync(join(REPO_ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  mkdirSync(join(dir, 'plain'));
  let bytes = 0;
  for (let i = 0; bytes < 2 * MIN_BYTES_PER_WORKER + 1024 * 1024; i++) {
    const text = fillerModule(i);
    writeFileSync(join(dir, 'plain', `m${String(i).padStart(4, '0')}.rs`), text);
    bytes += text.length;
  }
  writeFileSync(join(dir, 'blob.rs'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
  writeFileSync(join(dir, 'huge.ts'), `import dbus from 'dbus-next';\n${'// padding\n'.repeat(30_000)}`);
  return dir;
}

/** Runs a shell command line under a pseudo-terminal (util-linux `script`), returning what the terminal showed. */
function underTerminal(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"${command}" did not finish within 60 s:\n${screen}`));
    }, 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

const PROGRESS = /checked \d+\/\d+ files, \d+ findings?/;
const cli = join(REPO_ROOT, 'dist', 'cli.js');

describe('dbus-lint check over a workspace', () => {
  let dir = '';
  before(() => {
    dir = makeWorkspace();
  });
  // 33 MB of generated code: not left behind in /tmp.
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['text', 'json', 'sarif']) {
    it(`prints the same ${format} output with --jobs 1 and --jobs 2`, async () => {
      const args = ['check', '--format', format, '--max-file-size', '100000', '.'];
      const one = await runCli([...args, '--jobs', '1'], { cwd: dir, timeoutMs: 120_000 });
      const two = await runCli([...args, '--jobs', '2'], { cwd: dir, timeoutMs: 120_000 });
      assert.equal(one.code, 1, one.stderr);
      assert.equal(two.code, one.code);
      assert.equal(two.stdout, one.stdout);
      assert.equal(two.stderr, one.stderr);
      // The problems come out the same way too: the binary file and the one over the size cap.
      assert.match(one.stderr, /blob\.rs: binary file/);
      assert.match(one.stderr, /huge\.ts: file not analysed: \d+ characters is over the 100000-character limit/);
      if (format === 'json') {
        const out = JSON.parse(one.stdout) as {
          findings: unknown[];
          filesAnalysed: number;
          filesPastPrefilter: number;
        };
        assert.ok(out.findings.length > 50, `${out.findings.length} findings`);
        // Every fixture and example passes the prefilter; none of the plain modules does.
        assert.ok(
          out.filesPastPrefilter < out.filesAnalysed / 2,
          JSON.stringify({ ...out, findings: out.findings.length }),
        );
      }
    });
  }

  it('rejects a --jobs that is not a positive integer', async () => {
    const run = await runCli(['check', '--jobs', '0', 'examples/']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--jobs must be a positive integer, not "0"/);
  });

  it("shows a progress line on a terminal's stderr, erases it, and leaves stdout clean", async () => {
    const out = join(dir, 'out.json');
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_LINT_PROGRESS_DELAY_MS: '0' };
    delete env.CI;
    const run = await underTerminal(`cd ${dir} && node ${cli} check --format json --jobs 2 . > ${out}`, env);
    assert.equal(run.code, 1, run.screen);
    assert.match(run.screen, PROGRESS);
    // The line is erased before anything else is printed (here the skipped binary file): nothing of it stays.
    const erased = run.screen.lastIndexOf('\r\x1b[K');
    assert.ok(erased > run.screen.search(PROGRESS), JSON.stringify(run.screen.slice(-120)));
    assert.equal(run.screen.slice(erased + 4), 'dbus-lint: blob.rs: binary file (NUL bytes); skipped\r\n');
    const total = /checked (\d+)\/(\d+) files/g;
    let last: RegExpExecArray | null = null;
    for (let m = total.exec(run.screen); m; m = total.exec(run.screen)) last = m;
    assert.equal(last?.[1], last?.[2], 'the last update counts every file');
    const plain = await runCli(['check', '--format', 'json', '--jobs', '2', '.'], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(readFileSync(out, 'utf8'), plain.stdout);
  });

  it('shows no progress line when stderr is not a terminal, or under CI=true', async () => {
    const piped = await runCli(['check', '--jobs', '2', '.'], {
      cwd: dir,
      timeoutMs: 120_000,
      env: { ...process.env, DBUS_LINT_PROGRESS_DELAY_MS: '0' },
    });
    assert.doesNotMatch(piped.stderr, PROGRESS);
    assert.ok(!piped.stderr.includes('\x1b'), 'no terminal escapes');
    const ci = await underTerminal(`cd ${dir} && node ${cli} check --format json . > /dev/null`, {
      ...process.env,
      DBUS_LINT_PROGRESS_DELAY_MS: '0',
      CI: 'true',
    });
    assert.doesNotMatch(ci.screen, PROGRESS);
  });

  it('shows no progress line for a scan shorter than the delay', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_LINT_PROGRESS_DELAY_MS: '600000' };
    delete env.CI;
    const run = await underTerminal(`cd ${REPO_ROOT} && node ${cli} check examples/ > /dev/null`, env);
    assert.doesNotMatch(run.screen, PROGRESS);
  });
});
