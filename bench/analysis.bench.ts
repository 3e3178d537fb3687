// Analysis time of each rule on a ~10k-line file, next to the bare parse of the same file measured in
// the same run (paired, alternating), per language. Goal: each rule ≤ 1.3× the bare parse.
import { RULES, type LanguageId, type RuleId, type SeveritySetting } from '../server/src/analysis/index';
import { testAnalyzer } from '../test/support/analyzer';
import { benchFile } from './corpus';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const GOAL = 1.3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function only(rule: RuleId | 'all'): Partial<Record<RuleId, SeveritySetting>> {
  return Object.fromEntries(RULES.map((r) => [r.id, rule === 'all' || r.id === rule ? 'warning' : 'off']));
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const analyzer = testAnalyzer();
  let failed = false;
  for (const language of ['rust', 'typescript'] as LanguageId[]) {
    const text = benchFile(language === 'rust' ? 'rust' : 'typescript');
    const lines = text.split('\n').length;
    // Warm up: the first parses of a grammar are several times slower than later ones.
    for (let i = 0; i < 3; i++) await analyzer.analyze(text, language);
    const findings = await analyzer.analyze(text, language);
    console.log(`\n${language}: ${lines} lines, ${(text.length / 1024).toFixed(0)} KiB, ${findings.length} findings; medians of ${RUNS} paired runs (ratio: median of per-pair ratios)`);
    console.log(`${'rule'.padEnd(24)} ${'parse ms'.padStart(9)} ${'analysis ms'.padStart(12)} ${'ratio'.padStart(7)}`);
    for (const rule of [...RULES.map((r) => r.id), 'all'] as const) {
      const parse: number[] = [];
      const analysis: number[] = [];
      const ratios: number[] = [];
      const options = { severities: only(rule) };
      for (let i = 0; i < RUNS; i++) {
        // Alternate the order so neither side always runs on a warmer cache.
        const first = i % 2 === 0;
        const a1 = first ? 0 : await time(() => analyzer.analyze(text, language, options));
        const p1 = await time(() => analyzer.parseOnly(text, language));
        const a2 = first ? await time(() => analyzer.analyze(text, language, options)) : a1;
        parse.push(p1);
        analysis.push(a2);
        ratios.push(a2 / p1);
      }
      const p = median(parse);
      const a = median(analysis);
      // The median of per-pair ratios: robust to the machine getting faster or slower during the run.
      const ratio = median(ratios);
      if (rule !== 'all' && ratio > GOAL) failed = true;
      console.log(`${rule.padEnd(24)} ${p.toFixed(1).padStart(9)} ${a.toFixed(1).padStart(12)} ${(ratio.toFixed(2) + 'x').padStart(7)}${ratio > GOAL ? `  over the ${GOAL}x goal` : ''}`);
    }
  }
  console.log(`\nload average ${(await import('node:os')).loadavg()[0]?.toFixed(2)}; goal: each rule ≤ ${GOAL}x the bare parse`);
  if (failed) process.exitCode = 1;
}

void main();
