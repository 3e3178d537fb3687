// The contract between the VS Code extension and the language server: what one sends and the other reads.
// Types, string constants and shape checks only, so the extension's activation bundle pays nothing for it.
export * from './commands';
export * from './diagnostics';
export * from './launch';
export * from './status';
