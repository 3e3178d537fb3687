import { build } from 'esbuild';

/**
 * Bundles a suite that runs inside VS Code's extension host (`extensionTestsPath`): CommonJS for the host's
 * Node 20, with `vscode` left for the host to provide.
 */
export async function bundleForExtensionHost(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  return outfile;
}
