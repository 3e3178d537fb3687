// The server's own store of open documents: LSP text (vscode-languageserver-textdocument) plus, for documents
// that can hold a finding, the analysis document with its tree. TextDocuments applies a change before
// anyone sees it; the incremental analysis needs each change's offsets in the text it applied to.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { AnalysisDocument, DocumentChange } from '../../../core/src/index';

export interface OpenDocument {
  text: TextDocument;
  /** Kept only while the document can hold a finding (and fits the memory budget): it owns a tree. */
  analysis?: AnalysisDocument;
  /** The version whose diagnostics were last published. */
  published?: number;
}

/** Source characters of kept trees across all documents; past it the least recently edited trees are freed. */
export const KEPT_SOURCE_LIMIT = 4 * 1024 * 1024;

export class OpenDocuments {
  private readonly byUri = new Map<string, OpenDocument>();

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const document: OpenDocument = { text: TextDocument.create(uri, languageId, version, text) };
    this.byUri.set(uri, document);
    return document;
  }

  get(uri: string): OpenDocument | undefined {
    return this.byUri.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.byUri.values()];
  }

  /**
   * Applies LSP changes one by one, converting each to offsets in the text it applies to, and hands the same
   * changes to the analysis document (which edits its tree). Returns the offset changes.
   */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): DocumentChange[] {
    const document = this.byUri.get(uri);
    if (!document) return [];
    const applied: DocumentChange[] = [];
    for (const change of changes) {
      if ('range' in change) {
        // A reversed range is taken as its well-formed twin, as TextDocument.update does.
        const a = document.text.offsetAt(change.range.start);
        const b = document.text.offsetAt(change.range.end);
        document.text = TextDocument.update(document.text, [change], version);
        // The analysis takes the text TextDocument built rather than building its own copy.
        applied.push({ start: Math.min(a, b), end: Math.max(a, b), text: change.text, after: document.text.getText() });
      } else {
        document.text = TextDocument.update(document.text, [change], version);
        applied.push({ text: change.text });
      }
    }
    document.analysis?.edit(applied);
    // Touch for the LRU order: the most recently edited document is the last one.
    this.byUri.delete(uri);
    this.byUri.set(uri, document);
    return applied;
  }

  close(uri: string): void {
    this.byUri.get(uri)?.analysis?.dispose();
    this.byUri.delete(uri);
  }

  /** Frees the trees of the least recently edited documents until kept source fits KEPT_SOURCE_LIMIT. */
  evictBeyond(limit = KEPT_SOURCE_LIMIT): void {
    let kept = this.all().reduce((sum, d) => sum + (d.analysis?.size ?? 0), 0);
    for (const document of this.byUri.values()) {
      if (kept <= limit) break;
      if (!document.analysis) continue;
      kept -= document.analysis.size;
      document.analysis.dispose();
      document.analysis = undefined;
    }
  }

  /** Documents holding a tree. */
  get treesHeld(): number {
    return this.all().filter((d) => d.analysis && d.analysis.size > 0).length;
  }
}
