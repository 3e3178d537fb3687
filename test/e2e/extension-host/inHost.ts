// Runs inside code-server's extension host, loaded through the workbench payload `extensionTestsPath`,
// with the extension itself loaded from the repo (`extensionDevelopmentPath`). Checks go through the real
// `vscode` API; the results go to $DBUS_LINT_E2E_RESULT as JSON (written atomically), which the driver
// (../extensionHost.test.ts) reads. Bundled by the driver with esbuild; `vscode` stays external.
import { renameSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { NETWORK_STATE_SOURCE } from '../../support/dbusNextSample';
import { EXTENSION_ID, FIX_ON_SAVE_FILE, FLAGGED_RUST, FLAGGED_TS, type ExpectedFinding } from '../support/fixtures';

export interface CheckResult {
  name: string;
  /** `skipped`: an earlier check failed; the checks build on each other's state (open files, settings). */
  outcome: 'ok' | 'failed' | 'skipped';
  ms: number;
  error?: string;
}

/** Bound per wait, set by the driver so that one failing wait ends well within the driver's own bound. */
const TIMEOUT_MS = Number(process.env.DBUS_LINT_E2E_WAIT_MS ?? 20_000);
const SEVERITY_SETTING = 'rules.call-without-timeout.severity';

function workspaceUri(file: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, file);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'dbus-lint');
}

/** Resolves once `predicate` holds for our diagnostics on `uri`, checked now and on every change. */
function diagnosticsWhere(
  uri: vscode.Uri,
  what: string,
  predicate: (d: vscode.Diagnostic[]) => boolean,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (settle: () => void) => {
      clearTimeout(timer);
      subscription.dispose();
      settle();
    };
    const check = () => {
      const diagnostics = ours(uri);
      if (predicate(diagnostics)) done(() => resolve(diagnostics));
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(
      () =>
        done(() =>
          reject(new Error(`${what} on ${uri.path} not within ${TIMEOUT_MS} ms; now: ${JSON.stringify(ours(uri))}`)),
        ),
      TIMEOUT_MS,
    );
    check();
  });
}

function codeOf(diagnostic: vscode.Diagnostic): string | number | undefined {
  return typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
}

function flagged(finding: ExpectedFinding, severity = vscode.DiagnosticSeverity.Warning) {
  return (diagnostics: vscode.Diagnostic[]) =>
    diagnostics.some(
      (d) => codeOf(d) === finding.code && d.range.start.line === finding.line - 1 && d.severity === severity,
    );
}

async function open(finding: ExpectedFinding): Promise<vscode.Uri> {
  const uri = workspaceUri(finding.file);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
  return uri;
}

async function setSeverity(value: string | undefined): Promise<void> {
  await vscode.workspace
    .getConfiguration('dbusLint')
    .update(SEVERITY_SETTING, value, vscode.ConfigurationTarget.Workspace);
}

