// The workspace index: every JS/TS and Rust file's function summaries and imports (host SummaryIndex), built in the
// background by a thread of its own (worker/indexWorker.ts) and kept current from the open documents' analyses.
// A document is analysed with the summaries of the files it imports; when a file's summaries change, the open
// documents importing it — and only they — are analysed again.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { relativeImports, rustImports, type FunctionSummary, type ImportedModule } from '../../../core/src/index';
import {
  declarationFileOf,
  resolveImport,
  resolveRustImports,
  SummaryIndex,
  type ResolvedImport,
} from '../../../host/src/index';
import type { IndexMessage, IndexSetup } from '../worker/indexProtocol';

function startWorker(setup: IndexSetup): Worker {
  const bundled = join(__dirname, 'indexWorker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: setup });
  const source = join(__dirname, '..', 'worker', 'indexWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true, workerData: setup });
}

export interface IndexListener {
  progress(done: number, total: number): void;
  /** Indexed: `files` analysed in `ms`. */
  done(files: number, ms: number): void;
  failed(message: string): void;
}

export class WorkspaceIndex {
  private index = new SummaryIndex();
  private worker: Worker | undefined;
  /** Each build's number: a superseded build's answer is dropped. */
  private generation = 0;

  /** (Re)builds the index of `folders` in the background; the previous build, if running, is stopped. */
  build(folders: string[], grammarDir: string, listener: IndexListener): void {
    void this.worker?.terminate();
    const generation = ++this.generation;
    if (folders.length === 0) return;
    const worker = (this.worker = startWorker({ grammarDir, folders }));
    worker.on('message', (message: IndexMessage) => {
      if (generation !== this.generation) return;
      if (message.kind === 'progress') listener.progress(message.done, message.total);
      else if (message.kind === 'failed') listener.failed(message.message);
      else {
        // What open documents said meanwhile is newer than the walk's reading: keep it.
        const fresh = new SummaryIndex();
        for (const file of message.files) fresh.set(file.path, file.summaries, file.imports);
        for (const [path, entry] of this.fromDocuments) fresh.set(path, entry.summaries, entry.imports);
        this.index = fresh;
        listener.done(message.analysed, message.ms);
      }
    });
    worker.on('error', (error) => generation === this.generation && listener.failed(error.message));
  }

  private readonly fromDocuments = new Map<string, { summaries: FunctionSummary[]; imports: ResolvedImport[] }>();

  /** The imports of an open document's text (and of its declaration file, as a scan counts them), resolved from its path. */
  importsOf(path: string, text: string): ResolvedImport[] {
    // Called on every analysis of an open document: its declaration file is read, and its imports looked up on
    // disk, only when the specifiers its text names change (a keystroke rarely touches them).
    const rust = path.endsWith('.rs');
    const specifiers = rust ? rustImports(text) : relativeImports(text);
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
  forget(path: string): void {
    this.fromDocuments.delete(path);
    this.resolvedImports.delete(path);
  }

  get size(): { files: number; summaries: number } {
    return this.index.size;
  }

  /** Stops a build and forgets every summary: documents are analysed alone. */
  clear(): void {
    this.generation++;
    void this.worker?.terminate();
    this.index = new SummaryIndex();
    this.fromDocuments.clear();
    this.resolvedImports.clear();
  }

  dispose(): void {
    this.generation++;
    void this.worker?.terminate();
  }
}
