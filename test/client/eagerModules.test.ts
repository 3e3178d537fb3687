import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runInNewContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../support/analyzer';

type Rewrite = (source: string) => { code: string; rewritten: number; skipped: number };

async function rewriter(): Promise<Rewrite> {
  const module = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'eagerModules.mjs')).href)) as {
    eagerModuleFactories: Rewrite;
  };
  return module.eagerModuleFactories;
}

/**
 * A bundle of four CommonJS modules, one of which reads `this` and one `arguments` at its top level (the
 * module wrapper's), bundled by esbuild as the extension's client is.
 */
function bundle(minify: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-eager-'));
  writeFileSync(join(dir, 'a.js'), 'exports.twice = (x) => 2 * x;\n');
  writeFileSync(
    join(dir, 'b.js'),
    'const a = require("./a");\nclass B { constructor() { this.v = a.twice(21); } }\nmodule.exports = { b: new B().v };\n',
  );
  writeFileSync(join(dir, 'c.js'), 'var self = this;\nexports.same = self === exports;\n');
  writeFileSync(join(dir, 'd.js'), 'exports.args = typeof arguments;\n');
  writeFileSync(
    join(dir, 'entry.js'),
    'module.exports = { b: require("./b").b, same: require("./c").same, args: require("./d").args };\n',
  );
  const result = esbuild.buildSync({
    entryPoints: [join(dir, 'entry.js')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify,
    write: false,
  });
  return result.outputFiles[0].text;
}

function run(code: string): unknown {
  const module = { exports: {} as unknown };
  runInNewContext(code, { module, exports: module.exports, require });
  // Plain data of this context: the other context's Object.prototype is another object.
  return JSON.parse(JSON.stringify(module.exports)) as unknown;
}

describe('eagerModuleFactories (production bundles)', () => {
  it('wraps the module factories of a minified esbuild bundle in parenthesised functions; the bundle behaves the same', async () => {
    const eager = await rewriter();
    const source = bundle(true);
    const { code, rewritten, skipped } = eager(source);
    // a, b and c become functions (esbuild already turned c's `this` into `exports`); d reads `arguments`,
    // which in esbuild's arrow is the bundle's, so it stays an arrow.
    assert.equal(rewritten, 3);
    assert.equal(skipped, 1);
    assert.match(code, /\(\(function\(/);
    assert.deepEqual(run(code), run(source));
    // Running it over its own output changes nothing.
    assert.equal(eager(code).code, code);
  });

  it('keeps an arrow whose body uses this, super or new.target, and leaves unknown call shapes alone', async () => {
    const eager = await rewriter();
    const helper = 'var s=(i,e)=>()=>(e||i((e={exports:{}}).exports,e),e.exports);';
    for (const body of ['r.self=this', 'r.f=()=>this', 'r.c=class extends (this.Base){}', 'r.t=new.target']) {
      assert.deepEqual(eager(`${helper}var a=s(r=>{${body}});`).rewritten, 0, body);
    }
    // `this` inside a function or a class member is the function's own.
    const own = eager(`${helper}var a=s(r=>{r.f=function(){return this};r.C=class{m(){return this}}});`);
    assert.equal(own.rewritten, 1);
    // Not esbuild's helper: untouched.
    assert.equal(eager('var q=(i)=>i;var a=q(r=>{r.x=1});').rewritten, 0);
  });

  it('leaves a readable (unminified) bundle as it is: its factories are methods, and it is never rewritten', async () => {
    const eager = await rewriter();
    const source = bundle(false);
    assert.equal(eager(source).code, source);
  });
});
