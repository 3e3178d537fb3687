// The language server given input whose LSP framing is broken: it says so on stderr and exits (the client
// restarts it) instead of staying alive and answering nothing.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/analyzer';

function exitOf(child: ReturnType<typeof spawn>, withinMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server was still running ${withinMs} ms after the bad header`));
    }, withinMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe('LSP framing', () => {
  for (const header of ['Content-Length: lots', 'Content-Length 12', 'Content-Type: text/plain']) {
    it(`exits with the reason on "${header}"`, async () => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.write(`${header}\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`);
      assert.equal(await exitOf(child, 10_000), 1);
      assert.match(stderr, /unreadable LSP input \([\s\S]+\); exiting so the client can restart the server/);
    });
  }
});
