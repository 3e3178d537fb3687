// Keystroke latency through the real language server over stdio: one-character didChange edits of the
// 10k-line bench files, each timed from didChange to the publishDiagnostics of that version, with the
// server's default settings. Anchor, measured in the same run: the full analysis of the same file by the
// same server (didOpen to publishDiagnostics).
import { loadavg } from 'node:os';
import { LspTestClient } from '../test/support/lspClient';
import { lspChange, seeded } from '../test/support/randomEdits';
import type { ServerStatus } from '../protocol/src/index';
import { benchFile } from './corpus';
import { median, quantile, runIfMain, type BenchRow } from './report';

const EDITS = Number(process.env.BENCH_EDITS ?? 300);
const WARM_UP = 20;
const FULL_RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Keystroke {
  start: number;
  end: number;
  text: string;
  kind: string;
}

/**
 * Keystrokes of the kinds typing makes, each undone afterwards (both timed) so the file stays the code it
 * was: a character typed inside an identifier (half of them in D-Bus code, at the words the rules anchor
 * on), a punctuation character, a line break, and typing sequences (a new statement typed character by
 * character at the end of a line inside a function, then deleted with backspaces).
 */
export function* keystrokes(random: () => number, original: string): Generator<Keystroke[]> {
  const identifiers = [...original.matchAll(/\b[A-Za-z_]\w{2,}\b/g)].map((m) => m.index);
  const dbusWords = [...original.matchAll(/\b(?:read|recv|send|call|invoke|Proxy|once|serial|bus|Message)\w*/g)].map(
    (m) => m.index,
  );
  const lineEnds = [...original.matchAll(/;\n/g)].map((m) => m.index + 1);
  const pick = (list: number[]) => list[Math.floor(random() * list.length)] ?? 0;
  for (;;) {
    const roll = random();
    if (roll < 0.6) {
      const at = (random() < 0.5 ? pick(dbusWords) : pick(identifiers)) + 1 + Math.floor(random() * 2);
      yield [
        { start: at, end: at, text: 'x', kind: 'identifier char' },
        { start: at, end: at + 1, text: '', kind: 'identifier char undone' },
      ];
    } else if (roll < 0.75) {
      const at = Math.floor(random() * original.length);
      const ch = '(){};,.=<>'[Math.floor(random() * 10)] ?? ';';
      yield [
        { start: at, end: at, text: ch, kind: 'punctuation' },
        { start: at, end: at + 1, text: '', kind: 'punctuation undone' },
      ];
    } else if (roll < 0.85) {
      const at = pick(lineEnds);
      yield [
        { start: at, end: at, text: '\n', kind: 'line break' },
        { start: at, end: at + 1, text: '', kind: 'line break undone' },
      ];
    } else {
      const at = pick(lineEnds);
      const typed = ' let ok = 1;';
      const sequence: Keystroke[] = [];
      for (let i = 0; i < typed.length; i++)
        sequence.push({ start: at + i, end: at + i, text: typed[i] ?? ' ', kind: 'typing' });
      for (let i = typed.length - 1; i >= 0; i--)
        sequence.push({ start: at + i, end: at + i + 1, text: '', kind: 'backspace' });
      yield sequence;
    }
  }
}

interface LanguageResult {
  keystrokeMs: number[];
  /** The server's own analysis time per keystroke (from its status), to tell it from the round trip. */
  serverMs: number[];
  incremental: number;
  fullMs: number[];
  lines: number;
}

async function measure(language: 'rust' | 'typescript'): Promise<LanguageResult> {
  const original = benchFile(language);
  const uri = `file:///bench/keystroke.${language === 'rust' ? 'rs' : 'ts'}`;
  const client = new LspTestClient();
  let status: ServerStatus | undefined;
  client.connection.onNotification('dbusLint/status', (s: ServerStatus) => {
    status = s;
  });
  await client.initialize(null);
  let version = 1;
  const fullMs: number[] = [];
  // The anchor: open (full parse and analysis), timed to its diagnostics; repeated, then left open.
  for (let i = 0; i < FULL_RUNS + 1; i++) {
    if (i > 0) await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const v = ++version;
    const started = performance.now();
    await client.open(uri, language, original, v);
    await client.diagnostics(uri, (p) => p.version === v, 60_000);
    // The first open pays the grammar's warm-up: not a steady-state figure.
    if (i > 0) fullMs.push(performance.now() - started);
  }
  let text = original;
  const keystrokeMs: number[] = [];
  const serverMs: number[] = [];
  let incremental = 0;
  const random = seeded(language === 'rust' ? 11 : 22);
  let sent = 0;
  for (const group of keystrokes(random, original)) {
    for (const stroke of group) {
      const v = ++version;
      const change = lspChange(text, stroke);
      text = text.slice(0, stroke.start) + stroke.text + text.slice(stroke.end);
      const started = performance.now();
      await client.change(uri, v, [change]);
      await client.diagnostics(uri, (p) => p.version === v, 60_000);
      const elapsed = performance.now() - started;
      if (sent++ >= WARM_UP) {
        keystrokeMs.push(elapsed);
        if (status?.lastIncremental) incremental++;
        if (status?.lastAnalysisMs !== undefined) serverMs.push(status.lastAnalysisMs);
      }
    }
    if (sent >= EDITS + WARM_UP) break;
  }
  if (text !== original) throw new Error('the keystrokes did not leave the file as it was');
  await client.shutdown();
  return { keystrokeMs, serverMs, incremental, fullMs, lines: original.split('\n').length };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const language of ['rust', 'typescript'] as const) {
    const result = await measure(language);
    const full = median(result.fullMs);
    const anchor = `full analysis by the same server (didOpen→publish, median of ${result.fullMs.length}): ${full.toFixed(1)} ms`;
    const note = `${result.lines}-line bench file; ${result.keystrokeMs.length} one-character edits (after ${WARM_UP} warm-up), ${result.incremental} (${((100 * result.incremental) / result.keystrokeMs.length).toFixed(0)}%) re-analysed incrementally (the rest: full pass); server-side analysis median ${median(result.serverMs).toFixed(1)} ms, p99 ${quantile(result.serverMs, 0.99).toFixed(1)} ms; default settings (debounce applies only to edits over 256 characters); load average ${loadavg()[0]?.toFixed(2)}`;
    for (const [q, goal] of [
      [0.5, 5],
      [0.99, 20],
    ] as const) {
      const figure = quantile(result.keystrokeMs, q);
      rows.push({
        target: `keystroke p${Math.round(q * 100)} (${language})`,
        figure: `${figure.toFixed(1)} ms`,
        anchor,
        ratio: figure / full,
        goal: `≤ ${goal} ms`,
        met: figure <= goal,
        note,
      });
    }
  }
  return rows;
}

runIfMain(module, run);
