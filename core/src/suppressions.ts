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
  const out: SuppressionComment[] = [];
  // Only lines holding the marker can be directives: visit those, not every line of the file.
  let row = 0;
  let counted = 0;
  let previousLine = -1;
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (lineStart === previousLine) continue;
    previousLine = lineStart;
    row += breaksBetween(text, counted, lineStart);
    counted = lineStart;
    const line = lineAt(text, lineStart);
    const match = DIRECTIVE.exec(line.text);
    if (!match) continue;
    const ids = IDS_AND_REASON.exec(match[2] ?? '');
    const ruleIds = (ids?.[1] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(isRuleId);
    if (ruleIds.length === 0) continue;
    const start = match.index;
    const nextLine = !!match[1];
    const ownLine = line.text.slice(0, start).trim() === '';
    out.push({
      ruleIds,
      target: nextLine ? nextCodeLine(text, line.next, row) : row,
      reason: (ids?.[2] ?? '').trim(),
      range: { start: { line: row, character: start }, end: { line: row, character: line.text.length } },
      removal:
        nextLine && ownLine
          ? { start: { line: row, character: 0 }, end: { line: row + 1, character: 0 } }
          : {
              start: { line: row, character: line.text.slice(0, start).trimEnd().length },
              end: { line: row, character: line.text.length },
            },
    });
  }
  return out;
}

const MARKER = 'dbus-lint-ignore';

/** Lines as `text.split(/\r?\n/)` gives them: the line starting at `start`, and where the next one starts (-1: none). */
function lineAt(text: string, start: number): { text: string; next: number } {
  const end = text.indexOf('\n', start);
  if (end < 0) return { text: text.slice(start), next: -1 };
  return { text: text.slice(start, end > start && text[end - 1] === '\r' ? end - 1 : end), next: end + 1 };
}

function breaksBetween(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** The line a next-line directive on line `row` covers: the next one that is not blank and not only a comment. */
function nextCodeLine(text: string, next: number, row: number): number {
  for (let start = next, at = row + 1; start >= 0; at++) {
    const line = lineAt(text, start);
    const trimmed = line.text.trim();
    if (trimmed !== '' && !trimmed.startsWith('//')) return at;
    start = line.next;
  }
  return row + 1;
}

/**
 * Marks suppressed findings and appends an `unused-suppression` hint for every directive that
 * suppressed nothing, for rules that ran (a disabled rule's suppressions are not "unused").
 */
export function applySuppressions(
  findings: Finding[],
  comments: SuppressionComment[],
  ranRules: ReadonlySet<RuleId>,
): Finding[] {
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

/** The edit that suppresses `ruleId` on `line`: a next-line directive above it, indented by `indent`. */
export function suppressionFix(indent: string, line: number, ruleId: RuleId, eol: string): Fix {
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
