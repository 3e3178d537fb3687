// A suite = one code-server + one Chromium; its steps run in order against the same workbench, each
// leaving a screenshot, and a failing step leaves a FAILED screenshot plus the code-server and
// extension-host logs in the suite's artifacts folder. Later features add steps, not suites.
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { progress, suiteArtifacts } from './artifacts';
import { packagedVsix, startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { Workbench } from './workbench';

export interface EditorSession {
  readonly server: CodeServer;
  readonly workbench: Workbench;
  readonly artifacts: string;
}

export interface SuiteOptions extends Omit<CodeServerOptions, 'name' | 'vsix'> {
  /** Install the packaged .vsix (the user's way); without it the suite loads the extension from a payload. */
  installVsix: boolean;
  /** Workbench query `payload` (extensionDevelopmentPath / extensionTestsPath); may build what it names. */
  payload?: (server: CodeServer) => Promise<[string, string][]>;
  /** Screenshot the workbench once ready (off when the page may close by itself, as after extension tests). */
  screenshotWhenReady?: boolean;
  /** An Explorer entry that shows the folder is open and the workbench settled; omit for no wait. */
  readyWhen?: string;
  /** Bound for the whole suite, setup included. */
  timeoutMs?: number;
  /** Started before code-server (whose extension hosts get `env`), stopped after it: buses, peers. */
  services?: () => Promise<Services>;
}

export interface Services {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export type Step = (title: string, body: (session: EditorSession) => Promise<void>) => void;

export function editorSuite(name: string, options: SuiteOptions, define: (step: Step) => void): void {
  describe(name, { timeout: options.timeoutMs ?? 5 * 60_000 }, () => {
    const artifacts = suiteArtifacts(slug(name));
    let session: EditorSession | undefined;
    let server: CodeServer | undefined;
    let services: Services | undefined;
    let failed = false;

    before(async () => {
      try {
        const vsix = options.installVsix ? await packagedVsix() : undefined;
        services = await options.services?.();
        server = await startCodeServer({
          ...options,
          env: { ...options.env, ...services?.env },
          name: slug(name),
          vsix,
        });
        const started = Date.now();
        const payload = await options.payload?.(server);
        const workbench = await Workbench.open(server.folderUrl(payload), artifacts);
        session = { server, workbench, artifacts };
        if (options.readyWhen) await workbench.waitForExplorerItem(options.readyWhen);
        progress(`${name}: workbench ready after ${Date.now() - started} ms`);
        if (options.screenshotWhenReady ?? true) await workbench.screenshot('workbench');
      } catch (error) {
        failed = true;
        await session?.workbench.screenshot('FAILED-setup').catch(() => undefined);
        server?.collectLogs(join(artifacts, 'logs'));
        throw error;
      }
    });

    after(async () => {
      if (failed) {
        server?.collectLogs(join(artifacts, 'logs'));
        progress(`${name}: failed; screenshots and logs in ${artifacts}`);
      }
      await session?.workbench.close();
      await server?.stop();
      await services?.stop();
    });

    define((title, body) => {
      it(title, async () => {
        if (!session) throw new Error('the editor session did not start');
        const started = Date.now();
        try {
          await session.workbench.dismissTransients();
          await body(session);
        } catch (error) {
          failed = true;
          await session.workbench.screenshot(`FAILED-${slug(title)}`).catch(() => undefined);
          throw error;
        }
        progress(`${name}: "${title}" passed in ${Date.now() - started} ms`);
      });
    });
  });
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
