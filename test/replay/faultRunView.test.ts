import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  escapeHtml,
  FaultBus,
  faultRunLive,
  parseFaults,
  renderFaultRunHtml,
  runProgram,
  type ProgramEnd,
} from '../../replay/src/index';
import { REPO_ROOT } from '../support/analyzer';
import { startDbusDaemon, type PrivateBus } from '../support/privateBus';

/** The demo's naive client: one read after each call, the first message taken as the reply. */
const NAIVE_CLIENT = join(REPO_ROOT, 'examples', 'ts', 'src', 'naiveClient.cjs');

async function runNaive(bus: PrivateBus, faults: string[]) {
  const proxy = await FaultBus.start({
    upstream: { kind: 'address', address: bus.address },
    faults: parseFaults(faults),
  });
  try {
    let output = '';
    const run = runProgram([process.execPath, NAIVE_CLIENT], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: proxy.address },
      cwd: REPO_ROOT,
      timeoutMs: 10_000,
      onOutput: (chunk) => (output += chunk),
    });
    const end = await run.done;
    await proxy.whenIdle(2000);
    return { end, output, connections: proxy.recording().connections };
  } finally {
    await proxy.close();
  }
}

describe('the fault bus live view', () => {
  let bus: PrivateBus;
  before(async () => (bus = await startDbusDaemon()));
  after(async () => bus.stop());

  it('a naive client under late-signal fails every run; the view marks the held NameAcquired and says so', async () => {
    for (let run = 0; run < 5; run++) {
      const { end, output, connections } = await runNaive(bus, ['late-signal']);
      assert.equal(end.outcome, 'failed', output);
      assert.match(output, /took message type 4 .* as the reply to GetId/);
      const live = faultRunLive(connections, ['late-signal'], end);
      assert.equal(live.state, 'failed');
      assert.match(
        live.headline,
        /^failed: exited 1 after .* under late-signal; the rows the proxy changed are marked$/,
      );
      const held = live.rows.find((row) => row.member === 'NameAcquired');
      assert.equal(held?.fault, 'late-signal: held');
      assert.equal(held?.direction, 'received');
      // The client read once, took the signal and left: the reply came after, in a read it never made.
      const reply = live.rows.find((row) => row.type === 'method_return' && row.replySerial === 2);
      assert.ok(held && held.io !== null, 'the held signal was read');
      assert.ok(reply === undefined || reply.io === null || reply.io > held.io, JSON.stringify(live.rows));
      assert.ok(live.injected >= 1);
    }
  });

  it('a program that cannot start is an error the view states; a running one says how far it is', () => {
    const live = faultRunLive([], ['drop-reply'], {
      error: 'cannot run nope: spawn nope ENOENT (is it installed, and on PATH?)',
    });
    assert.equal(live.state, 'error');
    assert.match(live.headline, /cannot run nope/);
    assert.equal(faultRunLive([], [], undefined).headline, 'running with no fault: 0 messages so far');
    const hung: ProgramEnd = { outcome: 'hung', exitCode: null, signal: 'SIGKILL', durationMs: 30_000 };
    assert.match(faultRunLive([], ['drop-reply'], hung).headline, /^hung: killed after 30\.0 s under drop-reply/);
  });

  it('the page escapes the command and runs only its nonce script', () => {
    const command = `node x.js '<img src=x onerror=alert(1)>' "&"`;
    const html = renderFaultRunHtml(
      { command, cwd: '/tmp/<b>', bus: 'the session bus', faults: ['late-signal'] },
      { cspSource: 'vscode-resource:', nonce: 'n0nce', scriptUri: 'x.js', styleUri: 'x.css' },
    );
    assert.ok(html.includes(escapeHtml(command)));
    assert.ok(!html.includes('<img'));
    assert.ok(!html.includes('<b>'));
    assert.match(html, /script-src &#39;nonce-n0nce&#39;/);
    assert.equal(html.match(/<script/g)?.length, 1);
  });
});
