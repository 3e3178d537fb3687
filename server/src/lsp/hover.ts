import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { ruleDocsUrl, ruleMeta, type Finding } from '../../../core/src/index';

function contains(finding: Finding, position: Position): boolean {
  const { start, end } = finding.range;
  const after = position.line > start.line || (position.line === start.line && position.character >= start.character);
  const before = position.line < end.line || (position.line === end.line && position.character <= end.character);
  return after && before;
}

/** Rule title, summary and docs link for the findings under the cursor (text from the registry). */
export function hoverAt(findings: readonly Finding[], position: Position): Hover | null {
  const here = findings.filter((finding) => contains(finding, position));
  if (here.length === 0) return null;
  const sections = [...new Set(here.map((f) => f.ruleId))].map((id) => {
    const meta = ruleMeta(id);
    return `**dbus-lint: ${meta.title}** (\`${id}\`)\n\n${meta.summary}\n\n[Rule documentation](${ruleDocsUrl(id)})`;
  });
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') } };
}
