// LSP wiring only: documents in, diagnostics and code actions out. Analysis lives in ./analysis.
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import {
  BaselineError,
  crateIdentifier,
  languageForLspId,
  VERSION,
  type DocumentChange,
  type FunctionSummary,
} from '../../core/src/index';
import { pathToFileURL } from 'node:url';
import {
  defaultGrammarDir,
  localDocsDir as findLocalDocs,
  MANIFEST_FILE_NAMES,
  ProjectManifests,
} from '../../host/src/index';
import { codeActionsFor, documentationTarget } from './lsp/codeActions';
import { OpenDocuments, type OpenDocument } from './lsp/documents';
import { AnalysisPool } from './worker/analysisPool';
import { hoverAt } from './lsp/hover';
import { warmUpFromArgv } from './lsp/warmUpArgs';
import { stdioTransport } from './lsp/transport';
import { moreFindingsDiagnostic, notAnalysedDiagnostic, toDiagnostic } from './lsp/diagnostics';
import { analysisOptions, DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './lsp/settings';
import { baselinedFlags } from './lsp/baselined';
import { asksForFixAll, fixAllAction, fixAllEdit, fixAllQuickFix } from './lsp/fixAll';
import { PublishedFindings, type Published } from './lsp/published';
import { configDiagnostics, filePath, ProjectConfigs } from './lsp/projectConfigs';
import { WorkspaceIndex } from './lsp/workspaceIndex';
import {
  APPLY_ALL_FIXES_COMMAND,
  FIX_ALL_KIND,
  isFixAllRequest,
  SHOW_DOCUMENTATION_COMMAND,
  STATUS_NOTIFICATION,
  type InitializationOptions,
  type ServerStatus,
} from '../../protocol/src/index';

// createConnection picks the transport from argv: --stdio (Neovim, other editors) or --node-ipc (VS Code);
// stdio gets a reader that exits on broken framing instead of going deaf (./lsp/transport.ts).
const connection = process.argv.includes('--stdio')
  ? createConnection(ProposedFeatures.all, ...stdioTransport())
  : createConnection(ProposedFeatures.all);
const documents = new OpenDocuments();
// The rules run on a worker thread: a slow file never holds up hovers, code actions or other documents.
const warmUpLanguages = warmUpFromArgv(process.argv);
const analysis = new AnalysisPool({ grammarDir: defaultGrammarDir(), warmUp: warmUpLanguages }, (failure) => {
  process.stderr.write(`dbus-lint language server: ${failure.message}\n`);
  process.exit(1);
});
const localDocsDir = findLocalDocs();
/** The last published findings per document, for hovers and fix all. */
const published = new PublishedFindings();
/** Each workspace folder's dbus-lint.json and baseline. */
const projects = new ProjectConfigs();
/** Function summaries of the workspace's files, for the documents importing them. */
const workspaceIndex = new WorkspaceIndex();
/** Each file's package.json or Cargo.toml, read once per folder until a watched manifest changes. */
const manifests = new ProjectManifests();
let workspaceFolders: string[] = [];
/** Config files whose problems are shown, so a fixed one is cleared. */
let configProblemUris = new Set<string>();
/** Baseline problems already shown to the user: each once, not on every keystroke. */
const baselineWarnings = new Set<string>();

let supportsConfiguration = false;
let supportsRelatedInformation = false;
let supportsVersionedEdits = false;
let supportsFileWatching = false;
let supportsWorkDoneProgress = false;
let supportsWorkspaceFolders = false;
let clientCanReplay = false;
let clientCanRunFaults = false;
let globalSettings: ServerSettings = DEFAULT_SETTINGS;
const settingsByUri = new Map<string, Promise<ServerSettings>>();
const pending = new Map<string, NodeJS.Timeout>();
/** The last analysis asked for per document: an answer to an earlier one is out of date. */
const latestRequest = new Map<string, number>();
let lastTicket = 0;
const status: ServerStatus = { state: 'starting', filesAnalysed: 0, treesHeld: 0 };

/**
 * An edit this small on a document with a kept tree is re-analysed at once (incremental reparse, only the
 * affected checks): waiting would cost more than the work. Larger edits (pastes, replacements) wait for
 * the debounce, so a burst of them costs one pass.
 */
const IMMEDIATE_EDIT_CHARS = 256;
/** How long fix all (on save, or the command) waits for the analysis of the current text. */
const FIX_ALL_WAIT_MS = 5000;
/**
 * An analysis unanswered behind another document's analysis that has run this long on the same thread moves
 * to a free thread (./worker/analysisPool.ts): a slow file must not hold up the others' diagnostics. Checked
 * every BLOCKED_MS while the answer is awaited, so a slow file reached late in a queue is still left behind.
 */
const BLOCKED_MS = 200;
/** How long an open document's edits pause before the workspace index learns its summaries and imports. */
const INDEX_PAUSE_MS = 150;
const indexUpdates = new Map<string, NodeJS.Timeout>();

connection.onInitialize((params): InitializeResult => {
  const capabilities = params.capabilities;
  supportsConfiguration = !!capabilities.workspace?.configuration;
  supportsRelatedInformation = !!capabilities.textDocument?.publishDiagnostics?.relatedInformation;
  supportsVersionedEdits = !!capabilities.workspace?.workspaceEdit?.documentChanges;
  supportsFileWatching = !!capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  supportsWorkspaceFolders = !!capabilities.workspace?.workspaceFolders;
  supportsWorkDoneProgress = !!capabilities.window?.workDoneProgress;
  workspaceFolders = params.workspaceFolders?.map((folder) => folder.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const initOptions = params.initializationOptions as InitializationOptions | undefined;
  globalSettings = parseSettings(initOptions?.settings);
  clientCanReplay = initOptions?.replayCommand === true;
  clientCanRunFaults = initOptions?.faultBusCommand === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND] },
      hoverProvider: true,
      executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND, APPLY_ALL_FIXES_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dbus-lint', version: VERSION },
  };
});

