// Extension activation in a real VS Code (code-server 4.100.3, the e2e suite's editor): the packaged .vsix
// and, as the anchor, a trivial extension that does nothing, packaged and installed the same way. Each run
// opens a new workbench window, so a fresh extension host; ./activation/inHost.ts times `activate()` of
// both there (bundle load included), alternating which goes first. No code-server, no figure: exit 2.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EXTENSION_ID } from '../test/e2e/support/fixtures';
import { codeServerBinary, packagedVsix, startCodeServer, type CodeServer } from '../test/e2e/support/codeServer';
import { waitForFile } from '../test/e2e/support/files';
import type { Page } from 'playwright-core';
import { Workbench } from '../test/e2e/support/workbench';
import { REPO_ROOT } from '../test/support/analyzer';
import type { ActivationRequest, ActivationResult } from './activation/inHost';
import { median, runIfMain, type BenchRow } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GOAL_MS = 50;
const TRIVIAL_ID = 'dbus-lint-bench.trivial';
/** Bound for one window: extension host start plus two activations, on a loaded 2-core machine. */
const RUN_TIMEOUT_MS = 120_000;
const remote = (path: string) => `vscode-remote://remote${path}`;

/** The anchor: an extension whose activate() does nothing, packaged with the same vsce as ours. */
function trivialVsix(dir: string): string {
  const root = join(dir, 'trivial');
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'trivial',
      publisher: 'dbus-lint-bench',
      version: '0.0.1',
      license: 'MIT',
      repository: { type: 'git', url: 'https://example.invalid/trivial.git' },
      engines: { vscode: '^1.91.0' },
      main: './dist/extension.js',
      activationEvents: ['onCommand:dbusLintBench.never'],
    }),
  );
  writeFileSync(join(root, 'dist', 'extension.js'), 'exports.activate = function () {};\n');
  writeFileSync(join(root, 'README.md'), 'The activation benchmark anchor: an extension that does nothing.\n');
  copyFileSync(join(REPO_ROOT, 'LICENSE'), join(root, 'LICENSE'));
  const out = join(dir, 'trivial.vsix');
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', out], { cwd: root, stdio: 'pipe' });
  return out;
}

/** extensionDevelopmentPath must name an extension; this one has no code, so it activates nothing. */
function driverExtension(dir: string): string {
  const root = join(dir, 'driver');
  mkdirSync(root);
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({ name: 'activation-driver', publisher: 'dbus-lint-bench', version: '0.0.1', engines: { vscode: '^1.91.0' } }),
  );
  return root;
}

async function inHostSuite(dir: string): Promise<string> {
  const outfile = join(dir, 'inHost.js');
  await build({
    entryPoints: [join(__dirname, 'activation', 'inHost.ts')],
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

/**
 * One window (a fresh extension host) that activates both extensions in `order`; its results. The first
 * window also starts Chromium; later ones are new pages of the same browser.
 */
async function activationRun(
  browser: Workbench | undefined,
  url: string,
  dir: string,
  request: ActivationRequest,
): Promise<{ browser: Workbench; results: ActivationResult[] }> {
  writeFileSync(join(dir, 'request.json'), JSON.stringify(request));
  let page: Page | undefined;
  if (browser) {
    page = await browser.page.context().newPage();
    await page.goto(url);
  } else {
    browser = await Workbench.open(url, dir);
    page = browser.page;
  }
  try {
    await waitForFile(request.result, RUN_TIMEOUT_MS);
  } finally {
    // The workbench closes the window itself once the payload settles; closing it again is harmless.
    await page.close().catch(() => undefined);
  }
  return { browser, results: JSON.parse(readFileSync(request.result, 'utf8')) as ActivationResult[] };
}

function productionSizes(): string {
  const kb = (file: string) => {
    try {
      return `${(statSync(join(REPO_ROOT, 'dist', file)).size / 1024).toFixed(0)} KB`;
    } catch {
      return 'absent';
    }
  };
  return `production dist/extension.js ${kb('extension.js')}, dist/replay.js ${kb('replay.js')}`;
}

export async function run(): Promise<BenchRow[]> {
  await codeServerBinary().catch((error: unknown) => {
    throw new Error(`code-server cannot be started, so there is no activation figure: ${String(error)}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-activation-'));
  let server: CodeServer | undefined;
  let browser: Workbench | undefined;
  const ours: number[] = [];
  const trivial: number[] = [];
  let sizes: string;
  try {
    const vsix = await packagedVsix();
    sizes = productionSizes();
    server = await startCodeServer({
      name: 'activation-bench',
      vsix: [vsix, trivialVsix(dir)],
      trust: 'disabled',
      env: { DBUS_LINT_BENCH_REQUEST: join(dir, 'request.json') },
    });
    const url = server.folderUrl([
      ['extensionDevelopmentPath', remote(driverExtension(dir))],
      ['extensionTestsPath', remote(await inHostSuite(dir))],
    ]);
    for (let i = 0; i < RUNS; i++) {
      const order = i % 2 === 0 ? [EXTENSION_ID, TRIVIAL_ID] : [TRIVIAL_ID, EXTENSION_ID];
      const run = await activationRun(browser, url, dir, { order, result: join(dir, `result-${i}.json`) });
      browser = run.browser;
      for (const result of run.results) {
        if (result.error) throw new Error(`run ${i}: ${result.error}`);
        (result.id === EXTENSION_ID ? ours : trivial).push(result.ms);
      }
    }
  } finally {
    await browser?.close();
    await server?.stop();
    // packagedVsix() left the production build in dist/; the test suites expect a development build.
    spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
  }
  const figure = median(ours);
  const anchor = median(trivial);
  const all = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  return [
    {
      target: 'extension activation',
      figure: `${figure.toFixed(1)} ms`,
      anchor: `trivial extension: ${anchor.toFixed(1)} ms`,
      ratio: figure / anchor,
      goal: `≤ ${GOAL_MS} ms`,
      met: figure <= GOAL_MS,
      note: `median of ${RUNS} fresh extension hosts in code-server 4.100.3, getExtension().activate() timed in the host, order alternating; ours [${all(ours)}] ms, trivial [${all(trivial)}] ms; ${sizes}`,
    },
  ];
}

runIfMain(module, run);
