// LSP wiring only: documents in, diagnostics and code actions out. Analysis lives in ./analysis.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { languageForLspId, VERSION, type DocumentChange, type Finding } from '../../core/src/index';
import { defaultGrammarDir, localDocsDir as findLocalDocs } from '../../host/src/index';
import { codeActionsFor, documentationTarget } from './lsp/codeActions';
import { OpenDocuments, type OpenDocument } from './lsp/documents';
import { AnalysisPool } from './worker/analysisPool';
import { hoverAt } from './lsp/hover';
import { warmUpFromArgv } from './lsp/warmUpArgs';
import { stdioTransport } from './lsp/transport';
import { moreFindingsDiagnostic, notAnalysedDiagnostic, toDiagnostic } from './lsp/diagnostics';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './lsp/settings';
import {
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
const analysis = new AnalysisPool({ grammarDir: defaultGrammarDir(), warmUp: warmUpLanguages }, (reason) => {
  process.stderr.write(`dbus-lint language server: ${reason}; exiting so the client can restart the server\n`);
  process.exit(1);
});
const localDocsDir = findLocalDocs();
/** The last published findings per document, for hovers. */
const lastFindings = new Map<string, Finding[]>();

let supportsConfiguration = false;
let supportsRelatedInformation = false;
let clientCanReplay = false;
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
/**
 * An analysis still unanswered after this long, behind another document's analysis on the same thread, moves
 * to a free thread (./worker/analysisPool.ts): a slow file must not hold up the others' diagnostics.
 */
const BLOCKED_MS = 200;

connection.onInitialize((params): InitializeResult => {
  const capabilities = params.capabilities;
  supportsConfiguration = !!capabilities.workspace?.configuration;
  supportsRelatedInformation = !!capabilities.textDocument?.publishDiagnostics?.relatedInformation;
  const initOptions = params.initializationOptions as InitializationOptions | undefined;
  globalSettings = parseSettings(initOptions?.settings);
  clientCanReplay = initOptions?.replayCommand === true;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      hoverProvider: true,
      executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND] },
    },
    serverInfo: { name: 'dbus-lint', version: VERSION },
  };
});

connection.onInitialized(() => {
  if (supportsConfiguration) {
    void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dbusLint' });
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
  const options = {
    severities: settings.severities,
    maxFileSize: settings.maxFileSize,
    maxParseMs: settings.maxParseMs,
    maxAnalysisMs: settings.maxAnalysisMs,
  };
  const version = document.text.version;
  // New settings reset `published` (revalidateAll), so an unchanged version with the same settings is done.
  if (document.published === version) return;
  const started = performance.now();
  const sentText = document.kept === 0;
  const ticket = ++lastTicket;
  latestRequest.set(uri, ticket);
  const answer = analysis.analyse(uri, language, options, sentText ? document.text.getText() : undefined);
  const blocked = setTimeout(() => {
    if (latestRequest.get(uri) !== ticket || !analysis.moveIfBlocked(uri)) return;
    // A new ticket: this answer, when it comes, is out of date; the move's run brings the text along.
    document.kept = 0;
    setStatus({ threads: analysis.threadCount });
    void validate(uri);
  }, BLOCKED_MS);
  const result = await answer;
  clearTimeout(blocked);
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
    connection.console.warn(`${uri}: ${reason}`);
    void connection.sendDiagnostics({ uri, version, diagnostics: [notAnalysedDiagnostic(reason)] });
    setStatus({ message: reason, lastFile: uri, treesHeld: documents.treesHeld });
    return;
  }
  const { findings: shown, total, incremental } = result;
  document.published = version;
  lastFindings.set(uri, shown);
  const diagnostics = shown.map((finding) => toDiagnostic(finding, uri, supportsRelatedInformation));
  if (total > shown.length) diagnostics.unshift(moreFindingsDiagnostic(shown.length, total));
  void connection.sendDiagnostics({ uri, version, diagnostics });
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
connection.onDidCloseTextDocument(({ textDocument }) => {
  const { uri } = textDocument;
  clearTimeout(pending.get(uri));
  pending.delete(uri);
  documents.close(uri);
  analysis.drop(uri);
  latestRequest.delete(uri);
  lastFindings.delete(uri);
  settingsByUri.delete(uri);
  void connection.sendDiagnostics({ uri, diagnostics: [] });
  setStatus({ treesHeld: documents.treesHeld });
});

connection.onDidChangeConfiguration((change) => {
  settingsByUri.clear();
  if (!supportsConfiguration) {
    globalSettings = parseSettings((change.settings as { dbusLint?: unknown } | undefined)?.dbusLint);
  }
  revalidateAll();
});

connection.onHover((params) => hoverAt(lastFindings.get(params.textDocument.uri) ?? [], params.position));

connection.onCodeAction((params) =>
  codeActionsFor(params.textDocument.uri, params.context.diagnostics, { replay: clientCanReplay }),
);

connection.onExecuteCommand(async (params) => {
  if (params.command !== SHOW_DOCUMENTATION_COMMAND) return;
  const target = documentationTarget(params.arguments?.[0], localDocsDir);
  if (target) await connection.window.showDocument({ ...target, takeFocus: true });
});

connection.listen();
