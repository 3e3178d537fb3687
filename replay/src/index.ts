// The replay's public surface, for the CLI, the VS Code extension and tests: host-free (no vscode).
export * from './args';
export * from './call';
export * from './commandLine';
export * from './dbusBackend';
export * from './describe';
export * from './engine';
export * from './html';
export * from './naive';
export * from './pcap';
export * from './sequence';
export * from './stress';
export * from './transcript';
export * from './webviewMessages';
export * from './completeCall';
export * from './faultBus/index';
export * from './faultRunView';
