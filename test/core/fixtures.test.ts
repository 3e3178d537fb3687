// Every fixture through the core, the CLI (a spawned `dist/cli.js check --format json`) and the LSP
// server (dist/server.js over stdio): all three must report exactly the annotated findings.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { RULES } from '../../core/src/index';
import type { JsonFinding } from '../../cli/src/format';
import { REPO_ROOT, testAnalyzer } from '../support/analyzer';
import { actualKeys, expectedKeys, loadFixtures, type Fixture } from '../support/fixtures';
import { LspTestClient } from '../support/lspClient';

const LSP_LANGUAGE_ID: Record<Fixture['language'], string> = {
  rust: 'rust',
  typescript: 'typescript',
  tsx: 'typescriptreact',
  javascript: 'javascript',
};

const fixtures = loadFixtures();

function cliFindings(): Map<string, JsonFinding[]> {
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--format', 'json', ...fixtures.map((f) => f.path)],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.ok(result.status === 0 || result.status === 1, `CLI exited ${result.status}: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout) as { findings: JsonFinding[]; filesAnalysed: number };
  assert.equal(parsed.filesAnalysed, fixtures.length, 'the CLI analysed every fixture');
  const byPath = new Map<string, JsonFinding[]>();
  for (const finding of parsed.findings) {
    if (finding.suppressed || finding.kind !== 'finding') continue;
    byPath.set(finding.path, [...(byPath.get(finding.path) ?? []), finding]);
  }
  return byPath;
}

describe('fixtures', () => {
  it('has at least 15 positive and 15 negative snippets per rule', () => {
    for (const rule of RULES) {
      const annotations = fixtures.flatMap((f) => f.annotations).filter((a) => a.ruleId === rule.id);
      const positive = annotations.filter((a) => a.kind === 'ruleid').length;
      const negative = annotations.filter((a) => a.kind === 'ok').length;
      assert.ok(positive >= 15, `${rule.id}: ${positive} positive snippets`);
      assert.ok(negative >= 15, `${rule.id}: ${negative} negative snippets`);
    }
  });

  for (const fixture of fixtures) {
    it(`core agrees with ${fixture.path}`, async () => {
      const findings = await testAnalyzer().analyze(fixture.text, fixture.language);
      const actual = actualKeys(
        fixture,
        findings.filter((f) => !f.suppression && !f.kind).map((f) => ({ ruleId: f.ruleId, line: f.range.start.line })),
      );
      assert.deepEqual(actual, expectedKeys(fixture));
    });
  }

  it('the CLI agrees with every fixture', () => {
    const byPath = cliFindings();
    for (const fixture of fixtures) {
      const actual = actualKeys(
        fixture,
        (byPath.get(fixture.path) ?? []).map((f) => ({ ruleId: f.ruleId, line: f.line - 1 })),
      );
      assert.deepEqual(actual, expectedKeys(fixture), fixture.path);
    }
  });

  it('the LSP server agrees with every fixture', async () => {
    const client = new LspTestClient();
    try {
      await client.initialize();
      for (const fixture of fixtures) {
        const uri = pathToFileURL(fixture.absolutePath).href;
        await client.open(uri, LSP_LANGUAGE_ID[fixture.language], fixture.text);
        const diagnostics = await client.diagnostics(uri);
        const actual = actualKeys(
          fixture,
          diagnostics
            .filter((d) => d.source === 'dbus-lint' && typeof d.code === 'string' && d.code !== 'unused-suppression')
            .map((d) => ({ ruleId: String(d.code), line: d.range.start.line })),
        );
        assert.deepEqual(actual, expectedKeys(fixture), fixture.path);
      }
    } finally {
      await client.shutdown();
    }
  });
});