connection.onInitialized(() => {
  if (supportsConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dbusLint' });
  }
  if (supportsFileWatching) {
    // dbus-lint.json and baselines are read from disk: their changes come from the client's watcher.
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: '**/dbus-lint.json' },
        { globPattern: '**/*.sarif' },
        // Manifests and lockfiles say which D-Bus library (and version) a file uses.
        ...MANIFEST_FILE_NAMES.map((name) => ({ globPattern: `**/${name}` })),
      ],
    });
  }
  loadProjects();
  buildIndex();
  // vscode-languageserver throws on this registration when the client has no workspace folders.
  if (supportsWorkspaceFolders) {
    connection.workspace.onDidChangeWorkspaceFolders((change) => {
      const removed = new Set(change.removed.map((folder) => folder.uri));
      workspaceFolders = [...workspaceFolders.filter((uri) => !removed.has(uri)), ...change.added.map((f) => f.uri)];
      reloadProjects();
      buildIndex();
    });
  }
  // Pay grammar loading before the first file arrives: the first parse is the slow one.
  void analysis.warmUp(warmUpLanguages[0] ?? 'rust').then(
    () => setStatus({ state: 'ready' }),
    (error: unknown) => setStatus({ state: 'error', message: `grammars failed to load: ${String(error)}` }),
  );
});

function setStatus(change: Partial<ServerStatus>): void {
  Object.assign(status, change);
  void connection.sendNotification(STATUS_NOTIFICATION, status);
}

/**
 * Builds the workspace index in the background (its own thread), with a progress notification where the client
 * shows them. Diagnostics of open documents do not wait for it; when it is done, they are analysed again with the
 * summaries of the files they import.
 */
