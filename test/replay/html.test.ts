import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml, renderReplayHtml, type ReplayViewModel } from '../../replay/src/html';
import { naiveVerdict } from '../../replay/src/naive';
import { GET_ID_CALL, hostileRecording, splitRecording } from './recordings';

const RESOURCES = {
  cspSource: 'vscode-webview://abc',
  nonce: 'N0nce123',
  scriptUri: 'vscode-webview://abc/media/replay.js',
  styleUri: 'vscode-webview://abc/media/replay.css',
};

function render(recording = splitRecording(), ruleId: ReplayViewModel['ruleId'] = 'single-read-receive'): string {
  const model: ReplayViewModel = {
    call: GET_ID_CALL,
    recording,
    verdict: naiveVerdict(recording),
    ruleId,
    elapsedMs: 3.2,
  };
  return renderReplayHtml(model, RESOURCES);
}

describe('replay view HTML', () => {
  it('renders bus strings as text: a member named <script> cannot run', () => {
    const html = render(hostileRecording());
    assert.ok(!html.includes('<script>alert'), 'raw script tag from the bus');
    assert.ok(!html.includes('<img src=x'), 'raw img tag from the bus');
    assert.ok(!html.includes('"><b>'), 'attribute break-out from the bus');
    assert.ok(html.includes('signal &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('data-member="&lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(2)&gt;'));
    // The only script is ours, nonce-tagged, from the media folder.
    assert.deepEqual(html.match(/<script\b[^>]*>/g), [
      `<script nonce="N0nce123" src="vscode-webview://abc/media/replay.js">`,
    ]);
  });

  it('escapes the five HTML metacharacters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('sets a CSP that denies everything but our stylesheet and nonce script', () => {
    const html = render();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/
      .exec(html)?.[1]
      ?.replaceAll('&#39;', "'");
    assert.equal(csp, `default-src 'none'; style-src vscode-webview://abc; script-src 'nonce-N0nce123'`);
    assert.ok(!/ style="/.test(html), 'inline styles would need unsafe-inline');
    assert.ok(!/ on[a-z]+="/.test(html), 'inline handlers would need unsafe-inline');
  });

  it('has the stable ids and row attributes the e2e test reads', () => {
    const html = render();
    for (const id of [
      'sequence',
      'verdict',
      'verdict-headline',
      'stress-n',
      'stress-run',
      'stress-cancel',
      'stress-progress',
      'stress-summary',
      'export-pcap',
      'export-json',
      'copy-busctl',
      'copy-dbus-send',
      'replay-again',
    ]) {
      assert.ok(html.includes(`id="${id}"`), id);
    }
    assert.match(
      html,
      /<tr id="message-0" class="row message method-call sent"[^>]*data-serial="1"[^>]*data-member="Hello"/,
    );
    assert.match(
      html,
      /<tr id="message-2" [^>]*data-serial="2"[^>]*data-type="signal"[^>]*data-member="NameAcquired"[^>]*data-read="2"[^>]*data-naive="first-message"/,
    );
    assert.match(html, /<tr id="message-4" class="[^"]*is-reply[^"]*"[^>]*data-serial="3" data-reply-serial="2"/);
    assert.match(html, /id="verdict" class="verdict wrong emphasised" data-wrong="true"/);
    assert.match(html, /<input id="stress-n" type="number" [^>]*value="1000">/);
    assert.ok(html.includes('the reply, 0.30 ms after the call'));
  });

  it('draws auth rows and one lifeline per connection', () => {
    const html = render();
    assert.match(html, /<tr id="auth-0" class="row auth"[^>]*><td class="time">0\.20<\/td>/);
    assert.match(html, /data-lifeline="us" title="us"><span class="name">us<\/span><span class="unique">:1\.7<\/span>/);
    assert.match(
      html,
      /data-lifeline="bus" title="org\.freedesktop\.DBus"><span class="name">org\.<wbr>freedesktop\.<wbr>DBus<\/span>/,
    );
    assert.ok(!html.includes('data-lifeline="peer"'), 'a call to the bus itself has no third lifeline');
  });

  it('puts headers and the decoded body of each message in a hidden details row', () => {
    const html = render();
    assert.match(
      html,
      /<tr class="details" id="details-message-4" hidden>.*<dt>reply serial<\/dt><dd>2<\/dd>.*<pre class="body">\[\n {2}&quot;0123456789abcdef&quot;\n\]<\/pre>/s,
    );
  });
});
