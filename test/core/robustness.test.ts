// Every rule on truncated, syntactically broken and very large inputs: findings, none, or a typed not-analysed error; never a crash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NotAnalysedError } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';

const fixtures = loadFixtures();

describe('robustness', () => {
  it('survives every fixture truncated at 40 points', async () => {
    const analyzer = testAnalyzer();
    for (const fixture of fixtures) {
      for (let i = 0; i <= 40; i++) {
        const cut = Math.floor((fixture.text.length * i) / 40);
        const findings = await analyzer.analyze(fixture.text.slice(0, cut), fixture.language);
        assert.ok(Array.isArray(findings));
      }
    }
  });

  it('survives random deletions, duplications and junk in the fixtures', async () => {
    const analyzer = testAnalyzer();
    const junk = fc.constantFrom(
      '{',
      '}',
      '(',
      ')',
      '"',
      "'",
      '`',
      '/*',
      '*/',
      '//',
      '\0',
      'r#"',
      '=>',
      '::',
      '\uFEFF',
      '😀',
      '\r\n',
      'loop {',
      'await',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: fixtures.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), junk), { minLength: 1, maxLength: 6 }),
        async (index, edits) => {
          const fixture = fixtures[index];
          if (!fixture) return;
          let text = fixture.text;
          for (const [at, length, insert] of edits) {
            const start = at % (text.length + 1);
            text = text.slice(0, start) + insert + text.slice(start + length);
          }
          // A NUL near the start makes the text binary: the typed "not analysed" answer, not a crash.
          const findings = await analyzer.analyze(text, fixture.language).catch((error: unknown) => {
            if (error instanceof NotAnalysedError) return [];
            throw error;
          });
          for (const f of findings) assert.ok(f.message.length > 0 && f.range.start.line >= 0);
        },
      ),
      { numRuns: 150, seed: 20261127 },
    );
  });

  it('handles empty, whitespace-only and comment-only files', async () => {
    for (const language of ['rust', 'typescript', 'tsx', 'javascript'] as const) {
      for (const text of [
        '',
        '\n\n',
        '// dbus-lint-ignore-next-line call-without-timeout: x',
        'use zbus; // org.freedesktop.DBus',
      ]) {
        assert.ok(Array.isArray(await testAnalyzer().analyze(text, language)));
      }
    }
  });

  it('handles a very large file (a fixture repeated to ~1.5 MB) and finds every copy', async () => {
    const fixture = fixtures.find((f) => f.path.endsWith('single-read-receive/rust/nix_client.rs'));
    assert.ok(fixture);
    const one = (await testAnalyzer().analyze(fixture.text, 'rust')).filter(
      (f) => f.ruleId === 'single-read-receive',
    ).length;
    const copies = Math.ceil(1_500_000 / fixture.text.length);
    const big = Array.from({ length: copies }, (_, i) =>
      fixture.text.replace(/\bimpl DbusConnection\b/, `impl DbusConnection${i}`),
    ).join('\n');
    const findings = await testAnalyzer().analyze(big, 'rust');
    assert.equal(findings.filter((f) => f.ruleId === 'single-read-receive').length, one * copies);
  });

  it('handles deeply nested code without overflowing', async () => {
    const depth = 3000;
    const text = `use nix::sys::socket::recv; // org.freedesktop.DBus\nfn f() {${'{'.repeat(depth)} send(fd, b"AUTH", 0); recv(fd, &mut b, 0); ${'}'.repeat(depth)}}\n`;
    assert.ok(Array.isArray(await testAnalyzer().analyze(text, 'rust')));
    const ts = `import net from 'net'; // org.freedesktop.DBus\n${'('.repeat(depth)}socket.once('data', f)${')'.repeat(depth)};\n`;
    assert.ok(Array.isArray(await testAnalyzer().analyze(ts, 'typescript')));
  });
});
