import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { RULES } from '../../core/src/index';
import { ruleDocumentation } from '../../cli/src/explainCommand';
import { runCli } from '../support/cli';

describe('dbus-lint explain', () => {
  it("prints each rule's docs page without the generator's markers", async () => {
    for (const rule of RULES) {
      const run = await runCli(['explain', rule.id]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(run.stdout.startsWith(`# ${rule.id}\n\n**${rule.title}.**`), run.stdout.slice(0, 200));
      assert.match(run.stdout, /^## /m, 'the hand-written body follows the header');
      assert.doesNotMatch(run.stdout, /<!--/);
    }
  });

  it("falls back to the registry's text when no docs were shipped", () => {
    const text = ruleDocumentation('call-without-timeout', mkdtempSync(`${tmpdir()}/no-docs-`));
    assert.match(text, /^# call-without-timeout\n\n\*\*Method call that can wait forever\.\*\*/);
    assert.match(text, /Full documentation: https:\/\/\S+\/docs\/rules\/call-without-timeout\.md/);
  });

  it('rejects an unknown rule with the list of rules, exit 2', async () => {
    const run = await runCli(['explain', 'no-such-rule']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`unknown rule "no-such-rule"; rules: ${RULES.map((r) => r.id).join(', ')}`));
  });
});

describe('dbus-lint check --explain', () => {
  it("prints each finding's related locations and docs under it", async () => {
    const path = 'test/fixtures/call-without-timeout/typescript/dbus_next.ts';
    const run = await runCli(['check', '--explain', path]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `^${path}:12:\\d+: warning \\[call-without-timeout\\] .*\\n    ${path}:10:\\d+: proxy interface obtained here\\n    docs: \\S+call-without-timeout\\.md`,
        'm',
      ),
    );
    const plain = await runCli(['check', path]);
    assert.doesNotMatch(plain.stdout, /^ {4}/m);
  });
});
