// Replays against real buses: a private dbus-daemon with a dbus-test-tool echo peer, and the fake bus
// that splits NameAcquired from the reply. Also the pcap round trip through tshark.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { naiveCounts } from '../../replay/src/naive';
import type { ReplayCall } from '../../replay/src/call';
import { dbusBackend } from '../../replay/src/dbusBackend';
import { runReplay } from '../../replay/src/engine';
import { renderReplayHtml } from '../../replay/src/html';
import { toPcap } from '../../replay/src/pcap';
import { startDbusDaemon, startTestToolPeer, type Peer, type PrivateBus } from '../support/privateBus';
import { startFakeBus, type FakeBus } from './fakeBus';

const RESOURCES = { cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 'c' };

function tsharkSerials(pcap: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dbus-lint-pcap-'));
  try {
    const file = join(dir, 'out.pcap');
    writeFileSync(file, pcap);
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'dbus.serial', '-e', 'dbus.reply_serial'], {
      encoding: 'utf8',
    });
    return out.trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('replay on a private dbus-daemon with an echo peer', () => {
  let bus: PrivateBus;
  let peer: Peer;
  before(async () => {
    bus = await startDbusDaemon();
    peer = await startTestToolPeer(bus, 'echo', 'com.example.Echo');
  });
  after(async () => {
    await peer?.stop();
    await bus?.stop();
  });

  const call = (): ReplayCall => ({
    bus: { kind: 'address', address: bus.address },
    destination: 'com.example.Echo',
    path: '/',
    interface: 'com.example.Echo',
    member: 'Ping',
    signature: 's',
    args: ['<script>'],
  });

  it('records auth, Hello, NameAcquired, the call and the reply, and draws the peer lifeline', async () => {
    const result = await runReplay(call(), dbusBackend(), 2000);
    const { recording } = result;
    assert.ok(recording.auth.some((line) => line.line.startsWith('AUTH EXTERNAL')));
    const summary = recording.messages.map((m) => `${m.direction} ${m.type} ${m.member ?? ''}`.trim());
    assert.deepEqual(summary.slice(0, 2), ['sent method_call Hello', 'received method_return']);
    assert.ok(summary.includes('received signal NameAcquired'), summary.join(', '));
    assert.notEqual(recording.call, null);
    assert.notEqual(recording.reply, null);
    const reply = recording.messages[recording.reply!];
    assert.equal(reply.replySerial, recording.messages[recording.call!].serial);
    assert.equal(result.verdict.outcomes.length, 3);
    const html = renderReplayHtml({ ...result, ruleId: 'single-read-receive', elapsedMs: result.elapsedMs }, RESOURCES);
    assert.match(
      html,
      /data-lifeline="peer" title="com\.example\.Echo"><span class="name">com\.<wbr>example\.<wbr>Echo<\/span><span class="unique">:1\.\d+<\/span>/,
    );
    assert.ok(html.includes('&quot;&lt;script&gt;&quot;'), 'the argument is shown escaped in the details');
  });

  it('writes a pcap that tshark decodes to the same serials', async () => {
    const { recording } = await runReplay(call(), dbusBackend(), 2000);
    const expected = recording.messages.map((m) => `${m.serial}\t${m.replySerial ?? ''}`);
    assert.deepEqual(tsharkSerials(toPcap(recording)), expected);
  });

  it('ends in the recording with an error reply for an unknown method, and with ServiceUnknown for a missing peer', async () => {
    const unknown = await runReplay(
      {
        ...call(),
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'NoSuchMethod',
        signature: '',
        args: [],
      },
      dbusBackend(),
      2000,
    );
    assert.equal(unknown.recording.messages[unknown.recording.reply!].type, 'error');
    assert.match(
      renderReplayHtml({ ...unknown, ruleId: null }, RESOURCES),
      /class="row message error received is-error is-reply/,
    );
    const missing = await runReplay({ ...call(), destination: 'com.example.Missing' }, dbusBackend(), 2000);
    assert.equal(missing.recording.error?.name, 'org.freedesktop.DBus.Error.ServiceUnknown');
  });

  it('stresses with progress and stops early when cancelled', async () => {
    const progress: number[] = [];
    const summary = await dbusBackend().stress(
      call(),
      20,
      2000,
      (done) => progress.push(done),
      new AbortController().signal,
    );
    assert.equal(summary.runs, 20);
    assert.equal(summary.ok, 20);
    assert.deepEqual(
      progress,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const abort = new AbortController();
    const cancelled = await dbusBackend().stress(
      call(),
      1000,
      2000,
      (done) => done === 5 && abort.abort(),
      abort.signal,
    );
    assert.equal(cancelled.runs, 5);
  });

  it('introspects the method signature when the peer is introspectable, and says null when not', async () => {
    const bussig = await dbusBackend().describeMethod(
      { kind: 'address', address: bus.address },
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'RequestName',
      2000,
    );
    assert.deepEqual(bussig?.signature, 'su');
    // dbus-test-tool echo answers Introspect with an empty return, not XML.
    assert.equal(
      await dbusBackend().describeMethod(
        { kind: 'address', address: bus.address },
        'com.example.Echo',
        '/',
        'com.example.Echo',
        'Ping',
        2000,
      ),
      null,
    );
  });
});

describe('replay on a bus that splits NameAcquired from the reply', () => {
  let fake: FakeBus;
  before(async () => {
    fake = await startFakeBus();
  });
  after(async () => {
    await fake?.close();
  });

  it('marks the NameAcquired signal as what a single read after the call returned', async () => {
    const result = await runReplay(
      {
        bus: { kind: 'address', address: fake.address },
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'GetId',
        signature: '',
        args: [],
      },
      dbusBackend(),
      2000,
    );
    const { recording, verdict } = result;
    const signal = recording.messages.findIndex((m) => m.member === 'NameAcquired');
    const readOf = (index: number) => recording.reads.findIndex((read) => read.completes.includes(index));
    assert.notEqual(readOf(signal), readOf(recording.reply!), 'the fake bus wrote them apart');
    assert.equal(verdict.wrong, true);
    assert.equal(
      verdict.headline,
      `In this run, a single read after the call returned the NameAcquired signal (serial 2) — the reply (reply serial ${recording.messages[recording.call!].serial}) came in the next read.`,
    );
    const html = renderReplayHtml({ ...result, ruleId: 'single-read-receive' }, RESOURCES);
    assert.match(html, new RegExp(`<tr id="message-${signal}" [^>]*data-naive="first-message"`));
    // The client's own naive counter (used by stress) agrees on this sequence.
    assert.deepEqual(naiveCounts(recording), { firstMessageWrong: true, noReplyInFirstRead: true });
  });
});
