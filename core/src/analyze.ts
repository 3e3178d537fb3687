import { AnalysisDocument, type DocumentChange } from './document';
import { VersionFacts } from './facts';
import { TopLevelItems } from './items';
import { ParserPool, type GrammarSource } from './parser';
import { analysePass } from './pass';
import { mayMatter } from './prefilter';
import { summarize, type FunctionSummary } from './summaries';
import { screeningError, type AnalyzeOptions, type Finding, type LanguageId } from './types';

/** The one query per language every rule shares (grammars/queries/<lang>/dbus.scm). */
export const COMBINED_QUERY = 'dbus';

/**
 * The analysis core: parse once, run every applicable rule, apply severities and suppressions.
 * Pure: no LSP types, no file system; grammars come from the GrammarSource the host passes in.
 */
export class Analyzer {
  private readonly pool: ParserPool;

  constructor(source: GrammarSource) {
    this.pool = new ParserPool(source);
  }

  /**
   * Loads the runtime and a grammar and compiles the rules' query ahead of the first file, so the first
   * diagnostics come fast. (Analysing a sample as well, to have V8 compile the rules first, was measured and
   * dropped: on a cold process the sample cost as much as it saved the first file.)
   */
  async warmUp(language: LanguageId): Promise<void> {
    await this.pool.query(language, COMBINED_QUERY);
  }

  /** Parses and discards: the bare cost the benchmark compares rules against. */
  async parseOnly(text: string, language: LanguageId): Promise<void> {
    (await this.pool.parse(language, text)).delete();
  }

  async analyze(text: string, language: LanguageId, options: AnalyzeOptions = {}): Promise<Finding[]> {
    return (await this.analyzeFile(text, language, options)).findings;
  }

  /**
   * The findings and the function summaries (what calling each function does, for the files importing this one:
   * summaries.ts) of one file. A workspace scan analyses each file this way, then the importers of files with
   * summaries again with `imported`.
   */
  async analyzeFile(
    text: string,
    language: LanguageId,
    options: AnalyzeOptions = {},
  ): Promise<{ findings: Finding[]; summaries: FunctionSummary[] }> {
    checkSize(text, options);
    // Where no rule can apply (no rule's file test can pass: see prefilter.ts) and no suppression comment
    // exists, the answer is no finding: the parse is skipped.
    if (!options.skipPrefilter && !mayMatter(text, options)) return { findings: [], summaries: [] };
    const tree = await this.pool.parse(language, text, options.maxParseMs);
    try {
      const items = TopLevelItems.fresh(tree);
      const query = await this.pool.query(language, COMBINED_QUERY);
      const { findings } = analysePass({
        language,
        text,
        tree,
        items,
        facts: new VersionFacts(text, items, undefined, false, options.project, options.imported),
        query,
        options,
        record: false,
      });
      return { findings, summaries: summarize(tree, findings, language, text) };
    } finally {
      tree.delete();
    }
  }

  /**
   * A document kept for editing: it holds its tree and per-item results, and `update` re-analyses an edit
   * by reparsing incrementally and re-running only what the edit can change. `dispose()` frees the tree.
   */
  async open(text: string, language: LanguageId, options: AnalyzeOptions = {}): Promise<AnalysisDocument> {
    checkSize(text, options);
    const { parser } = await this.pool.load(language);
    const query = await this.pool.query(language, COMBINED_QUERY);
    return new AnalysisDocument(parser, query, language, text, options);
  }
}

export type { DocumentChange };

function checkSize(text: string, options: AnalyzeOptions): void {
  const error = screeningError(text, options);
  if (error) throw error;
}
