import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { requireWithCodeCache } from '../../client/src/codeCache';

/** A CommonJS module that uses what require() gives a module: require, module, __dirname. */
function writeModule(dir: string, answer: number): string {
  const file = join(dir, 'bundle.js');
  writeFileSync(
    file,
    `const { basename } = require('node:path');\nmodule.exports = { answer: ${answer}, dir: basename(__dirname), square(x) { return x * x; } };\n`,
  );
  return file;
}

describe('requireWithCodeCache', () => {
  it('loads a CommonJS file, stores its cache, and uses it on the next load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-code-cache-'));
    const cacheDir = join(dir, 'storage', 'not-yet-created');
    const file = writeModule(dir, 42);

    const first = requireWithCodeCache<{ answer: number; dir: string; square(x: number): number }>(file, cacheDir);
    assert.equal(first.cacheUsed, false);
    assert.equal(first.exports.answer, 42);
    assert.equal(first.exports.dir, dir.split('/').pop());
    assert.equal(first.exports.square(7), 49);
    first.saveCache();
    assert.equal(readdirSync(cacheDir).filter((name) => name.endsWith('.v8cache')).length, 1);

    const second = requireWithCodeCache<{ answer: number; square(x: number): number }>(file, cacheDir);
    assert.equal(second.cacheUsed, true);
    assert.equal(second.exports.answer, 42);
    assert.equal(second.exports.square(8), 64);
  });

  it('never applies the cache of one build to another of the same length, and drops the old cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-code-cache-'));
    const cacheDir = join(dir, 'storage');
    requireWithCodeCache(writeModule(dir, 11), cacheDir).saveCache();
    const before = readdirSync(cacheDir);

    // Same length as the first build, different content: V8 alone would accept the old cache.
    const rebuilt = requireWithCodeCache<{ answer: number }>(writeModule(dir, 22), cacheDir);
    assert.equal(rebuilt.cacheUsed, false);
    assert.equal(rebuilt.exports.answer, 22);
    rebuilt.saveCache();
    const after = readdirSync(cacheDir);
    assert.equal(after.length, 1, `one cache left: ${after.join(', ')}`);
    assert.notDeepEqual(after, before);
  });
});
