// In-source suppressions: `// dbus-lint-ignore-next-line <rule-id>: <reason>` above a line, or
// `// dbus-lint-ignore <rule-id>: <reason>` at the end of it. The rule id is required.
import { isRuleId } from './rules/registry';
import type { Finding, Fix, Range, RuleId } from './types';

export interface SuppressionComment {
  ruleIds: RuleId[];
  /** 0-based line the comment suppresses findings on. */
  target: number;
  reason: string;
  /** The comment itself (what an "unused suppression" hint underlines). */
  range: Range;
  /** What deleting the comment takes: the whole line for the next-line form, the comment and the spaces before it otherwise. */
  removal: Range;
}

const DIRECTIVE = /\/\/\s*dbus-lint-ignore(-next-line)?(?=\s|$)(.*)$/;
const IDS_AND_REASON = /^\s*([a-z][a-z-]*(?:\s*,\s*[a-z][a-z-]*)*)\s*(?::\s*(.*))?$/;

export function parseSuppressions(text: string): SuppressionComment[] {
  if (!text.includes('dbus-lint-ignore')) return [];
  const lines = text.split(/\r?\n/);
  const out: SuppressionComment[] = [];
  lines.forEach((line, index) => {
    const match = DIRECTIVE.exec(line);
    if (!match) return;
    const ids = IDS_AND_REASON.exec(match[2] ?? '');
    const ruleIds = (ids?.[1] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(isRuleId);
    if (ruleIds.length === 0) return;
    const start = match.index;
    const nextLine = !!match[1];
    const ownLine = line.slice(0, start).trim() === '';
    out.push({
      ruleIds,
      target: nextLine ? nextCodeLine(lines, index) : index,
      reason: (ids?.[2] ?? '').trim(),
      range: { start: { line: index, character: start }, end: { line: index, character: line.length } },
      removal:
        nextLine && ownLine
          ? { start: { line: index, character: 0 }, end: { line: index + 1, character: 0 } }
          : {
              start: { line: index, character: line.slice(0, start).trimEnd().length },
              end: { line: index, character: line.length },
            },
    });
  });
  return out;
}

/** The line a next-line directive covers: the next one that is not blank and not only a comment. */
function nextCodeLine(lines: string[], from: number): number {
  for (let i = from + 1; i < lines.length; i++) {
    const trimmed = (lines[i] ?? '').trim();
    if (trimmed !== '' && !trimmed.startsWith('//')) return i;
  }
  return from + 1;
}

/**
 * Marks suppressed findings and appends an `unused-suppression` hint for every directive that
 * suppressed nothing, for rules that ran (a disabled rule's suppressions are not "unused").
 */
export function applySuppressions(findings: Finding[], comments: SuppressionComment[], ranRules: ReadonlySet<RuleId>): Finding[] {
  const out = [...findings];
  for (const comment of comments) {
    for (const ruleId of comment.ruleIds) {
      let used = false;
      for (const finding of findings) {
        if (finding.ruleId !== ruleId || finding.range.start.line !== comment.target) continue;
        finding.suppression = { kind: 'inSource', justification: comment.reason };
        used = true;
      }
      if (used || !ranRules.has(ruleId)) continue;
      out.push({
        ruleId,
        kind: 'unused-suppression',
        severity: 'hint',
        range: comment.range,
        message: `unused suppression: no \`${ruleId}\` finding on line ${comment.target + 1}`,
        related: [],
        data: {},
        fixes: [{ title: `Remove unused suppression of ${ruleId}`, edits: [{ range: comment.removal, newText: '' }] }],
      });
    }
  }
  return out;
}

/** The placeholder the "Suppress … on this line" action leaves for the user to replace. */
export const REASON_PLACEHOLDER = '<reason>';

/** Line texts of a file by 0-based line number, indexed once (findings ask for many lines). */
export function lineReader(text: string): (line: number) => string {
  let starts: number[] | undefined;
  return (line) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    const start = starts[line];
    if (start === undefined) return '';
    const end = starts[line + 1] ?? text.length + 1;
    return text.slice(start, end - 1).replace(/\r$/, '');
  };
}

/** The edit that suppresses `ruleId` on `line`: a next-line directive above it, matching its indentation. */
export function suppressionFix(lineText: string, line: number, ruleId: RuleId, eol: string): Fix {
  const indent = /^[ \t]*/.exec(lineText)?.[0] ?? '';
  return {
    title: `Suppress ${ruleId} on this line`,
    edits: [
      {
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        newText: `${indent}// dbus-lint-ignore-next-line ${ruleId}: ${REASON_PLACEHOLDER}${eol}`,
      },
    ],
  };
}
