// Target 2 (single file): full analysis of a ~10k-line file next to the bare parse of the same file,
// measured in the same run (paired, alternating), per language. Goal: ≤ 1.3× the bare parse, with all
// rules on; each rule alone is reported in the note.
import { RULES, type LanguageId, type RuleId, type SeveritySetting } from '../core/src/index';
import { testAnalyzer } from '../test/support/analyzer';
import { benchFile } from './corpus';
import { median, runIfMain, type BenchRow } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const GOAL = 1.3;

function only(rule: RuleId | 'all'): Partial<Record<RuleId, SeveritySetting>> {
  return Object.fromEntries(RULES.map((r) => [r.id, rule === 'all' || r.id === rule ? 'warning' : 'off']));
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

interface Paired {
  parse: number;
  analysis: number;
  ratio: number;
}

/** Alternates which side runs first so neither always gets the warmer cache; the ratio is the median of per-pair ratios. */
async function paired(text: string, language: LanguageId, rule: RuleId | 'all'): Promise<Paired> {
  const analyzer = testAnalyzer();
  const options = { severities: only(rule) };
  const parse: number[] = [];
  const analysis: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const analysisFirst = i % 2 === 1;
    const a1 = analysisFirst ? await time(() => analyzer.analyze(text, language, options)) : 0;
    const p = await time(() => analyzer.parseOnly(text, language));
    const a = analysisFirst ? a1 : await time(() => analyzer.analyze(text, language, options));
    parse.push(p);
    analysis.push(a);
    ratios.push(a / p);
  }
  return { parse: median(parse), analysis: median(analysis), ratio: median(ratios) };
}

export async function run(): Promise<BenchRow[]> {
  const analyzer = testAnalyzer();
  const rows: BenchRow[] = [];
  for (const language of ['rust', 'typescript'] as LanguageId[]) {
    const text = benchFile(language === 'rust' ? 'rust' : 'typescript');
    const lines = text.split('\n').length;
    // Warm up: the first parses of a grammar are several times slower than later ones.
    for (let i = 0; i < 3; i++) await analyzer.analyze(text, language);
    const findings = (await analyzer.analyze(text, language)).length;
    const perRule: string[] = [];
    for (const rule of RULES) perRule.push(`${rule.id} ${(await paired(text, language, rule.id)).ratio.toFixed(2)}x`);
    const all = await paired(text, language, 'all');
    rows.push({
      target: `single file (${language})`,
      figure: `analysis ${all.analysis.toFixed(1)} ms`,
      anchor: `bare parse ${all.parse.toFixed(1)} ms`,
      ratio: all.ratio,
      goal: `≤ ${GOAL}x the parse`,
      met: all.ratio <= GOAL,
      note: `${lines} lines, ${(text.length / 1024).toFixed(0)} KiB, ${findings} findings; medians of ${RUNS} paired runs; each rule alone: ${perRule.join(', ')}`,
    });
  }
  return rows;
}

runIfMain(module, run);
