// Neovim 0.7 (Debian's) as a second LSP client: the bundled server over --stdio, started by the init.lua
// block users copy from docs/neovim.md; the same fixtures as the code-server suites; diagnostics with rule
// codes, lines and the severity that block configures; an edit that fixes the call clears them.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/analyzer';
import { SERVER_NODE_ARGS } from '../../protocol/src/index';
import { suiteArtifacts } from './support/artifacts';
import { E2E_WORKSPACE } from './support/codeServer';
import { FLAGGED_RUST, FLAGGED_TS } from './support/fixtures';

const run = promisify(execFile);

interface Reported {
  line: number;
  col: number;
  code: string;
  source: string;
  /** vim.diagnostic.severity: 1 = ERROR. */
  severity: number;
  message: string;
}

/** The first ```lua block of docs/neovim.md: the setup users paste into init.lua. */
function documentedSetup(): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'neovim.md'), 'utf8');
  const block = doc.match(/```lua\n([\s\S]*?)```/);
  if (!block?.[1]) throw new Error('docs/neovim.md has no lua block');
  // The command starts the server as every editor does (protocol/src/launch.ts).
  for (const arg of SERVER_NODE_ARGS)
    if (!block[1].includes(`'${arg}'`)) throw new Error(`docs/neovim.md's cmd lacks the server's Node option ${arg}`);
  return block[1];
}
/** One line of check.lua's output: `KIND <json>`. */
interface Record {
  kind: 'FOUND' | 'ACTIONS' | 'EDITED' | 'CLIENT' | 'STOPPED' | 'FAIL';
  titles?: string[];
  path?: string;
  filetype?: string;
  diagnostics?: Reported[];
  cleared?: boolean;
  attached?: number;
  stopped?: boolean;
  message?: string;
}

describe('Neovim 0.7 as an LSP client', { timeout: 120_000 }, () => {
  const artifacts = suiteArtifacts('neovim');
  const findings = [FLAGGED_RUST, FLAGGED_TS];
  let records: Record[] = [];

  before(async () => {
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
    const scratch = mkdtempSync(join(tmpdir(), 'dbus-lint-nvim-'));
    const plan = join(scratch, 'plan.json');
    const config = join(scratch, 'init.lua');
    writeFileSync(config, documentedSetup());
    writeFileSync(
      plan,
      JSON.stringify({
        config,
        timeoutMs: 15_000,
        files: findings.map((f) => ({ path: join(E2E_WORKSPACE, f.file), line: f.line, fixedLine: f.fixedLine })),
      }),
    );
    // -u NONE: no user config; -i NONE: no shada; -n: no swap files (the buffers are edited, never written).
    const args = [
      '--headless',
      '-u',
      'NONE',
      '-i',
      'NONE',
      '-n',
      '-c',
      `luafile ${join(__dirname, 'neovim', 'check.lua')}`,
    ];
    const env = { ...process.env, DBUS_LINT_NVIM_PLAN: plan, DBUS_LINT_SERVER: join(REPO_ROOT, 'dist', 'server.js') };
    const result = await run('nvim', args, { cwd: E2E_WORKSPACE, env, timeout: 90_000 }).catch(
      (error: { stdout?: string; stderr?: string; message: string }) => error,
    );
    const stdout = result.stdout ?? '';
    writeFileSync(join(artifacts, 'nvim-output.log'), `${stdout}\n--- stderr ---\n${result.stderr ?? ''}`);
    records = stdout
      .split('\n')
      .filter((line) => /^[A-Z]+ /.test(line))
      .map((line) => {
        const space = line.indexOf(' ');
        const value = JSON.parse(line.slice(space + 1)) as unknown;
        return { ...(value as object), kind: line.slice(0, space) } as Record;
      });
    const failure = records.find((r) => r.kind === 'FAIL');
    assert.equal(failure, undefined, `check.lua failed: ${JSON.stringify(failure)}; output in ${artifacts}`);
    assert.ok(
      records.some((r) => r.kind === 'STOPPED'),
      `check.lua did not finish (${'message' in result ? result.message : ''}); output in ${artifacts}`,
    );
  });

  for (const finding of findings) {
    it(`${finding.file}: ${finding.code} on line ${finding.line}, as an error per the documented setting`, () => {
      const found = records.find((r) => r.kind === 'FOUND' && r.path?.endsWith(finding.file));
      assert.ok(found, `diagnostics reported for ${finding.file}`);
      assert.deepEqual(
        found.diagnostics?.map((d) => [d.source, d.code, d.line, d.severity]),
        [['dbus-lint', finding.code, finding.line, 1]],
      );
    });

    it(`${finding.file}: code actions include the suppression and the docs`, () => {
      const titles = records.find((r) => r.kind === 'ACTIONS' && r.path?.endsWith(finding.file))?.titles ?? [];
      assert.ok(titles.includes(`Suppress ${finding.code} on this line`), JSON.stringify(titles));
      assert.ok(titles.includes(`Show documentation for ${finding.code}`), JSON.stringify(titles));
    });

    it(`${finding.file}: fixing the call clears the diagnostic`, () => {
      const edited = records.find((r) => r.kind === 'EDITED' && r.path?.endsWith(finding.file));
      assert.ok(edited?.cleared, `diagnostics cleared after the edit: ${JSON.stringify(edited?.diagnostics)}`);
    });
  }

  it('one server served both buffers and stops when Neovim stops it', () => {
    assert.equal(records.find((r) => r.kind === 'CLIENT')?.attached, findings.length);
    assert.equal(records.find((r) => r.kind === 'STOPPED')?.stopped, true);
  });
});
