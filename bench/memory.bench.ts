// Server memory with many open files: RSS of the real language server after opening 200 real source files
// (a fixed, seeded sample of the Rust crates Debian ships, with every zbus/dbus file among them, plus
// some JavaScript), next to its RSS right after initialize and a warm-up in the same run; then all are
// closed and the RSS and the trees the server still holds are reported.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { languageForPath } from '../core/src/index';
import type { ServerStatus } from '../protocol/src/index';
import { REPO_ROOT } from '../test/support/analyzer';
import { LspTestClient } from '../test/support/lspClient';
import { seeded } from '../test/support/randomEdits';
import { runIfMain, type BenchRow } from './report';

const FILES = 200;
const GOAL_MB = 150;
const RUST_ROOT = '/usr/share/cargo/registry';
const JS_ROOT = '/usr/share';
const MAX_FILE = 2 * 1024 * 1024;

function walk(dir: string, accept: (path: string) => boolean, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) walk(path, accept, out);
    else if (stat.isFile() && stat.size <= MAX_FILE && accept(path)) out.push(path);
  }
  return out;
}

/** A fixed sample: every zbus/dbus crate file first (up to a third), then seeded picks of the rest. */
function sample(): string[] {
  const random = seeded(2026);
  const shuffle = (list: string[]) =>
    list
      .map((p) => [random(), p] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, p]) => p);
  const rust = walk(RUST_ROOT, (p) => p.endsWith('.rs'));
  const dbus = rust.filter((p) => /\/(?:zbus|dbus)[^/]*\//.test(p));
  const js = walk(JS_ROOT, (p) => p.endsWith('.js') && !p.startsWith(RUST_ROOT));
  const jsCount = Math.min(20, js.length);
  const picked = shuffle(dbus).slice(0, Math.floor(FILES / 3));
  const rest = shuffle(rust.filter((p) => !picked.includes(p)));
  picked.push(...rest.slice(0, FILES - jsCount - picked.length), ...shuffle(js).slice(0, jsCount));
  return picked;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

export async function run(): Promise<BenchRow[]> {
  const files = sample();
  const client = new LspTestClient();
  let status: ServerStatus | undefined;
  const waiters: (() => void)[] = [];
  client.connection.onNotification('dbusLint/status', (s: ServerStatus) => {
    status = s;
    for (const wake of waiters.splice(0)) wake();
  });
  const statusWhere = async (accept: (s: ServerStatus) => boolean): Promise<ServerStatus> => {
    const deadline = Date.now() + 120_000;
    while (!status || !accept(status)) {
      if (Date.now() > deadline) throw new Error(`no such status; last ${JSON.stringify(status)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return status;
  };
  await client.initialize(null);
  const pid = client.pid;
  if (!pid) throw new Error('no server pid');
  // Warm-up: both grammars loaded and used once, then closed.
  for (const [path, languageId] of [
    [join(REPO_ROOT, 'examples', 'rust', 'src', 'main.rs'), 'rust'],
    [join(REPO_ROOT, 'examples', 'ts', 'src', 'busId.ts'), 'typescript'],
  ] as const) {
    const uri = pathToFileURL(path).href;
    await client.open(uri, languageId, readFileSync(path, 'utf8'));
    await client.diagnostics(uri);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  await statusWhere((s) => s.treesHeld === 0);
  const baseline = rssMb(pid);

  let bytes = 0;
  const uris: string[] = [];
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    bytes += Buffer.byteLength(text);
    const language = languageForPath(path);
    const uri = pathToFileURL(path).href;
    uris.push(uri);
    await client.open(uri, language === 'rust' ? 'rust' : 'javascript', text);
  }
  for (const uri of uris) await client.diagnostics(uri, () => true, 120_000);
  const opened = rssMb(pid);
  const held = status?.treesHeld ?? NaN;
  const threads = status?.threads ?? 1;
  for (const uri of uris) await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  const closedStatus = await statusWhere((s) => s.treesHeld === 0);
  const closed = rssMb(pid);
  await client.shutdown();

  const rust = files.filter((p) => p.endsWith('.rs')).length;
  return [
    {
      target: 'memory: RSS after opening 200 files',
      figure: `${opened.toFixed(0)} MB`,
      anchor: `RSS after initialize + warm-up: ${baseline.toFixed(0)} MB`,
      ratio: opened / baseline,
      goal: `≤ ${GOAL_MB} MB`,
      met: opened <= GOAL_MB,
      note: `${files.length} files (${rust} Rust from ${RUST_ROOT}, ${files.length - rust} JS from ${JS_ROOT}; ${(bytes / 1024 / 1024).toFixed(1)} MB), all diagnostics received; trees held ${held}; analysis threads ${threads}; load average ${loadavg()[0]?.toFixed(2)}`,
    },
    {
      target: 'memory: RSS after closing them',
      figure: `${closed.toFixed(0)} MB`,
      anchor: `RSS after initialize + warm-up: ${baseline.toFixed(0)} MB`,
      ratio: closed / baseline,
      goal: 'trees released (0 held)',
      met: closedStatus.treesHeld === 0,
      note: `trees held after close: ${closedStatus.treesHeld ?? 'n/a'}; wasm memory does not shrink, so RSS stays near its peak`,
    },
  ];
}

runIfMain(module, run);
