// Extension activation in a real VS Code (code-server 4.100.3, the e2e suite's editor): the packaged .vsix
// and, as the anchor, a trivial extension that does nothing, packaged and installed the same way. Each run
// opens a new workbench window, so a fresh extension host; ./activation/inHost.ts times `activate()` of
// both there (bundle load included), alternating which goes first, with and without our code cache.
// No code-server, no figure: exit 2.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID } from '../test/e2e/support/fixtures';
import { codeServerBinary, packagedVsix, startCodeServer, type CodeServer } from '../test/e2e/support/codeServer';
import { waitForFile } from '../test/e2e/support/files';
import { bundleForExtensionHost } from '../test/e2e/support/hostBundle';
import type { Page } from 'playwright-core';
import { Workbench } from '../test/e2e/support/workbench';
import { REPO_ROOT } from '../test/support/analyzer';
import type { ActivationRequest, ActivationResult } from './activation/inHost';
import { median, runIfMain, type BenchRow } from './report';

/** Windows, half of them without the code cache. */
const RUNS = Number(process.env.BENCH_RUNS ?? 16);
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
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', out], {
    cwd: root,
    stdio: 'pipe',
  });
  return out;
}

/** extensionDevelopmentPath must name an extension; this one has no code, so it activates nothing. */
function driverExtension(dir: string): string {
  const root = join(dir, 'driver');
  mkdirSync(root);
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'activation-driver',
      publisher: 'dbus-lint-bench',
      version: '0.0.1',
      engines: { vscode: '^1.91.0' },
    }),
  );
  return root;
}

async function inHostSuite(dir: string): Promise<string> {
  return bundleForExtensionHost(join(__dirname, 'activation', 'inHost.ts'), join(dir, 'inHost.js'));
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
  return `production bundles: dist/extension.js ${kb('extension.js')}, dist/client.js ${kb('client.js')}, dist/replay.js ${kb('replay.js')}`;
}

export async function run(): Promise<BenchRow[]> {
  await codeServerBinary().catch((error: unknown) => {
    throw new Error(`code-server cannot be started, so there is no activation figure: ${String(error)}`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-activation-'));
  let server: CodeServer | undefined;
  let browser: Workbench | undefined;
  /** Activation times by extension and code cache state. */
  const times = {
    ours: { warm: [] as number[], cold: [] as number[] },
    trivial: { warm: [] as number[], cold: [] as number[] },
  };
  const cpu = {
    ours: { warm: [] as number[], cold: [] as number[] },
    trivial: { warm: [] as number[], cold: [] as number[] },
  };
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
    // Where the extension host keeps our globalStorageUri, and so the code cache.
    const cacheDir = join(server.runDir, 'data', 'User', 'globalStorage', EXTENSION_ID);
    for (let i = 0; i < RUNS; i++) {
      // Every other window starts without the code cache (as the first activation after an install or
      // update does); the order alternates every two windows so each cache state sees both orders.
      const cache = i % 2 === 0 ? 'cold' : 'warm';
      if (cache === 'cold') rmSync(cacheDir, { recursive: true, force: true });
      const order = Math.floor(i / 2) % 2 === 0 ? [EXTENSION_ID, TRIVIAL_ID] : [TRIVIAL_ID, EXTENSION_ID];
      const run = await activationRun(browser, url, dir, {
        order,
        result: join(dir, `result-${i}.json`),
        settleWhenCacheIn: cacheDir,
        profileDir: process.env.BENCH_PROFILE_DIR,
      });
      browser = run.browser;
      for (const result of run.results) {
        if (result.error) throw new Error(`run ${i}: ${result.error}`);
        times[result.id === EXTENSION_ID ? 'ours' : 'trivial'][cache].push(result.ms);
        cpu[result.id === EXTENSION_ID ? 'ours' : 'trivial'][cache].push(result.cpuMs);
      }
    }
  } finally {
    await browser?.close();
    await server?.stop();
    // packagedVsix() left the production build in dist/; the test suites expect a development build.
    spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO_ROOT });
  }
  const all = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
  const row = (cache: 'warm' | 'cold', target: string, what: string): BenchRow => {
    const figure = median(times.ours[cache]);
    const anchor = median(times.trivial[cache]);
    return {
      target,
      figure: `${figure.toFixed(1)} ms`,
      anchor: `trivial extension: ${anchor.toFixed(1)} ms`,
      ratio: figure / anchor,
      goal: `≤ ${GOAL_MS} ms`,
      met: figure <= GOAL_MS,
      note: `${what}; median of ${times.ours[cache].length} fresh extension hosts in code-server 4.100.3, getExtension().activate() timed in the host, order alternating, each after the host went quiet (20 timer ticks on time, 10 s at most); ours [${all(times.ours[cache])}] ms, trivial [${all(times.trivial[cache])}] ms; host CPU time during activate() median ours ${median(cpu.ours[cache]).toFixed(1)} ms, trivial ${median(cpu.trivial[cache]).toFixed(1)} ms`,
    };
  };
  return [
    row('warm', 'extension activation', `code cache in place (every activation after the first per install); ${sizes}`),
    row(
      'cold',
      'extension activation, no code cache',
      'the first activation after an install or update, which compiles dist/client.js from source',
    ),
  ];
}

runIfMain(module, run);
