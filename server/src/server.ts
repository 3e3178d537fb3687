// LSP wiring only: documents in, diagnostics and code actions out. Analysis lives in ./analysis.
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer, FileTooLargeError, languageForLspId, type Finding } from './analysis/index';
import { defaultGrammarDir, grammarFolder, localDocsDir as findLocalDocs } from './grammarFiles';
import { codeActionsFor, documentationTarget, SHOW_DOCUMENTATION_COMMAND } from './lsp/codeActions';
import { hoverAt } from './lsp/hover';
import { notAnalysedDiagnostic, toDiagnostic } from './lsp/diagnostics';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './lsp/settings';
import { STATUS_NOTIFICATION, type ServerStatus } from './lsp/status';
import { VERSION } from './version';

// createConnection picks the transport from argv: --stdio (Neovim, other editors) or --node-ipc (VS Code).
const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const analyzer = new Analyzer(grammarFolder(defaultGrammarDir()));
const localDocsDir = findLocalDocs();
/** The last published findings per document, for hovers. */
const lastFindings = new Map<string, Finding[]>();

let supportsConfiguration = false;
let supportsRelatedInformation = false;
let clientCanReplay = false;
let globalSettings: ServerSettings = DEFAULT_SETTINGS;
const settingsByUri = new Map<string, Promise<ServerSettings>>();
const pending = new Map<string, NodeJS.Timeout>();
const status: ServerStatus = { state: 'starting', filesAnalysed: 0 };

connection.onInitialize((params): InitializeResult => {
  const capabilities = params.capabilities;
  supportsConfiguration = !!capabilities.workspace?.configuration;
  supportsRelatedInformation = !!capabilities.textDocument?.publishDiagnostics?.relatedInformation;
  const initOptions = params.initializationOptions as { settings?: unknown; replayCommand?: unknown } | undefined;
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
  void analyzer.warmUp('rust').then(
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

async function validate(document: TextDocument): Promise<void> {
  const language = languageForLspId(document.languageId);
  if (!language) return;
  const settings = await settingsFor(document.uri);
  const version = document.version;
  const started = performance.now();
  try {
    const findings = await analyzer.analyze(document.getText(), language, {
      severities: settings.severities,
      maxFileSize: settings.maxFileSize,
    });
    // A newer edit arrived while we analysed: its own run publishes.
    if (documents.get(document.uri)?.version !== version) return;
    const shown = findings.filter((finding) => !finding.suppression);
    lastFindings.set(document.uri, shown);
    const diagnostics = shown
      .map((finding) => toDiagnostic(finding, document.uri, supportsRelatedInformation));
    void connection.sendDiagnostics({ uri: document.uri, version, diagnostics });
    setStatus({
      state: 'ready',
      filesAnalysed: status.filesAnalysed + 1,
      lastAnalysisMs: Math.round((performance.now() - started) * 10) / 10,
      lastFile: document.uri,
      message: undefined,
    });
  } catch (error) {
    const reason =
      error instanceof FileTooLargeError
        ? `dbus-lint: ${error.message}`
        : `dbus-lint: file not analysed: ${error instanceof Error ? error.message : String(error)}`;
    connection.console.warn(`${document.uri}: ${reason}`);
    void connection.sendDiagnostics({ uri: document.uri, version, diagnostics: [notAnalysedDiagnostic(reason)] });
    setStatus({ message: reason, lastFile: document.uri });
  }
}

function schedule(document: TextDocument, delayMs: number): void {
  clearTimeout(pending.get(document.uri));
  pending.set(
    document.uri,
    setTimeout(() => {
      pending.delete(document.uri);
      const current = documents.get(document.uri);
      if (current) void validate(current);
    }, delayMs),
  );
}

function revalidateAll(): void {
  for (const document of documents.all()) schedule(document, 0);
}

// TextDocuments fires onDidChangeContent right after onDidOpen; an open is analysed at once, edits are debounced.
const justOpened = new Set<string>();
documents.onDidOpen(({ document }) => {
  justOpened.add(document.uri);
  schedule(document, 0);
});
documents.onDidChangeContent(({ document }) => {
  if (justOpened.delete(document.uri)) return;
  void settingsFor(document.uri).then((settings) => schedule(document, settings.debounceMs));
});
documents.onDidClose(({ document }) => {
  clearTimeout(pending.get(document.uri));
  pending.delete(document.uri);
  justOpened.delete(document.uri);
  lastFindings.delete(document.uri);
  settingsByUri.delete(document.uri);
  void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
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

documents.listen(connection);
connection.listen();
