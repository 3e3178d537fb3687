// The language server's analysis thread when it dies: the server is told once, with the document it was
// analysing, and the analyses and warm-ups it held are refused with that error instead of waiting for ever.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LanguageId } from '../../core/src/index';
import { WorkerThreadFailure } from '../../host/src/index';
import { AnalysisThread } from '../../server/src/worker/analysisThread';
import { REPO_ROOT } from '../support/analyzer';

const URI = 'file:///work/a.rs';

describe('the analysis thread', () => {
  it(
    'refuses what it held, and what comes after, with the failure the server is told',
    { timeout: 30_000 },
    async (t) => {
      const failures: WorkerThreadFailure[] = [];
      // A warm-up list that is not a list: the thread throws as it starts, as a crash in the runtime would.
      const setup = { grammarDir: join(REPO_ROOT, 'grammars'), warmUp: 'rust' as unknown as LanguageId[] };
      const thread = new AnalysisThread(setup, (failure) => failures.push(failure));
      // The thread does not keep the process up (the server's connection does): this test's wait must.
      const keepAlive = setInterval(() => undefined, 60_000);
      t.after(() => clearInterval(keepAlive));
      const analysis = thread.analyse(URI, 'rust', {}, 'fn main() {}\n');
      const warmUp = thread.warmUp('rust');
      const told = (error: unknown) => {
        assert.ok(error instanceof WorkerThreadFailure);
        assert.equal(error, failures[0]);
        return true;
      };
      await assert.rejects(analysis, told);
      await assert.rejects(warmUp, told);
      assert.equal(failures.length, 1);
      assert.match(
        failures[0]?.message ?? '',
        /^the analysis thread \(analysing file:\/\/\/work\/a\.rs\) crashed: .+; the language server exits so that the editor can restart it/,
      );
      assert.equal(thread.backlog, 0);
      await assert.rejects(thread.analyse(URI, 'rust', {}, 'fn main() {}\n'), told);
    },
  );
});
