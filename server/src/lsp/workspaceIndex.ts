// The workspace index: every JS/TS and Rust file's function summaries and imports (host SummaryIndex), built in the
// background by a thread of its own (worker/indexWorker.ts) and kept current from the open documents' analyses.
// A document is analysed with the summaries of the files it imports; when a file's summaries change, the open
// documents importing it — and only they — are analysed again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relativeImports, rustImports, type FunctionSummary, type ImportedModule } from '../../../core/src/index';
import {
  declarationFileOf,
  resolveImport,
  resolveRustImports,
  SummaryIndex,
  WorkerThread,
  type ResolvedImport,
} from '../../../host/src/index';
import type { IndexMessage, IndexSetup } from '../worker/indexProtocol';

export interface IndexListener {
  progress(done: number, total: number): void;
  /** Indexed: `files` analysed in `ms`. */
  done(files: number, ms: number): void;
  /** The build failed: `message` says why, what it costs and what to do. */
  failed(message: string): void;
}

/** What a failed build costs, and the way out. */
const AFTER_FAILURE =
  "open files are analysed alone (calls of other files' functions are not followed); reload the window to try again";

export class WorkspaceIndex {
  private index = new SummaryIndex();
  private worker: WorkerThread<never, IndexMessage> | undefined;

  /** (Re)builds the index of `folders` in the background; the previous build, if running, is stopped. */
  build(folders: string[], grammarDir: string, listener: IndexListener): void {
    // A superseded build's thread ends here, and its answers with it.
    void this.worker?.stop();
    this.worker = undefined;
    if (folders.length === 0) return;
    const setup: IndexSetup = { grammarDir, folders };
    const worker: WorkerThread<never, IndexMessage> = new WorkerThread(
      {
        name: 'the workspace index thread',
        bundle: 'indexWorker.js',
        source: join(__dirname, '..', 'worker', 'indexWorker.ts'),
        workerData: setup,
        nextStep: AFTER_FAILURE,
      },
      {
        message: (message) => {
          if (message.kind === 'progress') {
            listener.progress(message.done, message.total);
            return;
          }
          // Its last message: the thread exits after it, and that exit is no failure.
          void worker.stop();
          if (message.kind === 'failed')
            listener.failed(`the workspace index failed: ${message.message}; ${AFTER_FAILURE}`);
          else {
            // What open documents said meanwhile is newer than the walk's reading: keep it.
            const fresh = new SummaryIndex();
            for (const file of message.files) fresh.set(file.path, file.summaries, file.imports);
            for (const [path, entry] of this.fromDocuments) fresh.set(path, entry.summaries, entry.imports);
            this.index = fresh;
            listener.done(message.analysed, message.ms);
          }
        },
        // A thread that dies without its last message (out of memory, a crash) is a failed build, not one
        // still running: the status says so instead of waiting for ever.
        failed: (failure) => listener.failed(failure.message),
      },
    );
    this.worker = worker;
  }

  private readonly fromDocuments = new Map<string, { summaries: FunctionSummary[]; imports: ResolvedImport[] }>();

  /** The imports of an open document's text (and of its declaration file, as a scan counts them), resolved from its path. */
  importsOf(path: string, text: string, ownCrate?: string): ResolvedImport[] {
    // Called on every analysis of an open document: its declaration file is read, and its imports looked up on
    // disk, only when the specifiers its text names change (a keystroke rarely touches them).
    const rust = path.endsWith('.rs');
    const specifiers = rust ? rustImports(text, ownCrate) : relativeImports(text);
    const key = specifiers.join('\0');
    const known = this.resolvedImports.get(path);
    if (known?.key === key) return known.imports;
    if (rust) {
      const { imports, complete } = resolveRustImports(path, specifiers);
      if (complete) this.resolvedImports.set(path, { key, imports });
      else this.resolvedImports.delete(path);
      return imports;
    }
    const declaration = declarationFileOf(path);
    let typed: string[] = [];
    try {
      if (declaration) typed = relativeImports(readFileSync(declaration, 'utf8'));
    } catch {
      // No declaration file: the module's own imports are all there is.
    }
    const imports = [...new Set([...specifiers, ...typed])].flatMap((specifier) => {
      const target = resolveImport(path, specifier);
      return target ? [{ specifier, path: target }] : [];
    });
    // One that resolves to nothing yet (a file still to be written) is looked up again next time.
    if (specifiers.every((specifier) => imports.some((i) => i.specifier === specifier)))
      this.resolvedImports.set(path, { key, imports });
    else this.resolvedImports.delete(path);
    return imports;
  }

  /** Each open document's last import specifiers and what they resolved to. */
  private readonly resolvedImports = new Map<string, { key: string; imports: ResolvedImport[] }>();

  importedFor(path: string): ImportedModule[] | undefined {
    return this.index.importedFor(path);
  }

  /**
   * What an open document's analysis says of it. Returns the files importing it when its summaries changed
   * (they are to be analysed again), else none.
   */
  update(path: string, summaries: FunctionSummary[], imports: ResolvedImport[]): string[] {
    this.fromDocuments.set(path, { summaries, imports });
    return this.index.set(path, summaries, imports) ? this.index.dependents(path) : [];
  }

  /** A closed document: the disk's version is what importers see next time the index is built. */
  /** Whether an open document's summaries and imports are in the index (`update` was told them). */
  holds(path: string): boolean {
    return this.fromDocuments.has(path);
  }

  forget(path: string): void {
    this.fromDocuments.delete(path);
    this.resolvedImports.delete(path);
  }

  get size(): { files: number; summaries: number } {
    return this.index.size;
  }

  /** Stops a build and forgets every summary: documents are analysed alone. */
  clear(): void {
    void this.worker?.stop();
    this.index = new SummaryIndex();
    this.fromDocuments.clear();
    this.resolvedImports.clear();
  }

  dispose(): void {
    void this.worker?.stop();
  }
}
