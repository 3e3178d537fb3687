import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticTag } from 'vscode-languageserver';
import type { CheckResult } from '../../cli/src/check';
import { formatJson, formatText } from '../../cli/src/format';
import { toSarif } from '../../cli/src/sarif';
import { codeActionsFor } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { testAnalyzer } from '../support/analyzer';
import { LspTestClient } from '../support/lspClient';
import { applyEdits } from '../support/edits';

// One call without a timeout: the proxy object comes from the caller (getting one is a call of its own).
const CALL = `import type { ProxyObject } from 'dbus-next';
// obj: from bus.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus')
export async function id(obj: ProxyObject) {
  const iface = obj.getInterface('org.freedesktop.DBus');
  return await iface.GetId();
}
`;
const CALL_LINE = 4;

function withLine(text: string, line: number, insert: string): string {
  const lines = text.split('\n');
  lines.splice(line, 0, insert);
  return lines.join('\n');
}

describe('suppressions', () => {
  it('a next-line comment with the rule id suppresses the finding and keeps its reason', async () => {
    const text = withLine(
      CALL,
      CALL_LINE,
      '  // dbus-lint-ignore-next-line call-without-timeout: the bus is local and always answers',
    );
    const findings = await testAnalyzer().analyze(text, 'typescript');
    assert.equal(findings.length, 1);
    assert.deepEqual(findings[0]?.suppression, {
      kind: 'inSource',
      justification: 'the bus is local and always answers',
    });
  });

  it('a same-line comment suppresses too', async () => {
    const text = CALL.replace(
      'await iface.GetId();',
      'await iface.GetId(); // dbus-lint-ignore call-without-timeout: bounded by the caller',
    );
    const [finding] = await testAnalyzer().analyze(text, 'typescript');
    assert.equal(finding?.suppression?.justification, 'bounded by the caller');
  });

  it('requires the rule id: a bare or wrong id suppresses nothing', async () => {
    for (const comment of [
      '// dbus-lint-ignore-next-line',
      '// dbus-lint-ignore-next-line: no id',
      '// dbus-lint-ignore-next-line single-read-receive: wrong rule',
    ]) {
      const findings = await testAnalyzer().analyze(withLine(CALL, CALL_LINE, `  ${comment}`), 'typescript');
      const real = findings.filter((f) => !f.kind);
      assert.equal(real.length, 1, comment);
      assert.equal(real[0]?.suppression, undefined, comment);
    }
  });

  it('reports an unused suppression as a hint, tagged Unnecessary in the editor, with a removal fix', async () => {
    const text = withLine(CALL, 2, '// dbus-lint-ignore-next-line call-without-timeout: stale');
    const findings = await testAnalyzer().analyze(text, 'typescript');
    const unused = findings.find((f) => f.kind === 'unused-suppression');
    assert.ok(unused);
    assert.equal(unused.severity, 'hint');
    assert.equal(unused.range.start.line, 2);
    const diagnostic = toDiagnostic(unused, 'file:///x.ts', true);
    assert.deepEqual(diagnostic.tags, [DiagnosticTag.Unnecessary]);
    assert.equal(diagnostic.code, 'unused-suppression');
    const [remove] = codeActionsFor('file:///x.ts', [diagnostic]);
    assert.match(remove?.title ?? '', /Remove unused suppression/);
    const cleaned = applyEdits(text, remove?.edit?.changes?.['file:///x.ts'] ?? []);
    assert.equal(cleaned, CALL);
  });

  it("does not call a disabled rule's suppressions unused", async () => {
    const text = withLine(CALL, 2, '// dbus-lint-ignore-next-line call-without-timeout: stale');
    const findings = await testAnalyzer().analyze(text, 'typescript', {
      severities: { 'call-without-timeout': 'off' },
    });
    assert.deepEqual(findings, []);
  });

  it('"Suppress … on this line" inserts an indented directive that then suppresses the finding', async () => {
    const [finding] = await testAnalyzer().analyze(CALL, 'typescript');
    assert.ok(finding?.suppressFix);
    const actions = codeActionsFor('file:///x.ts', [toDiagnostic(finding, 'file:///x.ts', true)]);
    assert.deepEqual(
      actions.map((a) => a.title),
      [
        'Bound `iface.GetId()` with a 25 s timeout (Promise.race)',
        'Suppress call-without-timeout on this line',
        'Replay this call on the bus',
        'Show documentation for call-without-timeout',
      ],
    );
    assert.equal(actions[1]?.isPreferred, false);
    const suppressed = applyEdits(CALL, actions[1]?.edit?.changes?.['file:///x.ts'] ?? []);
    assert.match(
      suppressed,
      /\n {2}\/\/ dbus-lint-ignore-next-line call-without-timeout: <reason>\n {2}return await iface/,
    );
    const after = await testAnalyzer().analyze(suppressed, 'typescript');
    assert.equal(after.length, 1);
    assert.ok(after[0]?.suppression);
  });

  it('CLI text, JSON and SARIF agree on suppressed and unused', async () => {
    let text = withLine(CALL, CALL_LINE, '  // dbus-lint-ignore-next-line call-without-timeout: reviewed');
    text = withLine(text, 2, '// dbus-lint-ignore-next-line call-without-timeout: stale');
    const findings = await testAnalyzer().analyze(text, 'typescript');
    const result: CheckResult = {
      files: [{ path: 'x.ts', language: 'typescript', text, findings }],
      skipped: [],
      ioErrors: [],
      filesPastPrefilter: 1,
    };
    assert.match(
      formatText(result),
      /x\.ts:3:1: hint \[call-without-timeout\] unused suppression[^\n]*\n0 findings in 1 file \(1 suppressed in source\); 1 unused suppression/,
    );
    const json = JSON.parse(formatJson(result)) as { findings: { kind: string; suppressed: boolean }[] };
    assert.deepEqual(
      json.findings.map((f) => [f.kind, f.suppressed]),
      [
        ['unused-suppression', false],
        ['finding', true],
      ],
    );
    const sarif = toSarif(result, '0.0.0', '/tmp') as {
      runs: {
        results: { suppressions?: unknown[] }[];
        invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
      }[];
    };
    const run = sarif.runs[0];
    assert.equal(run?.results.length, 1);
    assert.deepEqual(run?.results[0]?.suppressions, [{ kind: 'inSource', justification: 'reviewed' }]);
    assert.match(run?.invocations[0]?.toolExecutionNotifications[0]?.message.text ?? '', /unused suppression/);
  });

  it('the LSP server publishes unused suppressions as Unnecessary hints and offers the suppress action', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize();
      const uri = 'file:///tmp/dbus-lint-suppressions.ts';
      await client.open(
        uri,
        'typescript',
        withLine(CALL, 2, '// dbus-lint-ignore-next-line call-without-timeout: stale'),
      );
      const diagnostics = await client.diagnostics(uri, (p) => p.diagnostics.length >= 2);
      const hint = diagnostics.find((d) => d.code === 'unused-suppression');
      assert.deepEqual(hint?.tags, [DiagnosticTag.Unnecessary]);
      const finding = diagnostics.find((d) => d.code === 'call-without-timeout');
      assert.ok(finding);
      const actions = await client.codeActions(uri, [finding]);
      assert.ok(actions.some((a) => a.title === 'Suppress call-without-timeout on this line'));
      assert.ok(actions.some((a) => a.title.startsWith('Bound `iface.GetId()`')));
    } finally {
      await client.shutdown();
    }
  });
});
