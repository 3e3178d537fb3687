// Which of a document's findings an earlier `dbus-lint check --write-baseline` already holds: matched by rule
// and fingerprint (the flagged statement, not the line), as `check --baseline` matches them.
import { fingerprints, matchBaseline, type BaselineEntry, type Finding } from '../../../core/src/index';

/** One flag per finding: true when the baseline holds it. `text` is the text the findings were made for. */
export function baselinedFlags(
  text: string,
  findings: readonly Finding[],
  entries: readonly BaselineEntry[],
  path: string,
): boolean[] {
  if (entries.length === 0 || findings.length === 0) return findings.map(() => false);
  const prints = fingerprints(text, findings);
  const eligible = findings.map((finding) => !finding.suppression && finding.kind !== 'unused-suppression');
  const candidates = findings
    .map((finding, index) => ({ ruleId: finding.ruleId, path, fingerprint: prints[index], index }))
    .filter((candidate) => eligible[candidate.index]);
  const matched = matchBaseline(entries, candidates);
  const flags = findings.map(() => false);
  candidates.forEach((candidate, i) => (flags[candidate.index] = matched[i]));
  return flags;
}
