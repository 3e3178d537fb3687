// Differential test of the incremental analysis: after every random edit, what an AnalysisDocument
// returns must deep-equal a full analysis of the same text (ranges, related, data, fixes, suppressFix).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LanguageId } from '../../core/src/index';
import { benchFile } from '../../bench/corpus';
import { testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';
import { applyOffsetEdit, randomEdit, seeded, type OffsetEdit } from '../support/randomEdits';

/** DBUS_LINT_STRESS=N runs N times the edits, DBUS_LINT_SEED=S other random sequences: for long runs by hand. */
const STRESS = Number(process.env.DBUS_LINT_STRESS ?? 1);
const SEED = Number(process.env.DBUS_LINT_SEED ?? 0);
const EDITS_PER_FIXTURE = 40 * STRESS;
const EDITS_PER_BENCH_FILE = 40 * STRESS;

interface Tally {
  edits: number;
  incremental: number;
  reused: number;
}

async function differential(
  name: string,
  text: string,
  language: LanguageId,
  edits: number,
  seed: number,
  tally: Tally,
  /** Edits made in this order instead of random ones (undone as the random ones are). */
  script?: readonly OffsetEdit[],
): Promise<void> {
  const analyzer = testAnalyzer();
  const random = seeded(seed);
  const document = await analyzer.open(text, language);
  try {
    assert.deepStrictEqual(document.findings, await analyzer.analyze(text, language), `${name}: on open`);
    let current = text;
    let undo: OffsetEdit | undefined;
    for (let i = 0; i < (script?.length ?? edits); i++) {
      const scripted = script?.[i];
      // Mostly one change per update (the incremental path); sometimes two at once (the full path); most of the
      // time (70%) the previous edit is undone, as typing then deleting does, so files stay mostly valid.
      const changes = scripted ? [scripted] : undo && random() < 0.7 ? [undo] : [randomEdit(random, current)];
      if (!scripted && random() < 0.05) changes.push(randomEdit(random, applyOffsetEdit(current, changes[0])));
      const [first] = changes;
      undo =
        changes.length === 1 && first && first !== undo
          ? {
              start: first.start,
              end: first.start + first.text.length,
              text: current.slice(first.start, first.end),
              kind: 'undo',
            }
          : undefined;
      for (const change of changes) current = applyOffsetEdit(current, change);
      const incremental = document.update(changes);
      assert.equal(document.text, current, `${name}: edit ${i} text`);
      const full = await analyzer.analyze(current, language);
      assert.deepStrictEqual(
        incremental,
        full,
        `${name}: edit ${i} (${changes.map((c) => `${c.kind} at ${c.start}: ${JSON.stringify(c.text)}`).join(', ')}; seed ${seed})`,
      );
      tally.edits++;
      if (document.stats.incremental) tally.incremental++;
      tally.reused += document.stats.reused;
    }
  } finally {
    document.dispose();
  }
}

describe('incremental analysis equals a full analysis after every edit', () => {
  it('over every fixture', async () => {
    const tally: Tally = { edits: 0, incremental: 0, reused: 0 };
    let seed = 1 + SEED * 1000;
    for (const fixture of loadFixtures())
      await differential(fixture.path, fixture.text, fixture.language, EDITS_PER_FIXTURE, seed++, tally);
    // The test must exercise the incremental path, not only the full one (taken for multi-change updates).
    assert.ok(tally.incremental > tally.edits * 0.8, JSON.stringify(tally));
    assert.ok(tally.reused > tally.incremental, JSON.stringify(tally));
  });

  for (const language of ['rust', 'typescript'] as const) {
    it(`over the 10k-line ${language} bench file`, async () => {
      const tally: Tally = { edits: 0, incremental: 0, reused: 0 };
      await differential(
        `bench ${language}`,
        benchFile(language),
        language,
        EDITS_PER_BENCH_FILE,
        (language === 'rust' ? 101 : 202) + SEED,
        tally,
      );
      assert.ok(tally.incremental > tally.edits * 0.8 && tally.reused > tally.incremental * 100, JSON.stringify(tally));
    });
  }
});

describe('incremental analysis of a Rust module larger than an item (read as its members)', () => {
  // 60 KB of the bench file's modules inside one module, then more modules: the outer one is split into items.
  const bench = benchFile('rust');
  const cut = bench.indexOf('\npub mod ', 60_000) + 1;
  const rest = bench.indexOf('\npub mod ', cut + 20_000) + 1;
  const text = `pub mod outer {\n${bench.slice(0, cut)}}\n\n${bench.slice(cut, rest)}`;

  it('equals a full analysis after random edits', async () => {
    const tally: Tally = { edits: 0, incremental: 0, reused: 0 };
    await differential('large module', text, 'rust', EDITS_PER_BENCH_FILE, 303 + SEED, tally);
    assert.ok(tally.incremental > tally.edits * 0.8 && tally.reused > tally.incremental * 10, JSON.stringify(tally));
  });

  it('equals a full analysis while a statement is typed before a closing brace (the rest of the file nested one level deeper, then not)', async () => {
    const analyzer = testAnalyzer();
    const findings = await analyzer.analyze(text, 'rust');
    // The modules inside the split one have findings of their own: their results are what is compared.
    assert.ok(
      findings.some((f) => f.range.start.line < text.slice(0, cut).split('\n').length),
      'findings inside',
    );
    const script: OffsetEdit[] = [];
    const typed = ' let ok = 1;';
    for (const at of [text.indexOf(';\n        }\n', 5_000) + 1, text.indexOf(';\n        }\n', cut) + 1]) {
      for (let i = 0; i < typed.length; i++)
        script.push({ start: at + i, end: at + i, text: typed[i] ?? '', kind: 'typing' });
      for (let i = typed.length - 1; i >= 0; i--)
        script.push({ start: at + i, end: at + i + 1, text: '', kind: 'backspace' });
    }
    const document = await analyzer.open(text, 'rust');
    const roots = document.stats.items;
    document.dispose();
    const after = await analyzer.open(bench.slice(cut, rest), 'rust');
    // Split: more items than the modules after it and one for the outer module.
    assert.ok(roots > after.stats.items + 1, `${roots} items, ${after.stats.items} after the outer module`);
    after.dispose();
    const tally: Tally = { edits: 0, incremental: 0, reused: 0 };
    await differential('large module, typed', text, 'rust', script.length, 0, tally, script);
    assert.equal(tally.incremental, script.length, JSON.stringify(tally));
  });
});

describe('AnalysisDocument.edit with the host text', () => {
  it("takes the host's text after the change when its length fits the change, and builds its own otherwise", async () => {
    const analyzer = testAnalyzer();
    const text = 'fn main() {\n    let x = 1;\n}\n';
    const document = await analyzer.open(text, 'rust');
    try {
      const at = text.indexOf('1');
      const after = `${text.slice(0, at)}2${text.slice(at + 1)}`;
      document.edit([{ start: at, end: at + 1, text: '2', after }]);
      assert.equal(document.text, after);
      // A host text of the wrong length is not this change's result: ignored.
      document.edit([{ start: at, end: at + 1, text: '3', after: 'not the text' }]);
      assert.equal(document.text, `${text.slice(0, at)}3${text.slice(at + 1)}`);
      assert.deepStrictEqual(document.analyse(), await analyzer.analyze(document.text, 'rust'));
    } finally {
      document.dispose();
    }
  });
});