function buildIndex(): void {
  const folders = workspaceFolders.flatMap((uri) => filePath(uri) ?? []);
  if (!globalSettings.workspaceIndex) {
    // Turned off: documents are analysed alone (calls of other files' functions are not followed).
    workspaceIndex.clear();
    setStatus({ index: undefined });
    revalidateAll();
    return;
  }
  if (folders.length === 0) return;
  setStatus({ index: { state: 'indexing' } });
  const progress = supportsWorkDoneProgress ? connection.window.createWorkDoneProgress() : undefined;
  void progress?.then((reporter) => reporter.begin('D-Bus Lint: indexing the workspace', 0, undefined, false));
  const report = (change: (reporter: WorkDoneProgressServerReporter) => void) => void progress?.then(change);
  workspaceIndex.build(folders, defaultGrammarDir(), {
    progress: (done, total) =>
      report((reporter) => reporter.report(Math.floor((100 * done) / Math.max(total, 1)), `${done}/${total} files`)),
    done: (files, ms) => {
      report((reporter) => reporter.done());
      const { summaries } = workspaceIndex.size;
      setStatus({ index: { state: 'ready', files, ms: Math.round(ms), summaries } });
      connection.console.info(
        `workspace index: ${files} files in ${Math.round(ms)} ms, ${summaries} function summaries`,
      );
      revalidateAll();
    },
    failed: (message) => {
      report((reporter) => reporter.done());
      setStatus({ index: { state: 'failed' } });
      connection.console.warn(message);
    },
  });
}

