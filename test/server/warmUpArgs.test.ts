import assert from 'node:assert/strict';
import { test } from 'node:test';
import { warmUpFromArgv } from '../../server/src/lsp/warmUpArgs';

test('--warm-up takes LSP language ids, drops unknown ones and duplicates, and defaults to Rust', () => {
  assert.deepEqual(warmUpFromArgv(['node', 'server.js', '--stdio']), ['rust']);
  assert.deepEqual(warmUpFromArgv(['--warm-up=typescriptreact,javascript,typescriptreact']), ['tsx', 'javascript']);
  assert.deepEqual(warmUpFromArgv(['--warm-up=cobol,typescript']), ['typescript']);
  assert.deepEqual(warmUpFromArgv(['--warm-up=']), ['rust']);
});
