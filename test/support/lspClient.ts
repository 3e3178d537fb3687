import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  CodeAction,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { SERVER_NODE_ARGS, STATUS_NOTIFICATION, type ServerStatus } from '../../protocol/src/index';
import { REPO_ROOT } from './analyzer';

/** Node options for the spawned server from DBUS_LINT_SERVER_NODE_OPTIONS (e.g. `--cpu-prof` for a bench run). */
function serverNodeOptions(): string[] {
  return (process.env.DBUS_LINT_SERVER_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
}

/**
 * A minimal LSP client over stdio for tests: spawns the built server (dist/server.js --stdio), answers
 * workspace/configuration from `settings`, and lets tests wait for diagnostics with a bound.
 */
export class LspTestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcessWithoutNullStreams;
  private readonly published = new Map<string, PublishDiagnosticsParams>();
  /** How many times diagnostics were published for each uri (what an edit elsewhere made the server re-check). */
  readonly publishCount = new Map<string, number>();
  /** The last dbusLint/status notification (the workspace index reports there). */
  lastStatus: ServerStatus | undefined;
  private readonly waiters: (() => void)[] = [];
  readonly stderr: string[] = [];
  settings: Record<string, unknown> = {};
  /** Each workspace/applyEdit the server sent; the client answers `applied` (true unless a test says). */
  readonly appliedEdits: unknown[] = [];
  applyEditResult = { applied: true };
  /** Messages the server showed (window/showMessage), for tests of what the user is told. */
  readonly shownMessages: { type: number; message: string }[] = [];

  /** `serverArgs`: more of the server's own options, e.g. `--warm-up=typescript` as the VS Code client passes it. */
  constructor(serverPath = join(REPO_ROOT, 'dist', 'server.js'), serverArgs: readonly string[] = []) {
    this.process = spawn(
      process.execPath,
      [...SERVER_NODE_ARGS, ...serverNodeOptions(), serverPath, '--stdio', ...serverArgs],
      {
        stdio: 'pipe',
      },
    );
    this.process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.process.stdout),
      new StreamMessageWriter(this.process.stdin),
    );
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.published.set(params.uri, params);
      this.publishCount.set(params.uri, (this.publishCount.get(params.uri) ?? 0) + 1);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onNotification(STATUS_NOTIFICATION, (status: ServerStatus) => {
      this.lastStatus = status;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === 'dbusLint' ? this.settings : null)),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('workspace/applyEdit', (params: { edit: unknown }) => {
      this.appliedEdits.push(params.edit);
      for (const wake of this.waiters.splice(0)) wake();
      return this.applyEditResult;
    });
    this.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      this.shownMessages.push(params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  /** The server process id (benchmarks read its memory from /proc). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** `workspace`: more workspace capabilities, e.g. `{ workspaceEdit: { documentChanges: true } }`. */
  /** `folders`: more workspace folders after the root (uris). */
  async initialize(
    rootUri: string | null = null,
    workspace: object = {},
    folders: readonly string[] = [],
  ): Promise<InitializeResult> {
    const all = [...(rootUri ? [rootUri] : []), ...folders];
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: all.length > 0 ? all.map((uri, i) => ({ uri, name: `folder ${i}` })) : null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, ...workspace },
        textDocument: {
          publishDiagnostics: {
            relatedInformation: true,
            versionSupport: true,
            codeDescriptionSupport: true,
            dataSupport: true,
          },
          codeAction: { dataSupport: true },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  async open(uri: string, languageId: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version, text },
    });
  }

  async replaceAll(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  async change(uri: string, version: number, contentChanges: object[]): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  /** Resolves with the first published diagnostics for `uri` that satisfy `accept`, or rejects after `timeoutMs`. */
  async diagnostics(
    uri: string,
    accept: (params: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.published.get(uri);
      if (current && accept(current)) return current.diagnostics;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `no accepted diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(current)}; server stderr: ${this.stderr.join('')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics, ...(only ? { only } : {}) },
    });
  }

  /** Resolves once `done()` holds (checked after each message the server sends), or rejects after `timeoutMs`. */
  async until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0)
        throw new Error(`${what} did not happen within ${timeoutMs} ms; server stderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async shutdown(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}
