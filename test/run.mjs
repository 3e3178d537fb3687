// Runs the test suites with node's test runner. `npm test` runs all; `npm test -- unit lsp` runs some.
// Suites are the folders under test/ (unit, lsp, cli, bus, e2e, ...); fixtures are data, not tests.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('.', import.meta.url).pathname;
const wanted = process.argv.slice(2);

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') out.push(...testFiles(path));
    } else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const suites = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory() && name !== 'fixtures');
const unknown = wanted.filter((name) => !suites.includes(name));
if (unknown.length) {
  console.error(`unknown test suite(s): ${unknown.join(', ')}; suites: ${suites.join(', ')}`);
  process.exit(2);
}
const files = (wanted.length ? wanted : suites).flatMap((suite) => testFiles(join(root, suite)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(2);
}
// Suites share machine resources (buses, code-server ports); files run one at a time, tests inside may overlap.
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
