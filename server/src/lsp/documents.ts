// The server's own store of open documents: LSP text (vscode-languageserver-textdocument) plus whether the
// analysis thread keeps the document's analysis (with its tree). TextDocuments applies a change before
// anyone sees it; the incremental analysis needs each change's offsets in the text it applied to.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { DocumentChange } from '../../../core/src/index';

export interface OpenDocument {
  text: TextDocument;
  /**
   * Source characters of the analysis the analysis thread keeps for this document (0: none, and the next
   * analysis sends the text). Kept only while the document can hold a finding and fits the memory budget.
   */
  kept: number;
  /** The version whose diagnostics were last published. */
  published?: number;
}

/** Source characters of kept trees across all documents; past it the least recently edited trees are freed. */
export const KEPT_SOURCE_LIMIT = 4 * 1024 * 1024;

export class OpenDocuments {
  private readonly byUri = new Map<string, OpenDocument>();

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const document: OpenDocument = { text: TextDocument.create(uri, languageId, version, text), kept: 0 };
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
   * Applies LSP changes one by one, converting each to offsets in the text it applies to: what the kept
   * analysis edits its tree with. Returns the offset changes.
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
    // Touch for the LRU order: the most recently edited document is the last one.
    this.byUri.delete(uri);
    this.byUri.set(uri, document);
    return applied;
  }

  close(uri: string): void {
    this.byUri.delete(uri);
  }

  /**
   * The least recently edited documents whose kept trees go, so that kept source fits KEPT_SOURCE_LIMIT;
   * they are marked as not kept (the caller tells the analysis thread to drop them).
   */
  evictBeyond(limit = KEPT_SOURCE_LIMIT): string[] {
    let kept = this.all().reduce((sum, d) => sum + d.kept, 0);
    const evicted: string[] = [];
    for (const document of this.byUri.values()) {
      if (kept <= limit) break;
      if (!document.kept) continue;
      kept -= document.kept;
      document.kept = 0;
      evicted.push(document.text.uri);
    }
    return evicted;
  }

  /** Documents holding a tree. */
  get treesHeld(): number {
    return this.all().filter((d) => d.kept > 0).length;
  }
}
