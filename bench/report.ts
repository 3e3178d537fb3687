// The one shape every speed target reports in, so `npm run bench` (bench/run.ts) can print all
// targets as one table: the figure, the anchor it is measured against in the same run, the ratio
// and whether the goal is met. Each *.bench.ts exports `run()` returning its rows and
// prints them itself when run on its own.
import { loadavg } from 'node:os';

export interface BenchRow {
  /** Which target: "scan", "single file (rust)", "keystroke p50", ... */
  target: string;
  /** What we measured, with its unit: "1.84 s", "3.1 ms", "112 MB". */
  figure: string;
  /** What it is compared with, measured in the same run: "ast-grep scan -j 2: 2.21 s", "bare parse 64 ms". */
  anchor: string;
  /** figure / anchor where the goal is a ratio; undefined for absolute goals. */
  ratio?: number;
  /** The goal as the issue states it: "≤ 1.0× ast-grep", "≤ 5 ms". */
  goal: string;
  met: boolean;
  /** Anything a reader needs to trust the number: corpus size, run count, settings. */
  note?: string;
}

export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** The value at quantile q (0..1) by nearest rank. */
export const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
};

export function printRows(rows: readonly BenchRow[]): void {
  const header = ['target', 'figure', 'anchor (same run)', 'ratio', 'goal', 'met'];
  const cells = rows.map((r) => [
    r.target,
    r.figure,
    r.anchor,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.goal,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
  for (const r of rows) if (r.note) console.log(`  ${r.target}: ${r.note}`);
  console.log(`load average (1 min) ${loadavg()[0]?.toFixed(2)}`);
}

/** `main` when the file is run directly (`node --import tsx bench/x.bench.ts`), not when bench/run.ts imports it. */
export function runIfMain(module: NodeModule, run: () => Promise<BenchRow[]>): void {
  if (require.main !== module) return;
  run().then(
    (rows) => {
      printRows(rows);
      if (rows.some((r) => !r.met)) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
