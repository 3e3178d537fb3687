// The literal prefilter skips text where a pattern cannot match; a wrong literal would silently lose findings.
// Checked two ways: what it reads from hand-made patterns, and, for every pattern the core exports, that each
// match found in the fixtures and the benchmark corpus passes the prefilter.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import * as libraries from '../../core/src/libraries/index';
import * as dbusNative from '../../core/src/libraries/dbus-native';
import * as dbusNext from '../../core/src/libraries/dbus-next';
import * as rawSocket from '../../core/src/libraries/raw-socket';
import * as zbus from '../../core/src/libraries/zbus';
import * as pendingPromise from '../../core/src/rules/timeouts/pending-promise';
import { literalPrefilter, quickTest, requiredLiterals } from '../../core/src/regexLiterals';
import { benchFile } from '../../bench/corpus';
import { loadFixtures } from '../support/fixtures';

const read = (pattern: RegExp) => requiredLiterals(pattern)?.literals;

describe('regex literals', () => {
  it('reads the literal runs a pattern cannot match without', () => {
    assert.deepEqual(read(/\b([A-Za-z_$][\w$]*)\s*:\s*(?:[\w$]+\.)?ClientInterface\b/), ['ClientInterface']);
    assert.deepEqual(read(/(?<![\w$.])(?<!\b(?:const|let|var)\s+)(\w+)\s*=\s*iface\s*(?:;|$)/), ['iface']);
    assert.deepEqual(read(/\.getInterface\s*\(/), ['.getInterface']);
    // A group's alternatives: any one of them.
    assert.deepEqual(read(/x(?:hello|world)y/), ['hello', 'world']);
    assert.deepEqual(read(/foo\d+|bar\s+baz/), ['foo', 'bar']);
  });

  it('does not take what a match may lack', () => {
    // An optional group or character, a repeated one, a lookaround: none of it is required text.
    assert.deepEqual(read(/a(?:foo|bar)?bazz/), ['bazz']);
    assert.deepEqual(read(/abcd?e/), ['abc']);
    assert.deepEqual(read(/abc+de/), ['abc']);
    assert.deepEqual(read(/(?=lookahead)word/), ['word']);
    assert.deepEqual(read(/(?<!never)word/), ['word']);
    assert.deepEqual(read(/abcd{0,3}/), ['abc']);
    // An alternative with no literal of its own spoils the whole pattern.
    assert.equal(read(/serial|\w+\(/), undefined);
    // Escapes that stand for classes or code points are no literal text.
    assert.deepEqual(read(/\u0041BCD/), ['BCD']);
    assert.deepEqual(read(/\x41yz\d\w\sabc/), ['abc']);
    assert.equal(read(/\bab\b/), undefined);
    // Unbalanced or unknown syntax: no prefilter rather than a wrong one.
    assert.equal(read(/(?<n>x)\k<n>/), undefined);
  });

  it('compares an /i pattern case-insensitively', () => {
    const test = literalPrefilter(/reply_?serial/i)!;
    assert.equal(test('if (m.REPLYSERIAL)'), true);
    assert.equal(test('if (m.reply)'), false);
    assert.equal(quickTest(/reply_?serial\s*===/i, 'a.Reply_Serial === b'), true);
  });

  it('lets every match of the core patterns through, in the fixtures and the benchmark corpus', () => {
    const patterns = [libraries, dbusNative, dbusNext, rawSocket, zbus, pendingPromise]
      .flatMap((module) => Object.values(module))
      .filter((value): value is RegExp => value instanceof RegExp);
    assert.ok(patterns.length > 15, `only ${patterns.length} patterns found`);
    const texts = [...loadFixtures().map((f) => f.text), benchFile('rust'), benchFile('typescript')];
    let checked = 0;
    let filtered = 0;
    for (const pattern of patterns) {
      const mayMatch = literalPrefilter(pattern);
      if (!mayMatch) continue;
      filtered++;
      const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
      for (const text of texts)
        for (const m of text.matchAll(global)) {
          checked++;
          assert.ok(mayMatch(m[0]), `/${pattern.source}/${pattern.flags} matched ${JSON.stringify(m[0])}`);
        }
    }
    assert.ok(filtered > 5 && checked > 100, `${filtered} patterns with a prefilter, ${checked} matches checked`);
  });
});
