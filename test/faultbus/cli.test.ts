// `dbus-lint proxy` and `dbus-lint run` as users run them (the built dist/cli.js), on a private dbus-daemon.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FaultBusRecording } from '../../replay/src/index';
import { REPO_ROOT } from '../support/analyzer';
import { runCli } from '../support/cli';
import { startDbusDaemon, waitForLine, type PrivateBus } from '../support/privateBus';

const GET_ID = ['--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetId'];

interface RunJson {
  runs: number;
  passed: number;
  failed: number;
  hung: number;
  results: {
    outcome: string;
    exitCode: number | null;
    durationMs: number;
    recording: FaultBusRecording;
  }[];
}

describe('dbus-lint run and proxy', () => {
  let bus: PrivateBus;
  let scratch: string;
  before(async () => {
    bus = await startDbusDaemon();
    scratch = mkdtempSync(join(tmpdir(), 'dbus-lint-faultbus-cli-'));
  });
  after(async () => {
    await bus?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('documents itself, with the exit codes, and refuses bad usage with exit 2', async () => {
    const help = await runCli(['run', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes: 0 every run passed, 1 some run failed or hung, 2 usage error/);
    assert.match(help.stdout, /NEGOTIATE_UNIX_FD is not passed on/);
    const noCommand = await runCli(['run', '--address', bus.address]);
    assert.equal(noCommand.code, 2);
    assert.match(noCommand.stderr, /give the command to run after --/);
    const badFault = await runCli(['run', '--fault', 'late-signals', '--', 'true']);
    assert.equal(badFault.code, 2);
    assert.match(badFault.stderr, /unknown fault "late-signals"; faults: late-signal, split\[:N\]/);
    const twoBuses = await runCli(['proxy', '--private', '--address', bus.address]);
    assert.equal(twoBuses.code, 2);
    const noBus = await runCli(['run', '--address', `unix:path=${join(scratch, 'none')}`, '--', 'true']);
    assert.equal(noBus.code, 2);
    assert.match(noBus.stderr, /cannot connect to the bus at unix:path=.*none: .*is it running\?/);
    const noSuchCommand = await runCli(['run', '--address', bus.address, '--', join(scratch, 'no-such-program')]);
    assert.equal(noSuchCommand.code, 2);
    assert.match(noSuchCommand.stderr, /cannot run .*no-such-program: .*ENOENT.*on PATH\?/);
  });

  it('runs a command N times through the proxy and reports JSON: runs, passed, results with the recording', async () => {
    const run = await runCli([
      'run',
      '--address',
      bus.address,
      '--fault',
      'late-signal',
      '--repeat',
      '3',
      '--format',
      'json',
      '--',
      'dbus-send',
      '--session',
      ...GET_ID,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as RunJson;
    assert.deepEqual([report.runs, report.passed, report.failed, report.hung], [3, 3, 0, 0]);
    for (const result of report.results) {
      assert.equal(result.outcome, 'passed');
      assert.equal(result.exitCode, 0);
      const [connection] = result.recording.connections;
      assert.ok(connection, 'the run went through the proxy');
      assert.ok(connection.messages.some((m) => m.member === 'NameAcquired' && m.fault?.action === 'held'));
    }
  });

  it('counts failed and hung runs, exits 1, and shows a failing run’s message sequence', async () => {
    const failing = await runCli([
      'run',
      '--address',
      bus.address,
      '--fault',
      'late-signal',
      '--repeat',
      '2',
      '--',
      'sh',
      '-c',
      `dbus-send --session ${GET_ID.join(' ')} >/dev/null; exit 3`,
    ]);
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /runs 2, passed 0, failed 2, hung 0/);
    assert.match(failing.stdout, /run 1 failed: exit 3 after/);
    assert.match(
      failing.stdout,
      /bus → program {2}signal org\.freedesktop\.DBus\.NameAcquired .*\[late-signal: held\]/,
    );
    const hung = await runCli([
      'run',
      '--address',
      bus.address,
      '--timeout-s',
      '0.3',
      '--format',
      'json',
      '--',
      'sleep',
      '5',
    ]);
    assert.equal(hung.code, 1);
    const report = JSON.parse(hung.stdout) as RunJson;
    assert.deepEqual([report.runs, report.passed, report.failed, report.hung], [1, 0, 0, 1]);
    assert.equal(report.results[0].exitCode, null);
    assert.ok(
      report.results[0].durationMs >= 290 && report.results[0].durationMs < 3000,
      `${report.results[0].durationMs} ms`,
    );
  });

  it('proxy prints its address, records until SIGINT, then writes --record and a --pcap tshark reads', async () => {
    const record = join(scratch, 'proxy.json');
    const pcap = join(scratch, 'proxy.pcap');
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'dist', 'cli.js'),
        'proxy',
        '--address',
        bus.address,
        '--fault',
        'stale-reply',
        '--record',
        record,
        '--pcap',
        pcap,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const address = (await waitForLine(child, /^unix:path=/, 10_000, 'dbus-lint proxy')).trim();
      execFileSync('dbus-send', [`--bus=${address}`, ...GET_ID], { timeout: 10_000 });
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
    }
    const recording = JSON.parse(readFileSync(record, 'utf8')) as FaultBusRecording;
    assert.deepEqual(recording.faults, ['stale-reply']);
    assert.equal(recording.connections.length, 1);
    const messages = recording.connections[0].messages;
    assert.ok(messages.some((m) => m.fault?.action === 'injected'));
    const serials = execFileSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'dbus.serial'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    assert.deepEqual(
      serials,
      messages.map((m) => String(m.serial)),
    );
  });
});
