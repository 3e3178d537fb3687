// Property: whatever hostile source is thrown at it (deep nesting, megabyte lines, many findings per
// line, binary bytes, junk), the analysis answers within its budgets: findings, or a "not analysed" error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NotAnalysedError, type AnalyzeOptions } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';

const HEADER = `import dbus, { Message } from 'dbus-next';\nconst bus = dbus.systemBus();\n`;
const CALL = 'await bus.call(m)';

/** Pieces of hostile source, each of a size that costs real time but keeps a run of the property short. */
const piece = fc.oneof(
  fc
    .integer({ min: 1, max: 70_000 })
    .map((depth) => `async function f(m){return ${'('.repeat(depth)}${CALL}${')'.repeat(depth)}}`),
  fc.integer({ min: 1, max: 3000 }).map((count) => `async function g(m){${`${CALL};`.repeat(count)}}`),
  fc
    .integer({ min: 1, max: 4000 })
    .map((count) => Array.from({ length: count }, (_, i) => `async function h${i}(m){${CALL}}`).join('')),
  fc.integer({ min: 1, max: 500_000 }).map((length) => `/*${'x'.repeat(length)}*/`),
  fc.constantFrom('\0', '\u0001\u0002\0ELF', '\uFFFD\uFEFF', '{', '((', '`${', '/*', '"'),
);

const OPTIONS: AnalyzeOptions = { maxParseMs: 2000, maxAnalysisMs: 500, maxFileSize: 4_000_000 };
/** Parse cap + analysis cap + what lies outside both (prefilter, items, facts) on a loaded 2-core machine. */
const BOUND_MS = 2000 + 500 + 2500;

describe('hostile input, as a property', () => {
  it('every analysis finishes within its budgets or says the file is not analysed', async () => {
    const analyzer = testAnalyzer();
    await analyzer.warmUp('typescript');
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.boolean(), async (pieces, lines) => {
        const text = HEADER + pieces.join(lines ? '\n' : '');
        const started = performance.now();
        const outcome = await analyzer.analyze(text, 'typescript', OPTIONS).then(
          (findings) => findings,
          (error: unknown) => error,
        );
        const ms = performance.now() - started;
        if (!Array.isArray(outcome)) {
          assert.ok(outcome instanceof NotAnalysedError, `not a not-analysed error: ${String(outcome)}`);
          assert.match(outcome.message, /^file not analysed: /);
        }
        assert.ok(ms < BOUND_MS, `${text.length} characters took ${ms.toFixed(0)} ms`);
      }),
      { numRuns: 25, seed: Number(process.env.DBUS_LINT_SEED ?? 16) },
    );
  });
});
