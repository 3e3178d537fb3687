// Public surface of the analysis core, used by the LSP server, the CLI and the tests.
export { Analyzer } from './analyze';
export type { AnalysisDocument, AnalysisStats, DocumentChange } from './document';
export { textFacts, type FileFacts } from './facts';
export type { GrammarSource } from './parser';
export { mayMatter } from './prefilter';
export { ANALYSED_EXTENSIONS, languageForLspId, languageForPath } from './languages';
export { RULES, ruleDocsUrl, ruleMeta, isRuleId, type RuleMeta } from './rules/registry';
export * from './types';
