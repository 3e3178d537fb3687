import { basename } from 'node:path';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { ruleDocsUrl, ruleMeta, type Finding } from '../../../core/src/index';

function contains(finding: Finding, position: Position): boolean {
  const { start, end } = finding.range;
  const after = position.line > start.line || (position.line === start.line && position.character >= start.character);
  const before = position.line < end.line || (position.line === end.line && position.character <= end.character);
  return after && before;
}

/**
 * A message as Markdown: its `code spans` stay (the rules write them), and outside them the characters that
 * would be markup (names from the user's code such as `__init__`, or `<T>`) are escaped.
 */
function plain(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/[\\*_[\]<>]/g, (c) => `\\${c}`)))
    .join('`');
}

/**
 * For each finding under the cursor: the rule's title, the finding's message, its evidence path (the related
 * locations that led to it, by line), whether the baseline holds it, and a link to the rule's docs.
 */
export function hoverAt(findings: readonly Finding[], baselined: readonly boolean[], position: Position): Hover | null {
  const here = findings
    .map((finding, index) => ({ finding, baselined: baselined[index] === true }))
    .filter(({ finding }) => finding.kind !== 'unused-suppression' && contains(finding, position));
  if (here.length === 0) return null;
  const sections = here.map(({ finding, baselined: inBaseline }) => {
    const meta = ruleMeta(finding.ruleId);
    const lines = [`**dbus-lint: ${meta.title}** (\`${finding.ruleId}\`)`, '', plain(finding.message)];
    if (finding.related.length > 0) {
      lines.push('', 'Evidence:');
      for (const related of finding.related)
        lines.push(
          `- ${related.file ? `${plain(basename(related.file))} ` : ''}line ${related.range.start.line + 1}: ${plain(related.message)}`,
        );
    }
    if (inBaseline) lines.push('', '_In the baseline: an existing finding, not a new one._');
    lines.push('', `[Rule documentation](${ruleDocsUrl(finding.ruleId)})`);
    return lines.join('\n');
  });
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}
