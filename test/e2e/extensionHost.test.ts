// The extension loaded from source (no .vsix) into code-server's real extension host, with API-level checks
// running inside that host (./extension-host/inHost.ts) through the workbench payload
// extensionDevelopmentPath + extensionTestsPath. The checks report through a JSON file.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/analyzer';
import { syntaxError } from '../support/edits';
import type { CheckResult } from './extension-host/inHost';
import { progress } from './support/artifacts';
import { editorSuite } from './support/editorSuite';
import { FIX_ON_SAVE_FILE } from './support/fixtures';
import { waitForFile } from './support/files';
import { bundleForExtensionHost } from './support/hostBundle';

const scratch = mkdtempSync(join(tmpdir(), 'dbus-lint-inhost-'));
const resultFile = join(scratch, 'result.json');
const remote = (path: string) => `vscode-remote://remote${path}`;
/** Bound for each wait inside the extension host; checks stop at the first failure. */
const IN_HOST_WAIT_MS = 20_000;

editorSuite(
  'extension host',
  {
    installVsix: false,
    trust: 'disabled',
    env: { DBUS_LINT_E2E_RESULT: resultFile, DBUS_LINT_E2E_WAIT_MS: String(IN_HOST_WAIT_MS) },
    screenshotWhenReady: false,
    async payload() {
      // The extension under development is the repo itself: its dist/ must be current.
      execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
      const suite = join(scratch, 'inHost.js');
      await bundleForExtensionHost(join(__dirname, 'extension-host', 'inHost.ts'), suite);
      return [
        ['extensionDevelopmentPath', remote(REPO_ROOT)],
        ['extensionTestsPath', remote(suite)],
      ];
    },
  },
  (step) => {
    step(
      'in-host API checks: activation, diagnostics, code actions, commands, settings re-analyse, restart, fix all on save, the config schema',
      async ({ server }) => {
        // The checks stop at the first failure: all passing at most takes a few seconds each, one failing at most
        // IN_HOST_WAIT_MS more; extension-host startup comes on top.
        await waitForFile(resultFile, 90_000 + IN_HOST_WAIT_MS);
        const results = JSON.parse(readFileSync(resultFile, 'utf8')) as CheckResult[];
        for (const result of results)
          progress(`  in host: ${result.outcome.padEnd(7)} ${result.name} (${result.ms} ms)`);
        const failures = results.filter((result) => result.outcome !== 'ok');
        assert.deepEqual(failures, [], failures.map((f) => `${f.name}:\n${f.error}`).join('\n\n'));
        assert.ok(results.length >= 10, `all checks ran (${results.length})`);
        // Fixed on save by the server's source.fixAll.dbusLint action: the file on disk still parses.
        const fixed = readFileSync(join(server.workspace, FIX_ON_SAVE_FILE), 'utf8');
        assert.equal(await syntaxError(fixed, 'typescript'), undefined, fixed);
      },
    );
  },
);
