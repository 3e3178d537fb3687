// The replay view in a real browser engine (headless Chromium), outside the editor: the page served
// with its CSP, a stand-in for acquireVsCodeApi, and the closed message set exercised both ways.
// The in-editor flow is the e2e suite's.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReplayHtml } from '../../replay/src/html';
import { naiveVerdict } from '../../replay/src/naive';
import { REPO_ROOT } from '../support/analyzer';
import { GET_ID_CALL, hostileRecording, splitRecording } from './recordings';

const CHROMIUM = '/usr/bin/chromium';

describe('replay view in Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed` }, () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let html = '';

  before(async () => {
    server = createServer((request, response) => {
      const url = request.url ?? '/';
      if (url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' }).end(html);
      } else if (/^\/media\/replay\.(js|css)$/.test(url)) {
        const type = url.endsWith('.js') ? 'text/javascript' : 'text/css';
        response.writeHead(200, { 'content-type': type }).end(readFileSync(join(REPO_ROOT, url)));
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  const stressState = (page: Page, state: string) =>
    page.locator(`#stress[data-state="${state}"]`).waitFor({ state: 'attached', timeout: 5000 });

  async function open(recording = splitRecording()): Promise<{ page: Page; posted: unknown[]; violations: string[] }> {
    html = renderReplayHtml(
      { call: GET_ID_CALL, recording, verdict: naiveVerdict(recording), ruleId: 'single-read-receive', elapsedMs: 2 },
      {
        cspSource: origin,
        nonce: 'abc123',
        scriptUri: `${origin}/media/replay.js`,
        styleUri: `${origin}/media/replay.css`,
      },
    );
    const page = await browser.newPage();
    const posted: unknown[] = [];
    const violations: string[] = [];
    await page.exposeFunction('__posted', (message: unknown) => posted.push(message));
    // Page-side code as strings: this project's test tsconfig has no DOM types.
    await page.addInitScript({
      content: `window.acquireVsCodeApi = () => ({ postMessage: (message) => window.__posted(message) });
        document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.violatedDirective));`,
    });
    page.on('console', (message) => message.type() === 'error' && violations.push(message.text()));
    page.on('pageerror', (error) => violations.push(error.message));
    await page.goto(origin);
    await stressState(page, 'idle');
    return { page, posted, violations };
  }

  it('runs its script under the CSP, says ready, and expands a row into headers and body', async () => {
    const { page, posted, violations } = await open();
    assert.deepEqual(posted[0], { type: 'ready' });
    const row = page.locator('#sequence tr.row[data-serial="3"][data-reply-serial="2"]');
    await row.click();
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    assert.match(await page.locator('#details-message-4').innerText(), /reply serial\s+2/);
    assert.equal(await page.locator('#verdict').getAttribute('data-wrong'), 'true');
    assert.deepEqual(violations, []);
    await page.close();
  });

  it('posts only closed-set messages for its buttons and shows stress progress and summary', async () => {
    const { page, posted } = await open();
    await page.fill('#stress-n', '50');
    await page.click('#stress-run');
    await page.click('#copy-busctl');
    await page.click('#export-pcap');
    await stressState(page, 'running');
    assert.deepEqual(posted.slice(1), [
      { type: 'runStress', runs: 50 },
      { type: 'copyCommand', tool: 'busctl' },
      { type: 'savePcap' },
    ]);
    await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'stressProgress', done: 25, total: 50 })}, '*')`);
    await page.locator('#stress-status', { hasText: '25 / 50' }).waitFor();
    const summary = {
      runs: 50,
      ok: 50,
      failed: 0,
      timeouts: 0,
      latencyMs: { p50: 0.8, p99: 3.1 },
      naive: { firstMessageWrong: 6, noReplyInFirstRead: 2 },
    };
    await page.evaluate(
      `window.postMessage(${JSON.stringify({ type: 'stressDone', summary, cancelled: false })}, '*')`,
    );
    await stressState(page, 'done');
    assert.equal(await page.locator('#stress-summary').isVisible(), true);
    assert.equal(await page.locator('#stress-first-wrong').innerText(), '6 (12.0 %)');
    assert.equal(await page.locator('#stress-p99').innerText(), '3.10');
    await page.close();
  });

  it('shows hostile bus strings as text', async () => {
    const { page, violations } = await open(hostileRecording());
    assert.equal(
      await page.locator('#sequence tr.row[data-type="signal"] .what').innerText(),
      'signal <script>alert(1)</script>',
    );
    assert.equal(await page.locator('img').count(), 0);
    assert.deepEqual(violations, []);
    await page.close();
  });
});