/** Reads the workspace folders' dbus-lint.json (again), shows their problems on each file and clears fixed ones. */
function loadProjects(): void {
  const shown = new Set<string>();
  for (const folder of projects.load(workspaceFolders)) {
    const diagnostics = folder.loaded ? configDiagnostics(folder.loaded) : [];
    if (!folder.loaded || diagnostics.length === 0) continue;
    const uri = pathToFileURL(folder.loaded.path).href;
    shown.add(uri);
    connection.console.warn(`${folder.loaded.path}: ${folder.loaded.problems.map((p) => p.message).join('; ')}`);
    void connection.sendDiagnostics({ uri, diagnostics });
  }
  // A config fixed or deleted since: its problems go.
  for (const uri of configProblemUris) if (!shown.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  configProblemUris = shown;
  baselineWarnings.clear();
}

function reloadProjects(): void {
  loadProjects();
  revalidateAll();
}

function settingsFor(uri: string): Promise<ServerSettings> {
  if (!supportsConfiguration) return Promise.resolve(globalSettings);
  let settings = settingsByUri.get(uri);
  if (!settings) {
    settings = connection.workspace
      .getConfiguration({ scopeUri: uri, section: 'dbusLint' })
      .then(parseSettings, () => globalSettings);
    settingsByUri.set(uri, settings);
  }
  return settings;
}

async function validate(uri: string): Promise<void> {
  const document = documents.get(uri);
  const language = document && languageForLspId(document.text.languageId);
  if (!document || !language) return;
  const settings = await settingsFor(uri);
  // Closed (or reopened) while the settings came: the newer document's own run publishes.
  if (documents.get(uri) !== document) return;
  const version = document.text.version;
  // New settings reset `published` (revalidateAll), so an unchanged version with the same settings is done.
  if (document.published === version) return;
  if (projects.isIgnored(uri)) {
    // The project's dbus-lint.json ignores this file, as `dbus-lint check` does.
    document.published = version;
    published.set(uri, { version, findings: [], baselined: [] });
    void connection.sendDiagnostics({ uri, version, diagnostics: [] });
    return;
  }
  const path = filePath(uri);
  const options = {
    ...analysisOptions(settings, projects.forDocument(uri)?.loaded?.config),
    // The manifest says which D-Bus library a file uses where the file itself does not import one.
    project: path === undefined ? undefined : manifests.forFile(path, language),
    // The summaries of the files it imports: calls of their functions that wait forever are findings here.
    imported: path === undefined ? undefined : workspaceIndex.importedFor(path),
  };
  const baseline = projects.baselineFor(uri, settings.baseline);
  // Fingerprints are of the text the findings are for; edits may come while the analysis runs.
  const analysedText = baseline && !(baseline instanceof BaselineError) ? document.text.getText() : undefined;
  const started = performance.now();
  const sentText = document.kept === 0;
  const ticket = ++lastTicket;
  latestRequest.set(uri, ticket);
  const answer = analysis.analyse(uri, language, options, sentText ? document.text.getText() : undefined);
  const blocked = setInterval(() => {
    if (latestRequest.get(uri) !== ticket) return clearInterval(blocked);
    if (!analysis.moveIfBlocked(uri, BLOCKED_MS)) return;
    clearInterval(blocked);
    // A new ticket: this answer, when it comes, is out of date; the move's run brings the text along.
    document.kept = 0;
    setStatus({ threads: analysis.threadCount });
    void validate(uri);
  }, BLOCKED_MS);
  const result = await answer.finally(() => clearInterval(blocked));
  // Closed, reopened or asked again meanwhile: the worker handles requests in order, so the later one
  // (or the close's drop) decides what it keeps.
  if (latestRequest.get(uri) !== ticket || documents.get(uri) !== document) return;
  if (sentText && result.kept && document.text.version !== version) {
    // Edited while the text was on its way: the worker's copy missed those edits, the next run starts over.
    analysis.drop(uri);
    return;
  }
  document.kept = result.kept ? result.size : 0;
  for (const evicted of documents.evictBeyond()) analysis.drop(evicted);
  if (result.error) {
    const reason = result.error.notAnalysed
      ? `dbus-lint: ${result.error.message}`
      : `dbus-lint: file not analysed: ${result.error.message}`;
    document.published = version;
    published.set(uri, { version, findings: [], baselined: [] });
    connection.console.warn(`${uri}: ${reason}`);
    void connection.sendDiagnostics({ uri, version, diagnostics: [notAnalysedDiagnostic(reason)] });
    setStatus({ message: reason, lastFile: uri, treesHeld: documents.treesHeld });
    return;
  }
  const { total, incremental } = result;
  let { findings: shown } = result;
  document.published = version;
  if (baseline instanceof BaselineError) warnBaselineOnce(baseline.message);
  const state = baseline instanceof BaselineError ? undefined : baseline;
  let baselined =
    state && analysedText !== undefined
      ? baselinedFlags(analysedText, shown, state.entries, projects.relativePath(uri))
      : shown.map(() => false);
  if (settings.baselinedFindings === 'hide') {
    shown = shown.filter((_, index) => !baselined[index]);
    baselined = shown.map(() => false);
  }
  published.set(uri, { version, findings: shown, baselined });
  const diagnostics = shown.map((finding, index) =>
    toDiagnostic(finding, uri, supportsRelatedInformation, baselined[index] ? state?.shownAs : undefined),
  );
  if (total > result.findings.length) diagnostics.unshift(moreFindingsDiagnostic(result.findings.length, total));
  void connection.sendDiagnostics({ uri, version, diagnostics });
  if (path !== undefined && globalSettings.workspaceIndex)
    indexLater(uri, path, result.summaries, document.text.getText());
  setStatus({
    state: 'ready',
    filesAnalysed: status.filesAnalysed + 1,
    lastAnalysisMs: Math.round((performance.now() - started) * 10) / 10,
    lastIncremental: incremental,
    lastFile: uri,
    treesHeld: documents.treesHeld,
    message: undefined,
  });
}

/** A message for the user that needs no answer (window/showMessage: every client shows it). */
function tell(type: MessageType, message: string): void {
  void connection.sendNotification(ShowMessageNotification.type, { type, message });
}

function warnBaselineOnce(message: string): void {
  if (baselineWarnings.has(message)) return;
  baselineWarnings.add(message);
  connection.console.warn(message);
  tell(MessageType.Warning, `D-Bus Lint: ${message}. Findings are shown without a baseline.`);
}

/** The published findings of the document's current text, analysing it now if that is still to come. */
async function currentFindings(uri: string): Promise<Published | undefined> {
  const document = documents.get(uri);
  if (!document) return undefined;
  if (pending.has(uri)) {
    clearTimeout(pending.get(uri));
    pending.delete(uri);
    void validate(uri);
  }
  return published.waitFor(uri, document.text.version, FIX_ALL_WAIT_MS);
}

/** The findings fix all may change: the ones shown as problems, not those the baseline holds. */
function fixable(state: Published) {
  return state.findings.filter((_, index) => !state.baselined[index]);
}

function schedule(uri: string, delayMs: number): void {
  clearTimeout(pending.get(uri));
  pending.set(
    uri,
    setTimeout(() => {
      pending.delete(uri);
      void validate(uri);
    }, delayMs),
  );
}

function revalidateAll(): void {
  for (const document of documents.all()) {
    // New settings can change any document's answer, also one published for its current version.
    document.published = undefined;
    schedule(document.text.uri, 0);
  }
}

/** One small change on a document that keeps its tree: cheap enough to analyse without waiting. */
function isSmallEdit(document: OpenDocument, changes: readonly DocumentChange[]): boolean {
  const [change] = changes;
  return (
    document.kept > 0 &&
    changes.length === 1 &&
    change?.start !== undefined &&
    change.end - change.start <= IMMEDIATE_EDIT_CHARS &&
    change.text.length <= IMMEDIATE_EDIT_CHARS
  );
}

// An open is analysed at once; a small edit of a document with a kept tree too; other edits are debounced.
connection.onDidOpenTextDocument(({ textDocument }) => {
  documents.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  schedule(textDocument.uri, 0);
});
connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
  const { uri, version } = textDocument;
  const document = documents.get(uri);
  if (!document) return;
  const changes = documents.change(uri, version, contentChanges);
  if (document.kept) analysis.edit(uri, changes);
  if (isSmallEdit(document, changes)) {
    clearTimeout(pending.get(uri));
    pending.delete(uri);
    void validate(uri);
  } else void settingsFor(uri).then((settings) => schedule(uri, settings.debounceMs));
});
/**
 * What an open document tells the workspace index, once its edits pause: resolving its imports reads the whole
 * text (a few ms in a 10k-line file), which neither this keystroke's diagnostics nor the next one should wait
 * for. Its first analysis is indexed at once; the index gives the next analysis the imports of the last one.
 */
