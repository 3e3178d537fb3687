// Command to rendered diagram, outside the editor: the replay engine on a private dbus-daemon (fresh
// connection, auth, Hello, the call, the reply), the naive verdict and the view's HTML, then that HTML
// loaded in headless Chromium until its script says ready. Measured next to `busctl call` of the same
// method in the same run (a whole process per call, the floor a user would otherwise pay).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { dbusBackend, renderReplayHtml, runReplay } from '../replay/src/index';
import { startDbusDaemon } from '../test/support/privateBus';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const CHROMIUM = '/usr/bin/chromium';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const max = (values: number[]) => Math.max(...values);
const fixed = (ms: number) => ms.toFixed(2);

async function main(): Promise<void> {
  const bus = await startDbusDaemon();
  const browser = existsSync(CHROMIUM)
    ? await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })
    : null;
  const page = await browser?.newPage();
  let onReady: () => void = () => undefined;
  await page?.exposeFunction('__ready', () => onReady());
  const stub =
    'window.acquireVsCodeApi = () => ({ postMessage: (m) => { if (m.type === "ready") window.__ready(); } });';
  const call = {
    bus: { kind: 'address' as const, address: bus.address },
    destination: 'org.freedesktop.DBus',
    path: '/org/freedesktop/DBus',
    interface: 'org.freedesktop.DBus',
    member: 'GetId',
    signature: '',
    args: [],
  };
  const backend = dbusBackend();
  const engine: number[] = [];
  const html: number[] = [];
  const rendered: number[] = [];
  const busctl: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const spawnStart = performance.now();
      spawnSync('busctl', [
        `--address=${bus.address}`,
        'call',
        call.destination,
        call.path,
        call.interface,
        call.member,
      ]);
      busctl.push(performance.now() - spawnStart);

      const started = performance.now();
      const result = await runReplay(call, backend, 2000);
      const view = renderReplayHtml(
        { ...result, ruleId: 'single-read-receive' },
        { cspSource: "'self'", nonce: 'bench', scriptUri: 'about:blank', styleUri: 'about:blank' },
      );
      const built = performance.now();
      engine.push(result.elapsedMs);
      html.push(built - started - result.elapsedMs);
      if (page) {
        // The real script inline (nonce-tagged), as the webview would run it from media/.
        const script = readFileSync('media/replay.js', 'utf8');
        const ready = new Promise<void>((resolve) => (onReady = resolve));
        await page.setContent(
          view.replace(
            /<script nonce="bench" src="about:blank"><\/script>/,
            `<script nonce="bench">${stub}</script><script nonce="bench">${script}</script>`,
          ),
        );
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise(
          (_, reject) => (timer = setTimeout(() => reject(new Error('the view did not say ready within 5 s')), 5000)),
        );
        await Promise.race([ready, timeout]).finally(() => clearTimeout(timer));
        rendered.push(performance.now() - started);
      }
    }
  } finally {
    await browser?.close();
    await bus.stop();
  }
  console.log(`replay on a private dbus-daemon, ${RUNS} runs (median / max, ms):`);
  console.log(`  engine (connect, auth, Hello, call, reply)   ${fixed(median(engine))} / ${fixed(max(engine))}`);
  console.log(`  verdict + view HTML                           ${fixed(median(html))} / ${fixed(max(html))}`);
  if (rendered.length)
    console.log(`  command to rendered diagram (Chromium ready)  ${fixed(median(rendered))} / ${fixed(max(rendered))}`);
  console.log(`  busctl call, one process                      ${fixed(median(busctl))} / ${fixed(max(busctl))}`);
  console.log(
    `  ratio engine / busctl: ${(median(engine) / median(busctl)).toFixed(2)}${rendered.length ? `; rendered / busctl: ${(median(rendered) / median(busctl)).toFixed(2)}` : ''}`,
  );
}

void main();
