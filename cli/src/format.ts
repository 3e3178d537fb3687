import { ruleDocsUrl } from '../../core/src/index';
import type { CheckResult } from './check';

export interface TextOptions {
  /** Under each finding, its evidence path (the related locations) and the rule's docs. */
  explain?: boolean;
}

/** `path:line:col: severity rule-id message`, the shape editors and terminals link. Lines and columns 1-based. */
export function formatText(result: CheckResult, options: TextOptions = {}): string {
  const lines: string[] = [];
  let count = 0;
  let unused = 0;
  for (const file of result.files) {
    for (const f of file.findings) {
      if (f.suppression) continue;
      if (f.kind === 'unused-suppression') unused++;
      else count++;
      lines.push(
        `${file.path}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity} [${f.ruleId}] ${f.message}`,
      );
      if (!options.explain) continue;
      for (const r of f.related)
        lines.push(`    ${r.file ?? file.path}:${r.range.start.line + 1}:${r.range.start.character + 1}: ${r.message}`);
      lines.push(`    docs: ${ruleDocsUrl(f.ruleId)} (or \`dbus-lint explain ${f.ruleId}\`)`);
    }
  }
  const suppressed = result.files.reduce((n, file) => n + file.findings.filter((f) => f.suppression).length, 0);
  lines.push(
    `${count} finding${count === 1 ? '' : 's'} in ${result.files.length} file${result.files.length === 1 ? '' : 's'}` +
      (suppressed ? ` (${suppressed} suppressed in source)` : '') +
      (result.baselined !== undefined ? `; ${result.baselined} in the baseline, not shown` : '') +
      (unused ? `; ${unused} unused suppression${unused === 1 ? '' : 's'}` : '') +
      (result.skipped.length
        ? `; ${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'} not analysed (listed on stderr)`
        : ''),
  );
  return lines.join('\n') + '\n';
}

export interface JsonFinding {
  path: string;
  ruleId: string;
  /** `finding`, or `unused-suppression` for a dbus-lint-ignore comment (for `ruleId`) that suppressed nothing. */
  kind: 'finding' | 'unused-suppression';
  severity: string;
  message: string;
  /** 1-based, UTF-16 columns, end exclusive. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  suppressed: boolean;
  data: object;
}

export function formatJson(result: CheckResult): string {
  const findings: JsonFinding[] = result.files.flatMap((file) =>
    file.findings.map((f) => ({
      path: file.path,
      ruleId: f.ruleId,
      kind: f.kind ?? 'finding',
      severity: f.severity,
      message: f.message,
      line: f.range.start.line + 1,
      column: f.range.start.character + 1,
      endLine: f.range.end.line + 1,
      endColumn: f.range.end.character + 1,
      suppressed: !!f.suppression,
      data: f.data,
    })),
  );
  return (
    JSON.stringify(
      {
        findings,
        filesAnalysed: result.files.length,
        ...(result.baselined !== undefined ? { baselined: result.baselined } : {}),
        filesPastPrefilter: result.filesPastPrefilter,
        skipped: result.skipped,
        errors: result.ioErrors,
      },
      null,
      2,
    ) + '\n'
  );
}
