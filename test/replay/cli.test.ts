// `dbus-lint replay FILE:LINE` as users run it (the built dist/cli.js), on a private dbus-daemon with a
// dbus-test-tool echo peer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { startDbusDaemon, startTestToolPeer, type Peer, type PrivateBus } from '../support/privateBus';

const FIXTURE = 'test/replay/fixtures/echo.js';

describe('dbus-lint replay', () => {
  let bus: PrivateBus;
  let peer: Peer;
  let scratch: string;
  before(async () => {
    bus = await startDbusDaemon();
    peer = await startTestToolPeer(bus, 'echo', 'com.example.Echo');
    scratch = mkdtempSync(join(tmpdir(), 'dbus-lint-replay-'));
  });
  after(async () => {
    await peer?.stop();
    await bus?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('replays a fixture finding with --yes --format json and writes a pcap tshark reads back', async () => {
    const pcap = join(scratch, 'out.pcap');
    const run = await runCli([
      'replay',
      `${FIXTURE}:8`,
      '--yes',
      '--format',
      'json',
      '--address',
      bus.address,
      '--pcap',
      pcap,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.finding.ruleId, 'call-without-timeout');
    assert.deepEqual(out.call.args, ['hello']);
    assert.equal(out.call.destination, 'com.example.Echo');
    const { messages, reply } = out.recording;
    assert.deepEqual(
      Object.keys(out.recording),
      ['messages', 'reads', 'reply', 'error'],
      'the `dbus-lint call --format json` shape',
    );
    assert.equal(messages[reply].type, 'method_return');
    assert.ok(messages.some((m: { member: string | null }) => m.member === 'NameAcquired'));
    assert.equal(out.verdict.outcomes.length, 3);
    assert.ok(out.timing.recordMs > 0);
    const fields = execFileSync(
      'tshark',
      ['-r', pcap, '-T', 'fields', '-e', 'dbus.serial', '-e', 'dbus.reply_serial'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    assert.deepEqual(
      fields.trim().split('\n'),
      messages.map((m: { serial: number; replySerial: number | null }) => `${m.serial}\t${m.replySerial ?? ''}`),
    );
  });

  it('gives `dbus-lint call` a --pcap that tshark decodes, error reply included', async () => {
    const pcap = join(scratch, 'call.pcap');
    const run = await runCli([
      'call',
      '--address',
      bus.address,
      '--dest',
      'org.freedesktop.DBus',
      '--path',
      '/org/freedesktop/DBus',
      '--interface',
      'org.freedesktop.DBus',
      '--method',
      'NoSuchMethod',
      '--signature',
      '',
      '--format',
      'json',
      '--pcap',
      pcap,
    ]);
    assert.equal(run.code, 1, run.stderr);
    const { messages } = JSON.parse(run.stdout);
    const fields = execFileSync(
      'tshark',
      ['-r', pcap, '-T', 'fields', '-e', 'dbus.serial', '-e', 'dbus.reply_serial', '-e', 'dbus.error_name'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    assert.deepEqual(
      fields.trim().split('\n'),
      messages.map(
        (m: { serial: number; replySerial: number | null; errorName: string | null }) =>
          `${m.serial}\t${m.replySerial ?? ''}\t${m.errorName ?? ''}`,
      ),
    );
  });

  it('prints the transcript in text form, with stress numbers for --repeat', async () => {
    const run = await runCli(['replay', `${FIXTURE}:8`, '--yes', '--address', bus.address, '--repeat', '20']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /us → com\.example\.Echo +method_call Ping serial 2 {2}← the call/);
    assert.match(run.stdout, /Call to reply: [\d.]+ ms/);
    assert.match(run.stdout, /Verdict: /);
    assert.match(run.stdout, /Stress: \{"runs":20,"ok":20,/);
  });

  it('names a part the code does not give and the flag that passes it; replays once given', async () => {
    const missing = await runCli(['replay', `${FIXTURE}:15`, '--yes', '--address', bus.address]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does not say the call's destination; pass --dest NAME/);
    const noArgs = await runCli([
      'replay',
      `${FIXTURE}:15`,
      '--yes',
      '--address',
      bus.address,
      '--dest',
      'com.example.Echo',
    ]);
    assert.equal(noArgs.code, 2);
    assert.match(
      noArgs.stderr,
      /Ping takes 1 argument \(signature "s"\) that the code does not give as literals: pass each with --arg VALUE/,
    );
    const given = await runCli([
      'replay',
      `${FIXTURE}:15`,
      '--yes',
      '--address',
      bus.address,
      '--dest',
      'com.example.Echo',
      '--arg',
      'hi',
    ]);
    assert.equal(given.code, 0, given.stderr);
  });

  it('refuses to send without --yes when stdin is not a terminal, and says which lines have findings', async () => {
    const unconfirmed = await runCli(['replay', `${FIXTURE}:8`, '--address', bus.address]);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /pass --yes to send/);
    const nothing = await runCli(['replay', `${FIXTURE}:3`, '--yes', '--address', bus.address]);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /no finding on .*echo\.js:3; findings are on lines 8, 15/);
  });

  it('without --yes and no terminal, opens no connection at all: not even to introspect for a signature', async () => {
    // A bus of our own that counts who connects: an Introspect (or a Hello) could start an activatable service.
    const socket = join(scratch, 'counting-bus');
    let connections = 0;
    let probeSeen: () => void = () => {};
    const server = createServer((client) => {
      connections++;
      client.destroy();
      probeSeen();
    });
    await new Promise<void>((listening) => server.listen(socket, listening));
    try {
      const run = await runCli(['replay', 'test/replay/fixtures/unsigned.js:8', '--address', `unix:path=${socket}`]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /was not introspected \(pass --yes to allow it\)/);
      assert.match(run.stderr, /not sending without confirmation: pass --yes to send/);
      // Connections are accepted in the order they came: once a probe of ours is, any the CLI made was too.
      const probe = new Promise<void>((seen) => (probeSeen = seen));
      connect(socket).on('error', () => {});
      await probe;
      assert.equal(connections, 1, 'the CLI connected before consent');
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});