const checks: [string, () => Promise<void>][] = [
  [
    'opening a Rust file activates the extension and yields call-without-timeout',
    async () => {
      const uri = await open(FLAGGED_RUST);
      await diagnosticsWhere(uri, 'the Rust finding', flagged(FLAGGED_RUST));
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension?.isActive, `${EXTENSION_ID} is active`);
    },
  ],
  [
    'a TypeScript file yields call-without-timeout with source, code and docs link',
    async () => {
      const uri = await open(FLAGGED_TS);
      const diagnostics = await diagnosticsWhere(uri, 'the TS finding', flagged(FLAGGED_TS));
      const diagnostic = diagnostics.find((d) => codeOf(d) === FLAGGED_TS.code);
      assert.ok(diagnostic && typeof diagnostic.code === 'object', 'the code carries a docs link');
      assert.match(diagnostic.code.target.toString(), /call-without-timeout/);
      assert.match(diagnostic.message, /timeout/);
    },
  ],
  [
    'the TypeScript finding offers its quick fix, the suppression and the docs as code actions',
    async () => {
      const uri = workspaceUri(FLAGGED_TS.file);
      const diagnostic = ours(uri).find((d) => codeOf(d) === FLAGGED_TS.code);
      assert.ok(diagnostic, 'the TS finding is there');
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        diagnostic.range,
      );
      const titles = actions.map((action) => action.title);
      for (const wanted of [
        /Promise\.race/,
        new RegExp(`^Suppress ${FLAGGED_TS.code} on this line$`),
        new RegExp(`^Show documentation for ${FLAGGED_TS.code}$`),
      ]) {
        assert.ok(
          titles.some((title) => wanted.test(title)),
          `an action matching ${wanted} among ${JSON.stringify(titles)}`,
        );
      }
    },
  ],
  [
    'the commands are registered and run',
    async () => {
      const commands = await vscode.commands.getCommands(true);
      for (const command of [
        'dbusLint.restartServer',
        'dbusLint.showOutput',
        'dbusLint.replayCall',
        'dbusLint.runWithFaults',
        'dbusLint.fixAllInFile',
        // The server's own command, registered by the language client from the server's capabilities.
        'dbusLint.applyAllFixes',
      ])
        assert.ok(commands.includes(command), `${command} is registered`);
      await vscode.commands.executeCommand('dbusLint.showOutput');
    },
  ],
  [
    'setting the rule severity to error re-analyses open files',
    async () => {
      await setSeverity('error');
      await diagnosticsWhere(
        workspaceUri(FLAGGED_RUST.file),
        'an Error-severity Rust finding',
        flagged(FLAGGED_RUST, vscode.DiagnosticSeverity.Error),
      );
      await diagnosticsWhere(
        workspaceUri(FLAGGED_TS.file),
        'an Error-severity TS finding',
        flagged(FLAGGED_TS, vscode.DiagnosticSeverity.Error),
      );
    },
  ],
  [
    'setting the rule severity to off clears its findings, removing the setting brings them back',
    async () => {
      await setSeverity('off');
      for (const finding of [FLAGGED_RUST, FLAGGED_TS]) {
        await diagnosticsWhere(
          workspaceUri(finding.file),
          'no findings',
          (d) => !d.some((x) => codeOf(x) === finding.code),
        );
      }
      await setSeverity(undefined);
      for (const finding of [FLAGGED_RUST, FLAGGED_TS]) {
        await diagnosticsWhere(workspaceUri(finding.file), 'the default-severity finding back', flagged(finding));
      }
    },
  ],
  [
    'restarting the server republishes the findings',
    async () => {
      await vscode.commands.executeCommand('dbusLint.restartServer');
      await diagnosticsWhere(workspaceUri(FLAGGED_TS.file), 'the TS finding after restart', flagged(FLAGGED_TS));
    },
  ],
];

/** Resolves once another extension's diagnostics on `uri` satisfy `predicate` (the JSON language server's). */
function othersWhere(uri: vscode.Uri, what: string, predicate: (d: vscode.Diagnostic[]) => boolean): Promise<void> {
  const others = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source !== 'dbus-lint');
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate(others())) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    };
    const subscription = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`${what} not within ${TIMEOUT_MS} ms; now: ${JSON.stringify(others())}`));
    }, TIMEOUT_MS);
    check();
  });
}