function indexLater(uri: string, path: string, summaries: FunctionSummary[], text: string): void {
  // Not in the index yet (just opened, or the index was rebuilt): at once.
  const first = !workspaceIndex.holds(path);
  clearTimeout(indexUpdates.get(uri));
  const update = () => {
    indexUpdates.delete(uri);
    // Turned off while the edits paused: the index holds nothing of open documents then.
    if (!globalSettings.workspaceIndex) return;
    // Its summaries changed: the open documents importing it are analysed again (and only they).
    // A Rust file's paths through its package's library by name (`use app::…`) are the library's modules.
    const own = path.endsWith('.rs') ? crateIdentifier(manifests.forFile(path, 'rust')?.name) : undefined;
    const dependents = new Set(workspaceIndex.update(path, summaries, workspaceIndex.importsOf(path, text, own)));
    for (const open of documents.all()) {
      const openPath = filePath(open.text.uri);
      if (openPath === undefined || !dependents.has(openPath) || open.text.uri === uri) continue;
      open.published = undefined;
      schedule(open.text.uri, 0);
    }
  };
  if (first) update();
  else indexUpdates.set(uri, setTimeout(update, INDEX_PAUSE_MS));
}

connection.onDidCloseTextDocument(({ textDocument }) => {
  const { uri } = textDocument;
  clearTimeout(pending.get(uri));
  pending.delete(uri);
  clearTimeout(indexUpdates.get(uri));
  indexUpdates.delete(uri);
  documents.close(uri);
  analysis.drop(uri);
  latestRequest.delete(uri);
  published.delete(uri);
  settingsByUri.delete(uri);
  const closedPath = filePath(uri);
  if (closedPath !== undefined) workspaceIndex.forget(closedPath);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
  setStatus({ treesHeld: documents.treesHeld });
});

