// Public surface of the analysis core, used by the LSP server, the CLI and the tests.
export { Analyzer } from './analyze';
export type { AnalysisDocument, AnalysisStats, DocumentChange } from './document';
export { BaselineError, matchBaseline, parseBaseline, type BaselineCandidate, type BaselineEntry } from './baseline';
export { FINGERPRINT_KEY, fingerprints } from './fingerprint';
export { applyTextEdits, fixAllCandidate, planFixAll, type FixAllPlan } from './fixAll';
export { offsetAt, positionAt } from './textPositions';
export { textFacts, type FileFacts } from './facts';
export type { GrammarSource } from './parser';
export { mayMatter } from './prefilter';
export { ANALYSED_EXTENSIONS, languageForLspId, languageForPath } from './languages';
export {
  DOCS_BASE_URL,
  PROJECT_URL,
  RULES,
  ruleDocsPath,
  ruleDocsUrl,
  ruleMeta,
  isRuleId,
  type RuleMeta,
} from './rules/registry';
export type { ProofFault } from './rules/rule';
export * from './types';
export { VERSION } from './version';
export { ignoreMatcher } from './glob';
export {
  CONFIG_FILE_NAME,
  CONFIG_KEYS,
  parseProjectConfig,
  type ConfigProblem,
  type ParsedConfig,
  type ProjectConfig,
} from './projectConfig';
export { parseCargoManifest, parsePackageManifest, withLockedVersions, type ProjectContext } from './manifests';
export { relativeImports, type FunctionSummary, type ImportedModule } from './summaries';
export { crateIdentifier, rustImports } from './rustModules';