const configChecks: [string, () => Promise<void>][] = [
  [
    'dbus-lint.json decides what no setting sets: its rule severity applies, and a workspace setting overrides it',
    async () => {
      const config = workspaceUri('dbus-lint.json');
      const ts = workspaceUri(FLAGGED_TS.file);
      await vscode.workspace.fs.writeFile(config, Buffer.from('{"rules": {"call-without-timeout": "error"}}\n'));
      try {
        await diagnosticsWhere(
          ts,
          'an Error-severity finding from the config',
          flagged(FLAGGED_TS, vscode.DiagnosticSeverity.Error),
        );
        await setSeverity('information');
        await diagnosticsWhere(
          ts,
          'the workspace setting over the config',
          flagged(FLAGGED_TS, vscode.DiagnosticSeverity.Information),
        );
        await setSeverity(undefined);
        await diagnosticsWhere(ts, 'the config again', flagged(FLAGGED_TS, vscode.DiagnosticSeverity.Error));
      } finally {
        await vscode.workspace.fs.delete(config);
      }
      await diagnosticsWhere(ts, 'the default once the config is gone', flagged(FLAGGED_TS));
    },
  ],
  [
    'saving with codeActionsOnSave {"source.fixAll.dbusLint": "explicit"} fixes every finding in the file',
    async () => {
      const uri = workspaceUri(FIX_ON_SAVE_FILE);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(NETWORK_STATE_SOURCE));
      await vscode.workspace
        .getConfiguration('editor')
        .update('codeActionsOnSave', { 'source.fixAll.dbusLint': 'explicit' }, vscode.ConfigurationTarget.Workspace);
      try {
        const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        const timeouts = (d: vscode.Diagnostic[]) => d.filter((x) => codeOf(x) === 'call-without-timeout');
        await diagnosticsWhere(uri, 'two findings to fix', (d) => timeouts(d).length === 2);
        // An edit, so that the save is a real one; then the save a user makes (Ctrl+S runs this command).
        await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '// fixed on save\n'));
        await vscode.commands.executeCommand('workbench.action.files.save');
        const saved = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        assert.equal(saved.match(/Promise\.race\(/g)?.length, 2, `both calls bounded on disk:\n${saved}`);
        assert.ok(!editor.document.isDirty, 'the fixed text is what was saved');
        await diagnosticsWhere(uri, 'no finding left', (d) => timeouts(d).length === 0);
      } finally {
        await vscode.workspace
          .getConfiguration('editor')
          .update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
      }
    },
  ],
  [
    'dbus-lint.json: the schema completes rule ids, and a wrong key gets our invalid-config diagnostic',
    async () => {
      const uri = workspaceUri('dbus-lint.json');
      await vscode.workspace.fs.writeFile(uri, Buffer.from('{\n  "rules": {\n    \n  },\n  "colour": 1\n}\n'));
      try {
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        // The JSON language server reports "colour" only once it has our schema (additionalProperties: false).
        await othersWhere(uri, 'the schema applied', (d) => d.some((x) => /colour/.test(x.message)));
        await diagnosticsWhere(uri, 'our invalid-config diagnostic', (d) =>
          d.some((x) => codeOf(x) === 'invalid-config' && /unknown key "colour"/.test(x.message)),
        );
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          uri,
          new vscode.Position(2, 4),
        );
        const labels = list.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
        for (const id of ['single-read-receive', 'reply-serial-unchecked', 'call-without-timeout'])
          assert.ok(
            labels.some((label) => label.replace(/"/g, '') === id),
            `${id} offered in ${JSON.stringify(labels)}`,
          );
      } finally {
        await vscode.workspace.fs.delete(uri);
      }
    },
  ],
];
checks.push(...configChecks);

export async function run(): Promise<void> {
  const resultFile = process.env.DBUS_LINT_E2E_RESULT;
  if (!resultFile) throw new Error('DBUS_LINT_E2E_RESULT is not set');
  const results: CheckResult[] = [];
  let failed = false;
  for (const [name, check] of checks) {
    if (failed) {
      results.push({ name, outcome: 'skipped', ms: 0 });
      continue;
    }
    const started = Date.now();
    try {
      await check();
      results.push({ name, outcome: 'ok', ms: Date.now() - started });
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name, outcome: 'failed', ms: Date.now() - started, error: message });
    }
  }
  // Atomic: the driver must never read a half-written file.
  writeFileSync(`${resultFile}.tmp`, JSON.stringify(results, null, 2));
  renameSync(`${resultFile}.tmp`, resultFile);
}
