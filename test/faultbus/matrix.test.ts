// The proof matrix: our own test clients, each shaped like a real client bug (or its fix), run with
// `dbus-lint run --repeat` through the fault bus on a private dbus-daemon. Under each fault the broken
// clients fail every run and the reliable ones pass every run; without a fault the naive ones pass or
// fail as the daemon's timing decides, and the rate is reported.
//
// Runs per cell: 100 (the Node clients pay ~50-150 ms of Node start-up per run: the whole matrix took 117 s at
// load average 2.7 on the 2-core dev machine). drop-reply cells wait out a timeout or the hang bound per run, so
// they run DROP_RUNS.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../support/analyzer';
import { runCli } from '../support/cli';
import { startDbusDaemon, type PrivateBus } from '../support/privateBus';

const RUST_RUNS = 100;
const NODE_RUNS = 100;
const DROP_RUNS = 5;
/** Each client's own timeout under drop-reply, and the bound dbus-lint run kills hung runs at. */
const CLIENT_TIMEOUT_MS = 500;
const HANG_BOUND_S = 1.5;
const RUSTC = '/usr/bin/rustc';
const CLIENTS_DIR = join(REPO_ROOT, 'test', 'faultbus', 'clients');

type Client = 'once-reader' | 'type-loop' | 'dbus-next' | 'youki-naive' | 'rust-fixed' | 'wire';
type Fault = 'none' | 'late-signal' | 'stale-reply' | 'split' | 'drop-reply';
/** pass/fail: every run; rate: reported only; hang: every run killed at the bound; self-timeout: every run exits 3 near its timeout. */
type Expect = 'pass' | 'fail' | 'rate' | 'hang' | 'self-timeout';

const MATRIX: Record<Fault, Partial<Record<Client, Expect>>> = {
  none: {
    'once-reader': 'rate',
    'type-loop': 'pass',
    'dbus-next': 'pass',
    'youki-naive': 'rate',
    'rust-fixed': 'pass',
    wire: 'pass',
  },
  'late-signal': {
    'once-reader': 'fail',
    // It skips the held signal: a signal is not a method return. What catches type-only matching is stale-reply.
    'type-loop': 'pass',
    'dbus-next': 'pass',
    'youki-naive': 'fail',
    'rust-fixed': 'pass',
    wire: 'pass',
  },
  'stale-reply': {
    'once-reader': 'fail',
    'type-loop': 'fail',
    'dbus-next': 'pass',
    'youki-naive': 'fail',
    'rust-fixed': 'pass',
    wire: 'pass',
  },
  split: {
    'once-reader': 'fail',
    'type-loop': 'pass',
    'dbus-next': 'pass',
    'youki-naive': 'fail',
    'rust-fixed': 'pass',
    wire: 'pass',
  },
  'drop-reply': { 'dbus-next': 'hang', 'rust-fixed': 'self-timeout', wire: 'self-timeout' },
};

interface RunReport {
  runs: number;
  passed: number;
  failed: number;
  hung: number;
  results: { outcome: string; exitCode: number | null; durationMs: number; stderr: string }[];
}

const exec = promisify(execFile);

