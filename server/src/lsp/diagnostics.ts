import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import { ruleDocsUrl, type Finding, type Severity } from '../../../core/src/index';
import {
  MORE_FINDINGS_CODE,
  NOT_ANALYSED_CODE,
  SOURCE,
  UNUSED_SUPPRESSION_CODE,
  type DiagnosticData,
} from '../../../protocol/src/index';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * A finding as a diagnostic. A baselined one (`baselineFile` names the baseline holding it) is a hint: out of
 * the Problems panel, still visible in the file.
 */
export function toDiagnostic(
  finding: Finding,
  uri: string,
  relatedInformation: boolean,
  baselineFile?: string,
): Diagnostic {
  const data: DiagnosticData = {
    ruleId: finding.ruleId,
    fixes: finding.fixes,
    suppressFix: finding.suppressFix,
    call: finding.data,
  };
  if (finding.kind === 'unused-suppression') {
    return {
      range: finding.range,
      severity: DiagnosticSeverity.Hint,
      tags: [DiagnosticTag.Unnecessary],
      source: SOURCE,
      code: UNUSED_SUPPRESSION_CODE,
      codeDescription: { href: ruleDocsUrl(finding.ruleId) },
      message: finding.message,
      data,
    };
  }
  const diagnostic: Diagnostic = {
    range: finding.range,
    severity: baselineFile === undefined ? SEVERITY[finding.severity] : DiagnosticSeverity.Hint,
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocsUrl(finding.ruleId) },
    message:
      baselineFile === undefined
        ? finding.message
        : `${finding.message} (in the baseline ${baselineFile}; \`dbusLint.baselinedFindings\`: "hide" hides it)`,
    data,
  };
  if (relatedInformation && finding.related.length > 0) {
    diagnostic.relatedInformation = finding.related.map((related) => ({
      // A summary's function lives in another file (the server names files by path in `imported`).
      location: { uri: related.file ? pathToFileURL(related.file).href : uri, range: related.range },
      message: related.message,
    }));
  }
  return diagnostic;
}

/** Shown instead of silence when a file is not analysed (too large, parse aborted, grammar failure). */
export function notAnalysedDiagnostic(reason: string): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: NOT_ANALYSED_CODE,
    message: reason,
  };
}

/** Said when a file has more findings than are published: the rest is one `dbus-lint check` away. */
export function moreFindingsDiagnostic(shown: number, total: number): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    code: MORE_FINDINGS_CODE,
    message:
      `dbus-lint: ${total} findings in this file; the editor shows the first ${shown}. ` +
      'Run `dbus-lint check` on the file to list them all.',
  };
}
