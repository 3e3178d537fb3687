// `dbus-lint check` on worker threads: each worker reads, screens and analyses the files it is handed
// (checkWorker.ts); this side only deals out batches and puts the outcomes back in walk order.
import { join } from 'node:path';
import { languageForPath, type LanguageId } from '../../core/src/index';
import { WorkerThread, type FileOutcome } from '../../host/src/index';
import type { BatchDone, WorkerInput, WorkerSetup } from './workerProtocol';

export interface PoolFile {
  /** Place in the walk: the output order. */
  index: number;
  /** Path to open. */
  file: string;
  /** Path to print. */
  path: string;
  size: number;
}

/**
 * A batch closes at this many bytes or files: large enough that a message per batch costs nothing next to
 * reading it, small enough that the last batches of a scan keep every worker busy until the end.
 */
const BATCH_BYTES = 256 * 1024;
const BATCH_FILES = 64;
/** Batches each worker holds at once: it starts the next while the main thread hands it another. */
const IN_FLIGHT = 2;

/**
 * Largest files first (a file that needs a parse costs about its size; one left for the end would hold
 * up the whole scan), cut into batches.
 */
export function batches(files: readonly PoolFile[]): PoolFile[][] {
  const out: PoolFile[][] = [];
  let current: PoolFile[] = [];
  let bytes = 0;
  for (const file of [...files].sort((a, b) => b.size - a.size || a.index - b.index)) {
    current.push(file);
    bytes += file.size;
    if (bytes >= BATCH_BYTES || current.length >= BATCH_FILES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Checks `files` on `count` worker threads; `onOutcome` gets each file's outcome as its batch comes back.
 * Rejects if a worker dies (a crash in the runtime, not a file's problem: those are outcomes).
 */
export async function checkInWorkers(
  files: readonly PoolFile[],
  count: number,
  setup: WorkerSetup,
  onOutcome: (index: number, outcome: FileOutcome) => void,
): Promise<void> {
  const queue = batches(files);
  const byIndex = new Map(files.map((file) => [file.index, file]));
  const cleanOutcome = (index: number, pastPrefilter: boolean): FileOutcome => {
    const { file, path } = byIndex.get(index) as PoolFile;
    return {
      kind: 'analysed',
      result: { path, language: languageForPath(file) as LanguageId, text: '', findings: [] },
      pastPrefilter,
      summaries: [],
      imports: [],
    };
  };
  const workers: WorkerThread<WorkerInput, BatchDone>[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let pending = queue.length;
      if (pending === 0) {
        resolve();
        return;
      }
      const feed = (worker: WorkerThread<WorkerInput, BatchDone>): void => {
        const batch = queue[next];
        if (!batch) return;
        worker.post({
          batch: next++,
          files: batch.map(({ index, file, path }) => ({ index, file, path })),
        } satisfies WorkerInput);
      };
      for (let i = 0; i < count; i++) {
        const worker = new WorkerThread<WorkerInput, BatchDone>(
          {
            name: 'a check worker',
            bundle: 'checkWorker.js',
            source: join(__dirname, 'checkWorker.ts'),
            workerData: setup,
            nextStep: 'run again with --jobs 1 to check on the main thread',
          },
          {
            message: (done) => {
              for (const { index, outcome } of done.outcomes) onOutcome(index, outcome);
              for (const index of done.clean) onOutcome(index, cleanOutcome(index, false));
              for (const index of done.cleanPastPrefilter) onOutcome(index, cleanOutcome(index, true));
              if (--pending === 0) resolve();
              else feed(worker);
            },
            // The files it held are not checked: the whole check fails, and says how to get it done.
            failed: reject,
          },
        );
        workers.push(worker);
      }
      // Round robin, so a small scan's few batches still reach every worker.
      for (let k = 0; k < IN_FLIGHT; k++) for (const worker of workers) feed(worker);
    });
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}
