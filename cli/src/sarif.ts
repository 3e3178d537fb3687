import {
  FINGERPRINT_KEY,
  fingerprints,
  PROJECT_URL,
  RULES,
  ruleDocsUrl,
  type Range,
  type Severity,
} from '../../core/src/index';
import type { CheckResult } from './check';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = PROJECT_URL;

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

function physicalLocation(path: string, range: Range): object {
  return {
    artifactLocation: path.startsWith('/')
      ? { uri: pathToFileUri(path) }
      : { uri: encodeURI(path), uriBaseId: '%SRCROOT%' },
    region: {
      startLine: range.start.line + 1,
      startColumn: range.start.character + 1,
      endLine: range.end.line + 1,
      endColumn: range.end.character + 1,
    },
  };
}

export function toSarif(result: CheckResult, toolVersion: string, cwd: string): object {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  const results = result.files.flatMap((file) => {
    const prints = file.fingerprints ?? fingerprints(file.text, file.findings);
    // Unused suppressions are not results of a rule: they go to the invocation's notifications.
    return file.findings
      .map((f, index) => ({ f, fingerprint: prints[index] }))
      .filter(({ f }) => f.kind !== 'unused-suppression')
      .map(({ f, fingerprint }) => ({
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: physicalLocation(file.path, f.range) }],
        // The evidence path: where the call was sent, where it waits — in another file for a summary's function.
        ...(f.related.length > 0
          ? {
              relatedLocations: f.related.map((r, id) => ({
                id,
                physicalLocation: physicalLocation(r.file ?? file.path, r.range),
                message: { text: r.message },
              })),
            }
          : {}),
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
        // Against a baseline every reported result is new: the matched ones are left out.
        ...(result.baselined !== undefined ? { baselineState: 'new' } : {}),
        ...(f.suppression ? { suppressions: [{ kind: 'inSource', justification: f.suppression.justification }] } : {}),
      }));
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'dbus-lint',
            version: toolVersion,
            semanticVersion: toolVersion,
            informationUri: INFORMATION_URI,
            rules: RULES.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.summary },
              helpUri: ruleDocsUrl(rule.id),
              help: { text: `${rule.summary} See ${ruleDocsUrl(rule.id)}` },
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(cwd.endsWith('/') ? cwd : cwd + '/') } },
        columnKind: 'utf16CodeUnits',
        results,
        invocations: [
          {
            executionSuccessful: result.ioErrors.length === 0,
            toolExecutionNotifications: [
              ...[...result.ioErrors, ...result.skipped].map((problem) => ({
                level: 'warning',
                message: { text: `${problem.path}: ${problem.message}` },
              })),
              ...result.files.flatMap((file) =>
                file.findings
                  .filter((f) => f.kind === 'unused-suppression')
                  .map((f) => ({
                    level: 'note',
                    message: { text: f.message },
                    descriptor: { id: 'unused-suppression' },
                    associatedRule: { id: f.ruleId, index: ruleIndex.get(f.ruleId) },
                    locations: [
                      {
                        physicalLocation: {
                          artifactLocation: { uri: encodeURI(file.path), uriBaseId: '%SRCROOT%' },
                          region: {
                            startLine: f.range.start.line + 1,
                            startColumn: f.range.start.character + 1,
                            endLine: f.range.end.line + 1,
                            endColumn: f.range.end.character + 1,
                          },
                        },
                      },
                    ],
                  })),
              ),
            ],
          },
        ],
      },
    ],
  };
}

function pathToFileUri(path: string): string {
  return 'file://' + encodeURI(path);
}
