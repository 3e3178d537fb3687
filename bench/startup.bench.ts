// Cold start of the language server to its first diagnostics, next to the bare start of `node -e 0`
// measured in the same run (the floor any Node-based server pays).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../test/support/analyzer';
import { LspTestClient } from '../test/support/lspClient';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const file = join(REPO_ROOT, 'examples', 'rust', 'src', 'main.rs');
const text = readFileSync(file, 'utf8');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function serverToFirstDiagnostics(): Promise<number> {
  const started = performance.now();
  const client = new LspTestClient();
  await client.initialize(null);
  const uri = pathToFileURL(file).href;
  await client.open(uri, 'rust', text);
  await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
  const elapsed = performance.now() - started;
  await client.shutdown();
  return elapsed;
}

function bareNode(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const server: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(bareNode());
    server.push(await serverToFirstDiagnostics());
  }
  const s = median(server);
  const n = median(node);
  console.log(`server cold start to first diagnostics: median ${s.toFixed(0)} ms over ${RUNS} runs`);
  console.log(`node -e 0:                              median ${n.toFixed(0)} ms`);
  console.log(`ratio server / bare node start:         ${(s / n).toFixed(2)}x   (load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`);
}

void main();
