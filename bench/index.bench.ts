// Issue 13: the language server's workspace index (function summaries across files), built in the background
// over the scan corpus (bench/scan-corpus.sh), against `dbus-lint check --jobs 1` over the same tree in the same
// run (the index is one thread too). Goals: indexing within 1.5× the scan; server RSS after indexing ≤ 300 MB.
// That a summary change re-checks only the files depending on it is asserted by test/server/workspaceIndex.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/support/lspClient';
import { median, runIfMain, type BenchRow } from './report';
import { DEFAULT_CORPUS, timed } from './scan.bench';

const ROOT = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_INDEX_RUNS ?? 3);
const GOAL = 1.5;
const RSS_GOAL_MB = 300;

function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(status)?.[1] ?? NaN) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function indexOnce(
  corpus: string[],
): Promise<{ seconds: number; files: number; summaries: number; rss: number; peak: number }> {
  const client = new LspTestClient();
  try {
    const started = performance.now();
    await client.initialize(
      null,
      {},
      corpus.map((path) => pathToFileURL(path).href),
    );
    await client.until(
      () => client.lastStatus?.index?.state !== undefined && client.lastStatus.index.state !== 'indexing',
      'the workspace index',
      900_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const index = client.lastStatus?.index;
    if (index?.state !== 'ready') throw new Error(`the index failed: ${client.stderr.join('')}`);
    return { seconds, files: index.files ?? 0, summaries: index.summaries ?? 0, ...memoryMb(client.pid!) };
  } finally {
    await client.shutdown();
  }
}

export async function run(): Promise<BenchRow[]> {
  const corpus = (process.env.DBUS_LINT_SCAN_CORPUS?.split(':') ?? DEFAULT_CORPUS).filter((path) => existsSync(path));
  if (corpus.length === 0)
    throw new Error(`no scan corpus at ${DEFAULT_CORPUS.join(', ')}: run bash bench/scan-corpus.sh first`);
  for (const needed of ['cli.js', 'server.js', 'indexWorker.js'].map((file) => join(ROOT, 'dist', file)))
    if (!existsSync(needed)) throw new Error(`${needed} is missing: run npm run build`);
  const scans: number[] = [];
  const indexes: Awaited<ReturnType<typeof indexOnce>>[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    const scan = await timed(
      process.execPath,
      [join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', '--jobs', '1', ...corpus],
      ROOT,
    );
    if (scan.code !== 0 && scan.code !== 1) throw new Error(`dbus-lint check failed (${scan.code}): ${scan.stderr}`);
    const index = await indexOnce(corpus);
    scans.push(scan.seconds);
    indexes.push(index);
    ratios.push(index.seconds / scan.seconds);
  }
  const ratio = median(ratios);
  const seconds = median(indexes.map((i) => i.seconds));
  const rss = Math.max(...indexes.map((i) => i.rss));
  const peak = Math.max(...indexes.map((i) => i.peak));
  const last = indexes.at(-1)!;
  const note = `${corpus.join(', ')}; the index reads the JS/TS and Rust files (${last.files} with summaries or imports), the scan all files; ${last.summaries} function summaries. Medians of ${RUNS} rounds: index ${indexes.map((i) => i.seconds.toFixed(2)).join('/')} s (from initialize to the index's ready status), scan ${scans.map((s) => s.toFixed(2)).join('/')} s; load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
  return [
    {
      target: 'workspace index',
      figure: `${seconds.toFixed(2)} s`,
      anchor: `dbus-lint check --jobs 1 over the same tree: ${median(scans).toFixed(2)} s`,
      ratio,
      goal: `≤ ${GOAL}× the CLI's scan`,
      met: ratio <= GOAL,
      note,
    },
    {
      target: 'server memory after indexing',
      figure: `${rss.toFixed(0)} MB RSS`,
      anchor: `peak ${peak.toFixed(0)} MB while indexing`,
      goal: `≤ ${RSS_GOAL_MB} MB`,
      met: rss <= RSS_GOAL_MB,
      note: 'VmRSS of the server process (its analysis and index threads included) right after the index reported ready; the most of all rounds.',
    },
  ];
}

runIfMain(module, run);
