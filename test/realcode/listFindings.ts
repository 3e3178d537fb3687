// Prints every finding on the real-code corpus with its label (if any), for reading a sweep change:
//   node --import tsx test/realcode/listFindings.ts [package-name …]
// Each line: package file:line rule [label id and expectation | UNLABELLED] message.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { languageForPath } from '../../core/src/index';
import { runCheck } from '../../cli/src/check';
import { REPO_ROOT } from '../support/analyzer';

const expectations = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'realcode', 'expectations.json'), 'utf8'));
const CORPUS = process.env.DBUS_LINT_REALCODE_DIR ?? join(homedir(), '.cache', 'dbus-lint', 'realcode');
const wanted = process.argv.slice(2);

/** Source files of a package and its declaration files, without nested packages: what realcode.test.ts scans. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '.git' ? [] : files(path);
    return languageForPath(path) ? [path] : [];
  });
}

async function main(): Promise<void> {
  for (const pkg of expectations.packages) {
    if (wanted.length && !wanted.includes(pkg.name)) continue;
    const root = pkg.source === 'npm' ? join(CORPUS, 'npm', pkg.root) : join('/usr/share/cargo/registry', pkg.root);
    // The package's files checked together, as the suite does: summaries of imported files apply.
    const result = await runCheck(files(root), { analyze: {}, grammarDir: join(REPO_ROOT, 'grammars'), jobs: 1 }, root);
    for (const checked of result.files) {
      if (/\.d\.[mc]?ts$/.test(checked.path)) continue;
      for (const f of checked.findings.filter((x) => !x.kind && !x.suppression)) {
        const file = relative(root, join(root, checked.path));
        const line = f.range.start.line + 1;
        const label = expectations.labels.find(
          (l: { package: string; file: string; line: number; rule: string }) =>
            l.package === pkg.name && l.file === file && l.line === line && l.rule === f.ruleId,
        );
        console.log(
          `${pkg.name} ${file}:${line} ${f.ruleId} [${label ? `${label.id} ${label.expect}` : 'UNLABELLED'}] ${f.message.slice(0, 160)}`,
        );
      }
    }
  }
}

void main();
