// The package graph: one folder per part, imports in one direction only (README, "Layout"). tsc -b enforces
// the project references; this test also states the table, checks third-party imports (vscode only in the
// extension, the parser only in the core, nothing of Node's in the pure packages) and that a package is
// entered only through its public entries.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';

const PACKAGES = ['core', 'wire', 'protocol', 'host', 'replay', 'server', 'cli', 'client'] as const;
type Package = (typeof PACKAGES)[number];

/** Which packages each package may import. */
const ALLOWED: Record<Package, readonly Package[]> = {
  core: [],
  wire: [],
  protocol: ['core'],
  host: ['core'],
  replay: ['core', 'wire'],
  server: ['core', 'protocol', 'host'],
  cli: ['core', 'wire', 'replay', 'host'],
  client: ['protocol', 'replay'],
};

/** A package's public entries (relative to its folder): its index, and for the core the registry alone, which
 * hosts that show rule metadata (the replay view) import without pulling in the parser. */
const PUBLIC: Record<Package, readonly string[]> = {
  core: ['src/index.ts', 'src/rules/registry.ts'],
  wire: ['src/index.ts'],
  protocol: ['src/index.ts'],
  host: ['src/index.ts'],
  replay: ['src/index.ts'],
  server: [],
  cli: [],
  client: [],
};

/** Third-party packages and who may use them; Node's built-ins are allowed everywhere but in the pure packages. */
const THIRD_PARTY: Record<string, readonly Package[]> = {
  vscode: ['client'],
  'vscode-languageclient': ['client'],
  'vscode-languageserver': ['server'],
  'vscode-languageserver-textdocument': ['server'],
  'web-tree-sitter': ['core'],
};
const PURE: readonly Package[] = ['core', 'protocol'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const SPECIFIER =
  /(?:^|\s)(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm;

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
}

function resolveModule(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  return base.endsWith('.ts') ? base : `${base}.ts`;
}

function packageOf(path: string): Package | undefined {
  const top = relative(REPO_ROOT, path).split(sep)[0];
  return (PACKAGES as readonly string[]).includes(top) ? (top as Package) : undefined;
}

describe('package layout', () => {
  const violations: string[] = [];
  for (const pkg of PACKAGES) {
    for (const file of sources(join(REPO_ROOT, pkg, 'src'))) {
      const where = relative(REPO_ROOT, file);
      for (const specifier of imports(file)) {
        if (specifier.startsWith('.')) {
          const target = resolveModule(file, specifier);
          const targetPackage = packageOf(target);
          if (!targetPackage) violations.push(`${where}: imports ${specifier}, outside every package`);
          else if (targetPackage !== pkg) {
            if (!ALLOWED[pkg].includes(targetPackage))
              violations.push(`${where}: ${pkg} must not import ${targetPackage} (${specifier})`);
            const entry = relative(join(REPO_ROOT, targetPackage), target).split(sep).join('/');
            if (!PUBLIC[targetPackage].includes(entry))
              violations.push(
                `${where}: imports ${targetPackage}/${entry}, not one of its public entries (${PUBLIC[targetPackage].join(', ') || 'none'})`,
              );
          }
        } else {
          const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
          const builtin = name.startsWith('node:');
          if (builtin && PURE.includes(pkg))
            violations.push(`${where}: ${pkg} is pure and must not import ${specifier}`);
          const users = THIRD_PARTY[name];
          if (users && !users.includes(pkg)) violations.push(`${where}: only ${users.join(', ')} may import ${name}`);
        }
      }
    }
  }

  it('every import runs with the direction of the package graph', () => {
    assert.deepEqual(violations, []);
  });

  it('the check sees a violation (a client file importing the core is reported)', () => {
    const fake = join(REPO_ROOT, 'client', 'src', 'fake.ts');
    const target = resolveModule(fake, '../../core/src/analyze');
    assert.equal(packageOf(target), 'core');
    assert.ok(!ALLOWED.client.includes('core'));
    assert.ok(!PUBLIC.core.includes(relative(join(REPO_ROOT, 'core'), target)));
  });

  it('tsc project references match the table', () => {
    for (const pkg of PACKAGES) {
      const config = JSON.parse(readFileSync(join(REPO_ROOT, pkg, 'tsconfig.json'), 'utf8')) as {
        references?: { path: string }[];
      };
      const referenced = (config.references ?? []).map((ref) => ref.path.replace(/^\.\.\//, '')).sort();
      assert.deepEqual(referenced, [...ALLOWED[pkg]].sort(), `${pkg}/tsconfig.json references`);
    }
  });
});
