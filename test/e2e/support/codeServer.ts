// code-server (VS Code 1.100.3 as a server + web workbench) in a throwaway run folder: fresh user data,
// extensions and workspace, bound to 127.0.0.1 on a port the kernel picks, no auth, no telemetry or updates.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/analyzer';
import { NAIVE_CLIENT } from './fixtures';
import { progress } from './artifacts';
import { startGroup, type ProcessGroup } from './processes';

const run = promisify(execFile);

export const E2E_WORKSPACE = join(REPO_ROOT, 'test', 'e2e', 'workspace');
/** The hand-written naive client of examples/, copied into each e2e workspace. */
export const NAIVE_CLIENT_SOURCE = join(REPO_ROOT, 'examples', 'ts', 'src', 'naiveClient.cjs');

let codeServerBin: Promise<string> | undefined;

/** The cached code-server binary; installs it on first use (about a minute, once per machine). */
export function codeServerBinary(): Promise<string> {
  codeServerBin ??= (async () => {
    const started = Date.now();
    const { stdout } = await run('bash', [join(REPO_ROOT, 'scripts', 'install-code-server.sh')], {
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const bin = stdout.trim().split('\n').pop() ?? '';
    if (!existsSync(bin)) throw new Error(`install-code-server.sh printed no usable binary path: ${stdout}`);
    progress(`code-server ready in ${Date.now() - started} ms: ${bin}`);
    return bin;
  })();
  return codeServerBin;
}

let vsix: Promise<string> | undefined;

/** Production build + `vsce package`, once per test process, into a folder outside the repo. */
export function packagedVsix(): Promise<string> {
  vsix ??= (async () => {
    const started = Date.now();
    const out = join(mkdtempSync(join(tmpdir(), 'dbus-lint-vsix-')), 'dbus-lint.vsix');
    await run('npm', ['run', '--silent', 'package', '--', '--out', out], { cwd: REPO_ROOT, timeout: 120_000 });
    progress(`packaged ${out} in ${Date.now() - started} ms`);
    return out;
  })();
  return vsix;
}

export interface CodeServerOptions {
  /** Names the run folder, for humans reading logs. */
  name: string;
  /** Installed with `code-server --install-extension` into the fresh extensions folder. */
  vsix?: string | readonly string[];
  /** `disabled`: everything trusted. `untrusted`: trust enabled, the folder never trusted (restricted mode). */
  trust: 'disabled' | 'untrusted';
  /** Extra user settings on top of the quiet defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server; its extension hosts inherit it. */
  env?: Record<string, string>;
}

export interface CodeServer {
  readonly runDir: string;
  readonly workspace: string;
  readonly origin: string;
  readonly logFile: string;
  /** The workbench URL for the workspace folder, optionally with a `payload` (extension development). */
  folderUrl(payload?: [string, string][]): string;
  /** Copies code-server's log and the workbench/extension-host logs into `dest`. */
  collectLogs(dest: string): void;
  stop(): Promise<void>;
}

function quietSettings(trust: CodeServerOptions['trust']): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    // The built-in TypeScript features would load a full tsserver project for fixtures whose imports are not
    // installed: a core of this 2-core machine, "cannot find module" in Problems, and, while the project
    // loads, cancelled code action requests, which VS Code reports as "No code actions available" for every
    // provider, ours included. The syntax-only server does none of that.
    'typescript.tsserver.useSyntaxServer': 'always',
    'typescript.validate.enable': false,
    'javascript.validate.enable': false,
    'security.workspace.trust.enabled': trust === 'untrusted',
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
  };
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const bin = await codeServerBinary();
  const runDir = mkdtempSync(join(tmpdir(), `dbus-lint-e2e-${options.name}-`));
  const config = join(runDir, 'config.yaml');
  const dataDir = join(runDir, 'data');
  const extensionsDir = join(runDir, 'extensions');
  const workspace = join(runDir, 'workspace');
  const logFile = join(runDir, 'code-server.log');
  mkdirSync(join(dataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir);
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  writeFileSync(
    join(dataDir, 'User', 'settings.json'),
    JSON.stringify({ ...quietSettings(options.trust), ...options.settings }, null, 2),
  );
  cpSync(E2E_WORKSPACE, workspace, { recursive: true });
  // The demo's naive client, the program the fault-bus step runs (one copy, in examples/).
  cpSync(NAIVE_CLIENT_SOURCE, join(workspace, NAIVE_CLIENT.file));

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server writes ~/.config/code-server and ~/.local/share/code-server otherwise.
    XDG_CONFIG_HOME: join(runDir, 'xdg-config'),
    XDG_DATA_HOME: join(runDir, 'xdg-data'),
    ...options.env,
  };
  const common = ['--config', config, '--user-data-dir', dataDir, '--extensions-dir', extensionsDir];

  for (const vsix of [options.vsix ?? []].flat()) {
    const started = Date.now();
    const { stdout } = await run(bin, [...common, '--install-extension', vsix], { env, timeout: 60_000 });
    if (!/successfully installed/.test(stdout)) throw new Error(`installing ${vsix} failed:\n${stdout}`);
    progress(`installed ${vsix} in ${Date.now() - started} ms`);
  }

  const started = Date.now();
  const server = startGroup(
    bin,
    [
      ...common,
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      ...(options.trust === 'disabled' ? ['--disable-workspace-trust'] : []),
    ],
    { env, cwd: runDir, logFile },
  );
  let origin: string;
  try {
    // The kernel picks the port (bind to :0); code-server logs the address once it listens.
    const [, address] = await server.waitForOutput(/HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//, 60_000);
    origin = address!;
    const health = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(10_000) });
    if (!health.ok) throw new Error(`${origin}/healthz answered ${health.status}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  progress(`code-server listening on ${origin} after ${Date.now() - started} ms (run folder ${runDir})`);
  return codeServerHandle(server, { runDir, workspace, origin, logFile, dataDir });
}

function codeServerHandle(
  server: ProcessGroup,
  paths: { runDir: string; workspace: string; origin: string; logFile: string; dataDir: string },
): CodeServer {
  return {
    ...paths,
    folderUrl(payload) {
      const query = new URLSearchParams({ folder: paths.workspace });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${paths.origin}/?${query.toString()}`;
    },
    collectLogs(dest) {
      mkdirSync(dest, { recursive: true });
      if (existsSync(paths.logFile)) cpSync(paths.logFile, join(dest, 'code-server.log'));
      // data/logs/<session>/: remoteexthost.log, exthost1/<extension id>/<channel>.log, window logs, ...
      const logs = join(paths.dataDir, 'logs');
      if (existsSync(logs)) {
        for (const session of readdirSync(logs))
          cpSync(join(logs, session), join(dest, 'vscode-logs', session), { recursive: true });
      }
    },
    async stop() {
      await server.stop();
      rmSync(paths.runDir, { recursive: true, force: true });
    },
  };
}
