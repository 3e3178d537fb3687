// Bundles the extension, the language server and the CLI (with its worker), and copies the grammar wasm into grammars/.
// Usage: node esbuild.mjs [--production] [--watch]
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { eagerModules } from './scripts/eagerModules.mjs';
import { vscodeNamespace } from './scripts/vscodeNamespace.mjs';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** The wasm files shipped in grammars/, and the npm package each one is copied from. */
const GRAMMAR_WASM = [
  ['web-tree-sitter', 'web-tree-sitter.wasm'],
  ['tree-sitter-rust', 'tree-sitter-rust.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
  ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
  ['tree-sitter-javascript', 'tree-sitter-javascript.wasm'],
];

function copyGrammars() {
  mkdirSync('grammars', { recursive: true });
  for (const [pkg, file] of GRAMMAR_WASM) {
    // One manifest, one hoisted node_modules: the package folder is where npm put it.
    const from = join('node_modules', pkg, file);
    copyFileSync(from, join('grammars', file));
  }
}

/**
 * The core is a pure library: importing any of its modules runs nothing but declarations. Saying so lets esbuild
 * drop what a bundle does not use, web-tree-sitter included (a CommonJS module esbuild must otherwise keep):
 * the language server's main thread needs the rule metadata, not the parser, and loads 185 KB less at start.
 */
const pureCore = {
  name: 'pure-core',
  setup(build) {
    build.onResolve({ filter: /core\/src|^web-tree-sitter$/ }, async (args) => {
      if (args.pluginData?.pureCore) return undefined;
      const { resolveDir, kind, importer } = args;
      const resolved = await build.resolve(args.path, { resolveDir, kind, importer, pluginData: { pureCore: true } });
      return resolved.errors.length > 0 ? resolved : { ...resolved, sideEffects: false };
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CJS bundle: use its CJS build.
  // jsonc-parser's `main` is a UMD build whose requires esbuild cannot follow: bundle its ES module build.
  alias: {
    'web-tree-sitter': require.resolve('web-tree-sitter'),
    'jsonc-parser': join(dirname(require.resolve('jsonc-parser/package.json')), 'lib/esm/main.js'),
  },
  plugins: [pureCore],
  define: { DBUS_LINT_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
};

const builds = [
  // dist/extension.js loads dist/client.js through V8's code cache, and dist/client.js loads dist/replay.js
  // on the replay command's first use: activation compiles and runs as little as it can.
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Its module bodies compile eagerly in production (./scripts/eagerModules.mjs): activation runs nearly all.
  {
    ...common,
    entryPoints: ['client/src/client.ts'],
    outfile: 'dist/client.js',
    external: ['vscode'],
    plugins: production ? [pureCore, vscodeNamespace, eagerModules] : [pureCore, vscodeNamespace],
  },
  {
    ...common,
    entryPoints: ['client/src/commands/replayCall.ts'],
    outfile: 'dist/replay.js',
    external: ['vscode'],
    plugins: [pureCore, vscodeNamespace],
  },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // The CLI's worker threads (dbus-lint check --jobs): loaded by path from next to dist/cli.js.
  { ...common, entryPoints: ['cli/src/checkWorker.ts'], outfile: 'dist/checkWorker.js' },
  // The language server's analysis thread: loaded by path from next to dist/server.js.
  { ...common, entryPoints: ['server/src/worker/analysisWorker.ts'], outfile: 'dist/analysisWorker.js' },
  // The language server's workspace index thread (function summaries across files), next to dist/server.js.
  { ...common, entryPoints: ['server/src/worker/indexWorker.ts'], outfile: 'dist/indexWorker.js' },
];

copyGrammars();
if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
