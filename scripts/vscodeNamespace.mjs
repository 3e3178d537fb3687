// An esbuild plugin for the extension's bundles: `require('vscode')` inside them yields one object marked as
// an ES module namespace, whose prototype is the extension host's API object.
//
// vscode-languageclient is TypeScript compiled to CommonJS: each of its modules that does
// `import * as code from 'vscode'` runs TS's __importStar, which copies every property of a module not marked
// `__esModule` into a new object, one Object.defineProperty getter at a time. Sixteen modules do, over an API
// of several hundred names, at every activation. Marked, __importStar hands the object back as it is.
// Reads go through the prototype to the real API, so nothing else changes.
const NAMESPACE = 'vscode-namespace';

export const vscodeNamespace = {
  name: 'vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      // The shim's own require is the real module, left to the extension host.
      args.namespace === NAMESPACE ? { path: 'vscode', external: true } : { path: 'vscode', namespace: NAMESPACE },
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, () => ({
      contents: "module.exports = Object.create(require('vscode'), { __esModule: { value: true } });\n",
      loader: 'js',
    }));
  },
};
