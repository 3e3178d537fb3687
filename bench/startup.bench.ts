// Cold start of the language server to its first diagnostics on a ~1k-line file, per language, next to
// the bare start of `node -e 0` measured in the same run (the floor any Node-based server pays). Runs
// alternate node / Rust / TypeScript so machine load drifts onto all three alike.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/support/lspClient';
import { benchFile } from './corpus';
import { median, runIfMain, type BenchRow } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const LINES = 1_000;
const GOAL_MS = 300;

type Language = 'rust' | 'typescript';

interface Start {
  /** spawn → first non-empty publishDiagnostics: the figure the goal is about. */
  total: number;
  /** spawn → initialize answered: process start plus loading the server bundle. */
  initialized: number;
}

async function serverToFirstDiagnostics(uri: string, language: Language, text: string): Promise<Start> {
  const started = performance.now();
  // Started as the VS Code client starts it with this file's editor open: its grammar loads while the server starts.
  const client = new LspTestClient(undefined, [`--warm-up=${language}`]);
  try {
    await client.initialize(null);
    const initialized = performance.now() - started;
    await client.open(uri, language, text);
    await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    return { total: performance.now() - started, initialized };
  } finally {
    await client.shutdown();
  }
}

function bareNode(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-startup-'));
  const files = (['rust', 'typescript'] as const).map((language) => {
    const text = benchFile(language, LINES);
    const path = join(dir, language === 'rust' ? 'main.rs' : 'main.ts');
    writeFileSync(path, text);
    return { language, text, uri: pathToFileURL(path).href, lines: text.split('\n').length };
  });
  const node: number[] = [];
  const starts = new Map<Language, Start[]>(files.map((f) => [f.language, []]));
  // One unmeasured round: the first spawn pays for the page cache (node binary, dist/server.js, wasm).
  for (const f of files) await serverToFirstDiagnostics(f.uri, f.language, f.text);
  for (let i = 0; i < RUNS; i++) {
    node.push(bareNode());
    for (const f of i % 2 ? [...files].reverse() : files)
      starts.get(f.language)!.push(await serverToFirstDiagnostics(f.uri, f.language, f.text));
  }
  const n = median(node);
  return files.map((f) => {
    const runs = starts.get(f.language)!;
    const total = median(runs.map((r) => r.total));
    const initialized = median(runs.map((r) => r.initialized));
    return {
      target: `start to first diagnostics (${f.language}, ${f.lines} lines)`,
      figure: `${total.toFixed(0)} ms`,
      anchor: `node -e 0: ${n.toFixed(0)} ms`,
      ratio: total / n,
      goal: `≤ ${GOAL_MS} ms`,
      met: total <= GOAL_MS,
      note: `median of ${RUNS} cold starts (spawn with --warm-up=<language> as the VS Code client passes it → initialize → didOpen → first non-empty publishDiagnostics, one finding); of which spawn → initialize answered ${initialized.toFixed(0)} ms; file from bench/corpus.ts`,
    };
  });
}

runIfMain(module, run);
