// A worker thread of `dbus-lint check --jobs N`: its own Analyzer (web-tree-sitter runtime and grammars),
// fed batches of files by workerPool.ts; each batch's outcomes go back in one message.
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer } from '../../core/src/index';
import { checkFile, grammarFolder } from '../../host/src/index';
import type { BatchDone, WorkerInput, WorkerSetup } from './workerProtocol';

const setup = workerData as WorkerSetup;
const analyzer = new Analyzer(grammarFolder(setup.grammarDir));
const port = parentPort;
if (!port) throw new Error('checkWorker.js runs only as a worker thread of dbus-lint check');

// Batches run one after another: the main thread keeps two in flight so a worker never waits for the next.
let queue = Promise.resolve();
port.on('message', (message: WorkerInput) => {
  queue = queue.then(async () => {
    const done: BatchDone = { batch: message.batch, outcomes: [], clean: [], cleanPastPrefilter: [] };
    for (const { index, file, path } of message.files) {
      const outcome = await checkFile(analyzer, file, path, setup.options);
      // A clean file is sent as its index alone, unless it imports files its summaries may concern.
      if (outcome.kind === 'analysed' && outcome.result.findings.length === 0 && outcome.imports.length === 0) {
        (outcome.pastPrefilter ? done.cleanPastPrefilter : done.clean).push(index);
      } else done.outcomes.push({ index, outcome });
    }
    port.postMessage(done);
  });
});
