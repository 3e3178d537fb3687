// The workspace index's thread: walks the workspace folders as `dbus-lint check` does (their dbus-lint.json
// "ignore" applies), analyses each JS/TS and Rust file once and then the importers of files with summaries again
// (host analyseTogether), and sends back what each file's importers need: its summaries and imports. It runs
// beside the analysis threads, so open documents' diagnostics never wait for it, and exits when done (its
// trees and analyzer go with it: the server keeps only the summaries).
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../../../core/src/index';
import {
  analyseTogether,
  checkFile,
  collectFiles,
  configIgnores,
  findConfigFile,
  grammarFolder,
  loadConfigFile,
  type FileOutcome,
  type WalkProblem,
} from '../../../host/src/index';
import type { IndexedFile, IndexMessage, IndexSetup } from './indexProtocol';

const port = parentPort;
if (!port) throw new Error('indexWorker.js runs only as a worker thread of the dbus-lint language server');
const setup = workerData as IndexSetup;
const post = (message: IndexMessage) => port.postMessage(message);

async function run(): Promise<void> {
  const started = performance.now();
  const ignores = setup.folders.flatMap((folder) => {
    const path = findConfigFile(folder);
    return path ? [configIgnores(loadConfigFile(path))] : [];
  });
  const problems: WalkProblem[] = [];
  const walked = collectFiles(setup.folders, problems, (path) => ignores.some((ignored) => ignored(path))).map(
    ({ path }, index) => ({ index, file: path, path }),
  );
  const analyzer = new Analyzer(grammarFolder(setup.grammarDir));
  const outcomes: FileOutcome[] = [];
  let lastReport = 0;
  for (const entry of walked) {
    outcomes[entry.index] = await checkFile(analyzer, entry.file, entry.path, {});
    if (entry.index - lastReport >= 50) {
      lastReport = entry.index;
      post({ kind: 'progress', done: entry.index, total: walked.length });
    }
  }
  const index = await analyseTogether(walked, outcomes, {}, () => analyzer);
  const files: IndexedFile[] = [...index.entries()];
  post({ kind: 'done', files, analysed: walked.length, ms: performance.now() - started });
}

run().catch((error: unknown) =>
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
