// `check --baseline FILE`: drops the findings an earlier SARIF output already holds (matched by rule and
// fingerprint, the same file first), so a legacy codebase reports only what is new.
import { fingerprints, matchBaseline, type BaselineEntry } from '../../core/src/index';
import type { CheckResult } from './check';

export function applyBaseline(result: CheckResult, entries: readonly BaselineEntry[]): void {
  const candidates = result.files.flatMap((file, fileIndex) => {
    file.fingerprints ??= fingerprints(file.text, file.findings);
    const prints = file.fingerprints;
    return file.findings.map((finding, index) => ({
      fileIndex,
      index,
      ruleId: finding.ruleId,
      path: file.path,
      fingerprint: prints[index],
      // Suppressed findings and unused suppressions are not results a baseline holds back.
      eligible: !finding.suppression && finding.kind !== 'unused-suppression',
    }));
  });
  const eligible = candidates.filter((c) => c.eligible);
  const matched = matchBaseline(entries, eligible);
  const drop = new Set(eligible.filter((_, i) => matched[i]).map((c) => `${c.fileIndex}:${c.index}`));
  for (const [fileIndex, file] of result.files.entries()) {
    const keep = file.findings.map((_, index) => !drop.has(`${fileIndex}:${index}`));
    const prints = file.fingerprints ?? [];
    file.findings = file.findings.filter((_, index) => keep[index]);
    file.fingerprints = prints.filter((_, index) => keep[index]);
  }
  result.baselined = drop.size;
}
