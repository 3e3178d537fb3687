// `check --fix` / `--fix-dry-run`: applies every fix-all fix (core/src/fixAll.ts) to the checked files,
// re-analysing after each round so fixes that overlapped an earlier one are applied on the new text.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Analyzer, applyTextEdits, planFixAll, type AnalyzeOptions } from '../../core/src/index';
import { grammarFolder } from '../../host/src/index';
import type { CheckResult, FileResult } from './check';
import { unifiedDiff } from './unifiedDiff';

/** Rounds of fix and re-analysis per file at most (ESLint stops at 10 too): a fix that keeps re-arising stops here. */
const MAX_ROUNDS = 10;

export interface FileFix {
  path: string;
  /** How many findings the fixes resolved, by rule. */
  fixed: Map<string, number>;
  before: string;
  after: string;
}

export interface FixOptions {
  analyze: AnalyzeOptions;
  grammarDir: string;
  cwd: string;
  /** Write the fixed files (`--fix`); false only computes them (`--fix-dry-run`). */
  write: boolean;
}

async function fixOne(analyzer: Analyzer, file: FileResult, options: AnalyzeOptions): Promise<FileFix | undefined> {
  let text = file.text;
  let findings = file.findings;
  const fixed = new Map<string, number>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const plan = planFixAll(findings);
    if (plan.edits.length === 0) break;
    text = applyTextEdits(text, plan.edits);
    for (const finding of plan.fixed) fixed.set(finding.ruleId, (fixed.get(finding.ruleId) ?? 0) + 1);
    findings = await analyzer.analyze(text, file.language, options);
  }
  if (fixed.size === 0) return undefined;
  // The result then reports what is left after the fixes, as ESLint's --fix does.
  file.findings = findings;
  const before = file.text;
  file.text = text;
  return { path: file.path, fixed, before, after: text };
}

/** Fixes every file of `result` that has a fixable finding, updating its findings to what is left. */
export async function fixFiles(result: CheckResult, options: FixOptions): Promise<FileFix[]> {
  const analyzer = new Analyzer(grammarFolder(options.grammarDir));
  const fixes: FileFix[] = [];
  for (const file of result.files) {
    if (file.findings.length === 0) continue;
    const fix = await fixOne(analyzer, file, options.analyze);
    if (!fix) continue;
    if (options.write) writeFileSync(resolve(options.cwd, file.path), fix.after);
    fixes.push(fix);
  }
  return fixes;
}

export function describeFix(fix: FileFix): string {
  const total = [...fix.fixed.values()].reduce((a, b) => a + b, 0);
  const rules = [...fix.fixed].map(([rule, count]) => `${count} ${rule}`).join(', ');
  return `${fix.path}: fixed ${total} finding${total === 1 ? '' : 's'} (${rules})`;
}

export function fixDiff(fixes: readonly FileFix[]): string {
  return fixes.map((fix) => unifiedDiff(fix.path, fix.before, fix.after)).join('');
}