connection.onDidChangeConfiguration(async (change) => {
  settingsByUri.clear();
  const indexed = globalSettings.workspaceIndex;
  if (!supportsConfiguration) {
    globalSettings = parseSettings((change.settings as { dbusLint?: unknown } | undefined)?.dbusLint);
  } else {
    // The window-wide section: what `dbusLint.workspaceIndex` is now.
    globalSettings = parseSettings(await connection.workspace.getConfiguration('dbusLint'));
  }
  if (globalSettings.workspaceIndex !== indexed) buildIndex();
  // A baseline named by the settings may be another file now.
  loadProjects();
  revalidateAll();
});

connection.onDidChangeWatchedFiles(({ changes }) => {
  if (changes.some((change) => projects.concerns(change.uri))) reloadProjects();
  if (changes.some((change) => MANIFEST_FILE_NAMES.some((name) => change.uri.endsWith(`/${name}`)))) {
    manifests.forget();
    revalidateAll();
  }
});

connection.onHover((params) => {
  const state = published.get(params.textDocument.uri);
  return state ? hoverAt(state.findings, state.baselined, params.position) : null;
});

connection.onCodeAction(async (params) => {
  const { uri } = params.textDocument;
  if (asksForFixAll(params.context.only)) {
    const state = await currentFindings(uri);
    const action = state && fixAllAction(uri, state.version, fixable(state), supportsVersionedEdits);
    return action ? [action] : [];
  }
  const actions = codeActionsFor(uri, params.context.diagnostics, {
    replay: clientCanReplay,
    faultBus: clientCanRunFaults,
  });
  // Only from findings already published for the current text: a Quick Fix menu does not wait for an analysis.
  const state = published.get(uri);
  const current = state && documents.get(uri)?.text.version === state.version ? state : undefined;
  const all =
    current &&
    fixAllQuickFix(uri, current.version, fixable(current), params.context.diagnostics, supportsVersionedEdits);
  return all ? [...actions, all] : actions;
});

connection.onExecuteCommand(async (params) => {
  if (params.command === APPLY_ALL_FIXES_COMMAND) {
    const request: unknown = params.arguments?.[0];
    if (!isFixAllRequest(request)) return;
    const state = await currentFindings(request.uri);
    if (!state) {
      tell(
        MessageType.Warning,
        'D-Bus Lint: fix all found no analysis of this file (is it open, and a Rust, TypeScript or JavaScript file?)',
      );
      return;
    }
    const planned = fixAllEdit(request.uri, state.version, fixable(state), supportsVersionedEdits);
    if (!planned) {
      tell(MessageType.Info, 'D-Bus Lint: nothing in this file has a fix that fix all applies');
      return;
    }
    const applied = await connection.workspace.applyEdit({ label: 'dbus-lint: fix all', edit: planned.edit });
    if (!applied.applied)
      tell(
        MessageType.Warning,
        `D-Bus Lint: the editor did not apply the fixes (${applied.failureReason ?? 'the file changed meanwhile'}); run the command again`,
      );
    return;
  }
  if (params.command !== SHOW_DOCUMENTATION_COMMAND) return;
  const target = documentationTarget(params.arguments?.[0], localDocsDir);
  if (target) await connection.window.showDocument({ ...target, takeFocus: true });
});

connection.listen();
