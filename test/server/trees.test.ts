import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';
import { LspTestClient } from '../support/lspClient';
import type { ServerStatus } from '../../protocol/src/status';

const DBUS_FILES = [
  join(REPO_ROOT, 'examples', 'rust', 'src', 'main.rs'),
  join(REPO_ROOT, 'examples', 'ts', 'src', 'busId.ts'),
];
/** Ordinary code no rule's file test accepts: it needs no tree. */
const PLAIN = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n';

describe('language server keeps trees only for documents that can hold a finding', () => {
  let client: LspTestClient;
  let latest: ServerStatus | undefined;
  const waiters: (() => void)[] = [];

  /** Resolves when a status notification satisfies `accept`, or rejects after a bound. */
  async function status(accept: (s: ServerStatus) => boolean, timeoutMs = 10_000): Promise<ServerStatus> {
    const deadline = Date.now() + timeoutMs;
    while (!latest || !accept(latest)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no accepted status within ${timeoutMs} ms; last: ${JSON.stringify(latest)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return latest;
  }

  before(async () => {
    client = new LspTestClient();
    client.connection.onNotification('dbusLint/status', (s: ServerStatus) => {
      latest = s;
      for (const wake of waiters.splice(0)) wake();
    });
    await client.initialize(pathToFileURL(REPO_ROOT).href);
  });
  after(async () => client.shutdown());

  it('holds a tree per D-Bus document, none for plain ones, and none after close', async () => {
    const uris: string[] = [];
    for (const [i, path] of DBUS_FILES.entries()) {
      const uri = pathToFileURL(path).href;
      uris.push(uri);
      await client.open(uri, i === 0 ? 'rust' : 'typescript', readFileSync(path, 'utf8'));
    }
    for (let i = 0; i < 3; i++) {
      const uri = pathToFileURL(join(REPO_ROOT, `plain${i}.ts`)).href;
      uris.push(uri);
      await client.open(uri, 'typescript', PLAIN);
    }
    for (const uri of uris) await client.diagnostics(uri);
    assert.equal((await status((s) => s.treesHeld === DBUS_FILES.length)).treesHeld, DBUS_FILES.length);

    // A one-character edit of a kept document is analysed incrementally.
    await client.change(uris[0], 2, [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: ' ' },
    ]);
    await client.diagnostics(uris[0], (p) => p.version === 2);
    assert.equal(
      (await status((s) => s.lastIncremental !== undefined && s.filesAnalysed >= uris.length + 1)).lastIncremental,
      true,
    );

    for (const uri of uris)
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.equal((await status((s) => s.treesHeld === 0)).treesHeld, 0);
  });
});
