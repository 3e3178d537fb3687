// What a Node host of the core (the LSP server, the CLI, tests, benches) needs from the disk.
export * from './grammarFiles';
export * from './baselineFile';
export * from './configFile';
export * from './projectManifests';
export * from './summaryIndex';
export * from './rustModules';
export * from './walk';
export * from './checkFile';
export * from './analyseTogether';
export * from './workerThread';
