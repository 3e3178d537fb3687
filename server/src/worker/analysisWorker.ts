// The language server's analysis thread: it owns every kept AnalysisDocument (tree and per-item results)
// and runs the rules, so a file that takes seconds never delays hovers, code actions or the next message
// on the main thread (server.ts), which keeps the texts and answers from the last published findings.
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer, NotAnalysedError, type AnalysisDocument } from '../../../core/src/index';
import { grammarFolder } from '../../../host/src/index';
import {
  MAX_FINDINGS_SENT,
  type AnalysisResult,
  type AnalysisThreadSetup,
  type WorkerReply,
  type WorkerRequest,
} from './protocol';

const port = parentPort;
if (!port) throw new Error('analysisWorker.js runs only as the worker thread of the dbus-lint language server');
const setup = workerData as AnalysisThreadSetup;
const analyzer = new Analyzer(grammarFolder(setup.grammarDir));
const documents = new Map<string, AnalysisDocument>();
const reply = (message: WorkerReply) => port.postMessage(message);

async function analyse(request: Extract<WorkerRequest, { kind: 'analyse' }>): Promise<AnalysisResult> {
  const { id, uri, language, text, options } = request;
  let document = documents.get(uri);
  try {
    let findings;
    let incremental = false;
    if (text !== undefined) {
      document?.dispose();
      documents.delete(uri);
      document = await analyzer.open(text, language, options);
      findings = document.findings;
      // Only a document some rule's file test accepts can hold a finding: the others keep no tree.
      if (document.stats.applicable > 0) documents.set(uri, document);
      else document.dispose();
    } else if (document) {
      document.setOptions(options);
      findings = document.stale ? document.analyse() : document.findings;
      incremental = document.stats.incremental;
    } else throw new Error(`the analysis thread holds no text of ${uri}`);
    const kept = documents.get(uri) === document;
    const shown = findings.filter((finding) => !finding.suppression);
    return {
      kind: 'result',
      id,
      findings: shown.slice(0, MAX_FINDINGS_SENT),
      summaries: kept ? document.summaries() : [],
      total: shown.length,
      incremental,
      kept,
      size: kept ? document.size : 0,
    };
  } catch (error) {
    // A document that cannot be analysed keeps no tree.
    documents.get(uri)?.dispose();
    documents.delete(uri);
    return {
      kind: 'result',
      id,
      findings: [],
      summaries: [],
      total: 0,
      incremental: false,
      kept: false,
      size: 0,
      error: {
        message: error instanceof Error ? error.message : String(error),
        notAnalysed: error instanceof NotAnalysedError,
      },
    };
  }
}

// One message after another: an edit must reach a document before the analysis that follows it. The warm-up
// goes first, from the thread's start: it runs while the main thread loads and answers `initialize`, so the
// first document meets a loaded grammar and compiled rules instead of paying for them.
let queue = setup.warmUp.reduce(
  (previous, language) => previous.then(() => analyzer.warmUp(language)).catch(() => undefined),
  Promise.resolve(),
);
port.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    switch (request.kind) {
      case 'warmUp':
        await analyzer.warmUp(request.language).then(
          () => reply({ kind: 'warmedUp' }),
          (error: unknown) => reply({ kind: 'warmedUp', error: String(error) }),
        );
        return;
      case 'edit':
        documents.get(request.uri)?.edit(request.changes);
        return;
      case 'analyse':
        reply(await analyse(request));
        return;
      case 'drop':
        documents.get(request.uri)?.dispose();
        documents.delete(request.uri);
        return;
    }
  });
});
