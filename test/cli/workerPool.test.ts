// The worker path of `dbus-lint check` reports every file exactly as the main thread does: findings,
// and the problems (a file gone after the walk, a binary file, one over the size cap, one that is not code).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Analyzer } from '../../core/src/index';
import { grammarFolder } from '../../host/src/grammarFiles';
import { checkFile, type FileOutcome } from '../../host/src/index';
import { batches, checkInWorkers, type PoolFile } from '../../cli/src/workerPool';
import { REPO_ROOT } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';

const GRAMMARS = join(REPO_ROOT, 'grammars');

function workspace(): PoolFile[] {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-pool-'));
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const files = [
    ...loadFixtures().map((f) => f.absolutePath),
    join(REPO_ROOT, 'examples', 'ts', 'src', 'busId.ts'),
    // Walked, then deleted before it is read: the read fails in the worker.
    join(dir, 'gone.rs'),
    write('blob.rs', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])),
    write('huge.ts', `import dbus from 'dbus-next';\n${'// padding\n'.repeat(2000)}`),
    write('broken.ts', 'import dbus from "dbus-next";\nawait bus.call(((((\n'),
    write('plain.rs', 'fn main() { println!("no bus here"); }\n'),
  ];
  return files.map((file, index) => ({ index, file, path: `p/${index}`, size: index === 0 ? 1e9 : 100 }));
}

describe('check on worker threads', () => {
  it('gives every file the outcome the main thread gives it', async () => {
    const files = workspace();
    const options = { maxFileSize: 10_000 };
    const analyzer = new Analyzer(grammarFolder(GRAMMARS));
    const expected: FileOutcome[] = [];
    for (const { file, path } of files) expected.push(await checkFile(analyzer, file, path, options));
    const actual: FileOutcome[] = new Array<FileOutcome>(files.length);
    await checkInWorkers(files, 2, { grammarDir: GRAMMARS, options }, (index, outcome) => {
      assert.equal(actual[index], undefined, `file ${index} reported twice`);
      actual[index] = outcome;
    });
    assert.deepEqual(actual, expected);
    const kinds = (kind: FileOutcome['kind']) => expected.filter((o) => o.kind === kind).length;
    assert.equal(kinds('ioError'), 1);
    assert.equal(kinds('skipped'), 2, 'binary and too large');
    assert.ok(expected.some((o) => o.kind === 'analysed' && o.result.findings.length > 0));
    assert.match(JSON.stringify(expected), /no such file or directory/);
    assert.match(JSON.stringify(expected), /over the 10000-character limit/);
  });

  it('deals out the largest files first, each file once', () => {
    const files = workspace();
    const dealt = batches(files);
    assert.equal(dealt[0]?.[0]?.index, 0, 'the largest file opens the first batch');
    assert.deepEqual(
      dealt
        .flat()
        .map((f) => f.index)
        .sort((a, b) => a - b),
      files.map((f) => f.index),
    );
  });
});
