// Input built to make the analysis slow or blind: deep nesting, megabyte lines, findings by the thousand.
// Each answer is a result within the analysis budget or a typed "not analysed" error naming what to raise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisTimeoutError, TooDeepError, type AnalyzeOptions } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';

const HEADER = `import dbus, { Message } from 'dbus-next';\nconst bus = dbus.systemBus();\n`;

/** One flagged `bus.call(m)` inside `depth` parentheses. */
function nestedCall(depth: number): string {
  return `${HEADER}export async function f(m: Message) {\n  return ${'('.repeat(depth)}await bus.call(m)${')'.repeat(depth)};\n}\n`;
}

/** `count` functions with a flagged call each, joined by `separator` (none: minified, all on one line). */
function calls(count: number, separator: string): string {
  return Array.from({ length: count }, (_, i) => `async function g${i}(m){const r=await bus.call(m);return r}`).join(
    separator,
  );
}

const NO_BUDGET: AnalyzeOptions = { maxAnalysisMs: 600_000, maxFileSize: 4_000_000 };

/** The fastest of `runs` analyses of `text`, in ms (the least disturbed by other work on the machine). */
async function fastest(text: string, runs = 3): Promise<number> {
  const analyzer = testAnalyzer();
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await analyzer.analyze(text, 'typescript', NO_BUDGET);
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('hostile input', () => {
  it('a call inside thousands of parentheses costs time linear in the depth', async () => {
    const findings = await testAnalyzer().analyze(nestedCall(8000), 'typescript', NO_BUDGET);
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['call-without-timeout'],
    );
    // Walks up `Node.parent` cost d² (4× the depth, 16× the time); linear is about 4×.
    const shallow = await fastest(nestedCall(2000));
    const deep = await fastest(nestedCall(8000));
    assert.ok(deep / shallow < 8, `4× the depth took ${(deep / shallow).toFixed(1)}× the time (${deep.toFixed(0)} ms)`);
  });

  it('a file nesting deeper than the queries read is reported as not analysed, not as clean', async () => {
    await assert.rejects(
      testAnalyzer().analyze(nestedCall(66_000), 'typescript', NO_BUDGET),
      (error: unknown) => error instanceof TooDeepError && /split the deeply nested expression/.test(error.message),
    );
    // Just under the limit, the call is still found.
    const findings = await testAnalyzer().analyze(nestedCall(65_000), 'typescript', NO_BUDGET);
    assert.equal(findings.length, 1);
  });

  it('an edit that nests deeper than the queries read is reported; an edit elsewhere in the same file is not', async () => {
    // The reparse checks depth only where the structure changed: the deep edit must still be seen there.
    const text = nestedCall(65_000);
    const document = await testAnalyzer().open(text, 'typescript', NO_BUDGET);
    assert.equal(document.findings.length, 1);
    document.edit([{ start: text.length, end: text.length, text: '// a comment\n' }]);
    assert.equal(document.analyse().length, 1);
    const at = text.indexOf('await bus.call');
    const after = at + 'await bus.call(m)'.length;
    document.edit([
      { start: after, end: after, text: ')'.repeat(1000) },
      { start: at, end: at, text: '('.repeat(1000) },
    ]);
    assert.throws(() => document.analyse(), TooDeepError);
    document.edit([
      { start: at, end: at + 1000, text: '' },
      { start: after, end: after + 1000, text: '' },
    ]);
    assert.equal(document.analyse().length, 1);
    document.dispose();
  });

  it('findings on one long line cost what they cost on many lines', async () => {
    // A minified bundle: a long head (a comment here) and the calls on one line, against the same code on lines.
    const head = `/*${'x'.repeat(1_500_000)}*/`;
    const oneLine = HEADER + head + calls(800, '');
    const lines = `${HEADER + head}\n${calls(800, '\n')}`;
    assert.equal((await testAnalyzer().analyze(oneLine, 'typescript', NO_BUDGET)).length, 800);
    const ratio = (await fastest(oneLine, 2)) / (await fastest(lines, 2));
    assert.ok(ratio < 2, `one line took ${ratio.toFixed(1)}× the time of the same code on many lines`);
  });

  it('an analysis over its budget is abandoned with an error naming the setting, and the next one works', async () => {
    const analyzer = testAnalyzer();
    await assert.rejects(
      analyzer.analyze(HEADER + calls(3000, ''), 'typescript', { maxAnalysisMs: 5 }),
      (error: unknown) =>
        error instanceof AnalysisTimeoutError &&
        /dbusLint\.maxAnalysisMs/.test(error.message) &&
        /--max-analysis-ms/.test(error.message),
    );
    assert.equal((await analyzer.analyze(nestedCall(3), 'typescript')).length, 1);
    // An open document too: the edit that makes it slow is refused, and it recovers when the budget allows.
    const document = await analyzer.open(nestedCall(3), 'typescript', { maxAnalysisMs: 5 });
    try {
      document.update([{ start: document.text.length, end: document.text.length, text: HEADER + calls(3000, '') }]);
      assert.fail('the slow version was analysed within 5 ms');
    } catch (error) {
      assert.ok(error instanceof AnalysisTimeoutError, String(error));
    }
    document.setOptions(NO_BUDGET);
    assert.equal(document.analyse().length, 3001);
    document.dispose();
  });
});
