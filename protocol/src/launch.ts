/**
 * The Node options every editor starts the language server with (`node <these> dist/server.js --stdio`): the
 * VS Code client passes them, docs/neovim.md's command names them, the tests and benches spawn with them.
 * `--max-semi-space-size=2` keeps the main thread's young generation at 4 MB instead of V8's 16 MB: the main
 * thread only moves LSP messages and texts (the analysis runs on its own thread, which limits its own), and it
 * was about 12 MB of RSS with 200 files open (the memory bench: 135–141 MB with it, 145–151 MB without, the
 * analysis thread limited in both). It costs the start some scavenges: 20–40 ms more to first diagnostics.
 * Only a command-line flag does this: `v8.setFlagsFromString` after start leaves the running heap as it was.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=2'];
