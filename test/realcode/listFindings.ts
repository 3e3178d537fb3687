// Prints every finding on the real-code corpus with its label (if any), for reading a sweep change:
//   node --import tsx test/realcode/listFindings.ts [package-name …]
// Each line: package file:line rule [label id and expectation | UNLABELLED] message.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { languageForPath, type LanguageId } from '../../core/src/index';
import { ProjectManifests } from '../../host/src/index';
import { REPO_ROOT, testAnalyzer } from '../support/analyzer';

const expectations = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'realcode', 'expectations.json'), 'utf8'));
const CORPUS = process.env.DBUS_LINT_REALCODE_DIR ?? join(homedir(), '.cache', 'dbus-lint', 'realcode');
const wanted = process.argv.slice(2);
const manifests = new ProjectManifests();

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '.git' ? [] : files(path);
    return languageForPath(path) && !path.endsWith('.d.ts') ? [path] : [];
  });
}

async function main(): Promise<void> {
  for (const pkg of expectations.packages) {
    if (wanted.length && !wanted.includes(pkg.name)) continue;
    const root = pkg.source === 'npm' ? join(CORPUS, 'npm', pkg.root) : join('/usr/share/cargo/registry', pkg.root);
    for (const path of files(root)) {
      const language = languageForPath(path) as LanguageId;
      const findings = await testAnalyzer()
        .analyze(readFileSync(path, 'utf8'), language, {
          project: process.env.NO_PROJECT ? undefined : manifests.forFile(path, language),
        })
        .catch(() => []);
      for (const f of findings.filter((x) => !x.kind && !x.suppression)) {
        const file = relative(root, path);
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
