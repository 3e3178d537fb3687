// What the server publishes for each version of an edited document equals a full analysis of that version's
// text, through the real server over stdio (LSP ranges converted to offsets, the kept tree edited).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { REPO_ROOT, testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';
import { LspTestClient } from '../support/lspClient';
import { applyOffsetEdit, lspChange, randomEdit, seeded } from '../support/randomEdits';
import { pathToFileURL } from 'node:url';

const EDITS = 60;

describe('language server: each published version equals a full analysis', () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient();
    await client.initialize(pathToFileURL(REPO_ROOT).href);
  });
  after(async () => client.shutdown());

  for (const name of ['single-read-receive/rust/', 'call-without-timeout/typescript/']) {
    it(`over random edits of ${name}`, async () => {
      const fixture = loadFixtures().find((f) => f.path.includes(name));
      assert.ok(fixture);
      const uri = pathToFileURL(fixture.absolutePath).href;
      const languageId = fixture.language === 'rust' ? 'rust' : 'typescript';
      let text = fixture.text;
      await client.open(uri, languageId, text);
      await client.diagnostics(uri, (p) => p.version === 1);
      const random = seeded(31);
      for (let version = 2; version < EDITS + 2; version++) {
        const edit = randomEdit(random, text);
        const change = lspChange(text, edit);
        text = applyOffsetEdit(text, edit);
        await client.change(uri, version, [change]);
        const published = await client.diagnostics(uri, (p) => p.version === version);
        const full: Diagnostic[] = (await testAnalyzer().analyze(text, fixture.language))
          .filter((finding) => !finding.suppression)
          .map((finding) => toDiagnostic(finding, uri, true));
        assert.deepStrictEqual(
          published,
          JSON.parse(JSON.stringify(full)),
          `version ${version}: ${edit.kind} at ${edit.start}`,
        );
      }
    });
  }
});
