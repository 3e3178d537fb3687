// web-tree-sitter's Node.parent descends from the root on every call: a walk up d levels through it costs
// d² (10 s for a call inside 20,000 parentheses). The core walks up only through parentOf (core/src/syntax.ts).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

it('the core reads no Node.parent outside parentOf', () => {
  // syntax.ts holds parentOf, which calls Node.parent for the first steps of a walk.
  const offenders = sources(join(REPO_ROOT, 'core', 'src'))
    .filter((file) => !file.endsWith(join('core', 'src', 'syntax.ts')))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          // Comments may name it; code may not.
          /\.parent\b/.test(line.replace(/\/\/.*$|^\s*\*.*$/, ''))
            ? [`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`]
            : [],
        ),
    );
  assert.deepEqual(offenders, []);
});
