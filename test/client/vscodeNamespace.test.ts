import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { REPO_ROOT } from '../support/analyzer';

async function plugin(): Promise<esbuild.Plugin> {
  const module = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'vscodeNamespace.mjs')).href)) as {
    vscodeNamespace: esbuild.Plugin;
  };
  return module.vscodeNamespace;
}

/** TS's CommonJS `import * as code from 'vscode'` (what vscode-languageclient ships), and esbuild's own. */
const TS_IMPORT_STAR = `"use strict";
var __importStar = function (mod) {
  if (mod && mod.__esModule) return mod;
  var result = {};
  for (var k of Object.getOwnPropertyNames(mod)) Object.defineProperty(result, k, { enumerable: true, get: function () { return mod[k]; } });
  result.default = mod;
  return result;
};
const code = __importStar(require("vscode"));
exports.viaTs = code;
`;

describe('vscodeNamespace (extension bundles)', () => {
  it('gives every importer one object marked as a namespace, reading through to the real API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-vscode-ns-'));
    writeFileSync(join(dir, 'client-lib.js'), TS_IMPORT_STAR);
    writeFileSync(
      join(dir, 'entry.ts'),
      'import * as vscode from "vscode";\nconst lib = require("./client-lib");\nmodule.exports = { viaEsbuild: vscode, viaTs: lib.viaTs };\n',
    );
    const result = await esbuild.build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      plugins: [await plugin()],
    });
    const code = result.outputFiles[0]?.text ?? '';
    // The real module is required once, by the shim, and left to the host.
    assert.equal(code.match(/require\("vscode"\)/g)?.length, 1);

    class Range {}
    const api = { version: '1.100.0', window: { name: 'window' }, Range };
    let loads = 0;
    const fakeRequire = (name: string) => {
      if (name !== 'vscode') throw new Error(`unexpected require of ${name}`);
      loads++;
      return api;
    };
    const module = { exports: {} as { viaEsbuild: typeof api; viaTs: typeof api & { __esModule?: boolean } } };
    // The bundle's text run as Node's CommonJS loader runs a module: the point of the test is that exact code.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    (new Function('require', 'module', 'exports', code) as (...args: unknown[]) => void)(
      fakeRequire,
      module,
      module.exports,
    );
    const { viaEsbuild, viaTs } = module.exports;
    assert.equal(loads, 1);
    // __importStar handed the object back instead of copying it: no own copies of the API's names.
    assert.equal(viaTs.__esModule, true);
    assert.deepEqual(Object.keys(viaTs), []);
    assert.equal(Object.getPrototypeOf(viaTs), api);
    for (const namespace of [viaTs, viaEsbuild]) {
      assert.equal(namespace.window, api.window);
      assert.equal(namespace.Range, Range);
      assert.ok(new namespace.Range() instanceof Range);
      assert.equal(namespace.version, '1.100.0');
    }
  });
});