describe('proof matrix', { concurrency: 3 }, () => {
  let bus: PrivateBus;
  let bin: string;
  const table: string[] = [];
  let started = 0;

  before(async () => {
    started = performance.now();
    bus = await startDbusDaemon();
    bin = mkdtempSync(join(tmpdir(), 'dbus-lint-matrix-'));
    await Promise.all([
      exec(RUSTC, ['--edition', '2021', '-o', join(bin, 'youki-naive'), join(CLIENTS_DIR, 'youki_naive.rs')]),
      exec(RUSTC, ['--edition', '2021', '-o', join(bin, 'rust-fixed'), join(CLIENTS_DIR, 'fixed.rs')]),
      esbuild.build({
        entryPoints: [join(CLIENTS_DIR, 'wire-client.ts')],
        bundle: true,
        platform: 'node',
        target: 'node20',
        outfile: join(bin, 'wire-client.js'),
        logLevel: 'warning',
      }),
    ]);
  });
  after(async () => {
    await bus?.stop();
    if (bin) rmSync(bin, { recursive: true, force: true });
    console.log(`proof matrix (${((performance.now() - started) / 1000).toFixed(1)} s):\n${table.sort().join('\n')}`);
  });

  const command = (client: Client): string[] => {
    switch (client) {
      case 'once-reader':
        return [process.execPath, join(CLIENTS_DIR, 'once-reader.cjs')];
      case 'type-loop':
        return [process.execPath, join(CLIENTS_DIR, 'type-loop.cjs')];
      case 'dbus-next':
        return [process.execPath, join(CLIENTS_DIR, 'dbus-next-client.cjs')];
      case 'youki-naive':
        return [join(bin, 'youki-naive')];
      case 'rust-fixed':
        return [join(bin, 'rust-fixed'), String(CLIENT_TIMEOUT_MS)];
      case 'wire':
        return [process.execPath, join(bin, 'wire-client.js'), String(CLIENT_TIMEOUT_MS)];
    }
  };

  for (const [fault, row] of Object.entries(MATRIX) as [Fault, Partial<Record<Client, Expect>>][]) {
    for (const [client, expect] of Object.entries(row) as [Client, Expect][]) {
      const runs =
        fault === 'drop-reply'
          ? DROP_RUNS
          : client === 'youki-naive' || client === 'rust-fixed'
            ? RUST_RUNS
            : NODE_RUNS;
      it(`${fault} × ${client}: ${expect} (${runs} runs)`, async () => {
        const faultFlags = fault === 'none' ? [] : ['--fault', fault];
        const bound = expect === 'hang' ? HANG_BOUND_S : 10;
        const run = await runCli(
          [
            'run',
            '--address',
            bus.address,
            ...faultFlags,
            '--repeat',
            String(runs),
            '--timeout-s',
            String(bound),
            '--format',
            'json',
            '--',
            ...command(client),
          ],
          { timeoutMs: runs * bound * 1000 + 30_000 },
        );
        assert.ok(run.code === 0 || run.code === 1, `dbus-lint run exited ${run.code}: ${run.stderr}`);
        const report = JSON.parse(run.stdout) as RunReport;
        table.push(
          `${fault.padEnd(12)} ${client.padEnd(12)} runs ${String(report.runs).padStart(3)}  passed ${String(report.passed).padStart(3)}  failed ${String(report.failed).padStart(3)}  hung ${String(report.hung).padStart(3)}  (expected: ${expect})`,
        );
        assert.equal(report.runs, runs);
        const firstOther = (outcome: string) => report.results.find((result) => result.outcome !== outcome);
        switch (expect) {
          case 'pass':
            assert.equal(
              report.passed,
              runs,
              `a run ${firstOther('passed')?.outcome}: ${firstOther('passed')?.stderr}`,
            );
            break;
          case 'fail':
            assert.equal(report.failed, runs, `a run ${firstOther('failed')?.outcome}`);
            break;
          case 'rate':
            assert.equal(report.hung, 0);
            break;
          case 'hang':
            assert.equal(report.hung, runs, `a run ${firstOther('hung')?.outcome}: ${firstOther('hung')?.stderr}`);
            break;
          case 'self-timeout':
            for (const result of report.results) {
              assert.equal(result.exitCode, 3, `exit ${result.exitCode}: ${result.stderr}`);
              const waited = Number(/timed out after (\d+) ms/.exec(result.stderr)?.[1]);
              assert.ok(
                Math.abs(waited - CLIENT_TIMEOUT_MS) <= CLIENT_TIMEOUT_MS * 0.1,
                `timed out after ${waited} ms, not within 10 % of ${CLIENT_TIMEOUT_MS} ms`,
              );
            }
            break;
        }
      });
    }
  }
});
