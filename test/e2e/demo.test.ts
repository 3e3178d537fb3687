// `npm run demo` (scripts/demo.sh): without a terminal it starts everything, checks and stops (so it cannot
// hang CI); with --serve it keeps running until Ctrl-C (SIGINT), which must stop everything it started.
// DBUS_LINT_SKIP_SETUP=1: `npm test` already ran scripts/setup.sh before its suites.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';
import { startGroup } from './support/processes';

const env = { ...process.env, DBUS_LINT_SKIP_SETUP: '1', DBUS_LINT_DEMO_PORT: '0' };
const demo = join(REPO_ROOT, 'scripts', 'demo.sh');

describe('npm run demo', { timeout: 180_000 }, () => {
  it('without a terminal: starts code-server with the extension and the demo service, checks, stops', async () => {
    const child = spawn('bash', [demo], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(
      output,
      /check OK: http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+ answers, dbus-lint\.dbus-lint is installed, .* replays there/,
    );
    assert.match(output, /demo: stopped/);
  });

  it('--serve prints the URL and Ctrl-C stops everything it started', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'dbus-lint-demo-test-')), 'demo.log');
    const group = startGroup('bash', [demo, '--serve'], { cwd: REPO_ROOT, env, logFile: log });
    try {
      const [, url] = await group.waitForOutput(/^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+\/examples)$/, 120_000);
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      assert.equal(response.status, 200);
      const runDir = new URL(url).searchParams.get('folder')!.replace(/\/examples$/, '');
      assert.ok(existsSync(join(runDir, 'bus')), 'the private bus socket exists while the demo runs');

      // Ctrl-C in a terminal: SIGINT to the script (its children are in their own sessions and rely on it).
      process.kill(group.pid, 'SIGINT');
      const { code } = await group.exited;
      assert.equal(code, 130);
      await assert.rejects(fetch(url, { signal: AbortSignal.timeout(5_000) }), 'code-server no longer answers');
      assert.ok(!existsSync(runDir), 'the run folder (bus socket, profile, workspace copy) is removed');
    } finally {
      await group.stop();
    }
  });
});
