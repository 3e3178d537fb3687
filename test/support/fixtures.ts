// Fixture files and their semgrep-style annotations: `// ruleid: <id>` on the line before an expected
// finding, `// ok: <id>` before code that must stay clean.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { languageForPath, type LanguageId, type RuleId } from '../../core/src/index';
import { REPO_ROOT } from './analyzer';

export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');

export interface Annotation {
  kind: 'ruleid' | 'ok';
  ruleId: RuleId;
  /** 0-based line the annotation is about: the next line that is not blank and not only a comment. */
  line: number;
}

export interface Fixture {
  /** Relative to the repository root, `/`-separated. */
  path: string;
  absolutePath: string;
  /** The rule folder the fixture lives in (test/fixtures/<rule>/<lang>/…). */
  folderRule: RuleId;
  language: LanguageId;
  text: string;
  annotations: Annotation[];
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

export function parseAnnotations(text: string): Annotation[] {
  const lines = text.split(/\r?\n/);
  const out: Annotation[] = [];
  lines.forEach((line, index) => {
    const match = /^\s*\/\/\s*(ruleid|ok):\s*([a-z-]+)\s*$/.exec(line);
    if (!match) return;
    let target = index + 1;
    while (target < lines.length && /^\s*(?:\/\/.*)?$/.test(lines[target] ?? '')) target++;
    out.push({ kind: match[1] as Annotation['kind'], ruleId: match[2] as RuleId, line: target });
  });
  return out;
}

export function loadFixtures(): Fixture[] {
  return walk(FIXTURES_DIR).flatMap((absolutePath) => {
    const language = languageForPath(absolutePath);
    if (!language) return [];
    const path = relative(REPO_ROOT, absolutePath).split('\\').join('/');
    const folderRule = path.split('/')[2] as RuleId;
    const text = readFileSync(absolutePath, 'utf8');
    return [{ path, absolutePath, folderRule, language, text, annotations: parseAnnotations(text) }];
  });
}

/** The rules a fixture's findings are checked for: its folder's rule and any rule it annotates. */
export function checkedRules(fixture: Fixture): Set<RuleId> {
  return new Set([fixture.folderRule, ...fixture.annotations.map((a) => a.ruleId)]);
}

/** Expected `rule:line` keys (1-based lines, sorted) for the checked rules. */
export function expectedKeys(fixture: Fixture): string[] {
  return fixture.annotations
    .filter((a) => a.kind === 'ruleid')
    .map((a) => `${a.ruleId}:${a.line + 1}`)
    .sort();
}

/** Actual `rule:line` keys from (ruleId, 0-based start line) pairs, restricted to the checked rules. */
export function actualKeys(fixture: Fixture, findings: { ruleId: string; line: number }[]): string[] {
  const rules = checkedRules(fixture);
  return findings
    .filter((f) => rules.has(f.ruleId as RuleId))
    .map((f) => `${f.ruleId}:${f.line + 1}`)
    .sort();
}
