// `dbus-lint call` end to end on a live bus, in-process through the CLI's main().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallRecording, StressSummary } from '../../wire/src/index';
import { main } from '../../cli/src/main';
import { forEachBus } from '../support/busSuite';
import { startTestToolPeer } from '../support/privateBus';
import { PEER, startTypesPeer } from '../support/typesPeer';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: process.cwd(),
    env: process.env,
  });
  return { code, stdout, stderr };
}

const getId = [
  '--dest',
  'org.freedesktop.DBus',
  '--path',
  '/org/freedesktop/DBus',
  '--interface',
  'org.freedesktop.DBus',
  '--method',
  'GetId',
];

forEachBus('dbus-lint call', ({ kind, need }) => {
  test('--format json on GetId: Hello (serial 1), its return (reply serial 1), NameAcquired, the GetId return', async (t) => {
    const b = need(t);
    if (!b) return;
    const { code, stdout, stderr } = await cli(['call', '--address', b.address, ...getId, '--format', 'json']);
    assert.equal(code, 0, stderr);
    const recording = JSON.parse(stdout) as CallRecording;
    assert.deepEqual(Object.keys(recording), ['messages', 'reads', 'reply', 'error']);
    assert.deepEqual(Object.keys(recording.messages[0]), [
      'direction',
      'type',
      'serial',
      'replySerial',
      'sender',
      'destination',
      'path',
      'interface',
      'member',
      'errorName',
      'signature',
      'body',
      'atMs',
      'size',
    ]);
    const [hello, helloReturn] = recording.messages;
    assert.deepEqual([hello.direction, hello.member, hello.serial], ['sent', 'Hello', 1]);
    assert.deepEqual([helloReturn.type, helloReturn.replySerial], ['method_return', 1]);
    assert.ok(recording.messages.some((m) => m.type === 'signal' && m.member === 'NameAcquired'));
    const call = recording.messages.find((m) => m.member === 'GetId')!;
    const reply = recording.messages[recording.reply!];
    assert.equal(reply.type, 'method_return');
    assert.equal(reply.replySerial, call.serial);
    assert.match(String(reply.body[0]), /^[0-9a-f]{32}$/);
    assert.equal(recording.error, null);
    if (kind === 'dbus-broker') assert.equal(reply.serial, 0xffffffff);
    assert.ok(recording.reads.every((read) => read.bytes > 0));
    // No --signature: the CLI introspected, and said so.
    assert.match(stderr, /introspected/);
  });

  test('text output, exit codes 1 (error reply), 3 (timeout) and 2 (connection, usage)', async (t) => {
    const b = need(t);
    if (!b) return;
    const text = await cli(['call', '--address', b.address, ...getId, '--signature', '']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /Hello/);
    assert.match(text.stdout, /NameAcquired/);
    assert.match(text.stdout, /^reply: /m);

    const unknown = await cli([
      'call',
      '--address',
      b.address,
      '--dest',
      'org.freedesktop.DBus',
      '--path',
      '/org/freedesktop/DBus',
      '--method',
      'NoSuchMethod',
      '--signature',
      '',
      '--format',
      'json',
    ]);
    assert.equal(unknown.code, 1);
    assert.equal((JSON.parse(unknown.stdout) as CallRecording).error?.name, 'org.freedesktop.DBus.Error.UnknownMethod');

    const peer = await startTestToolPeer(b, 'black-hole', 'com.example.CliSilent');
    t.after(() => peer.stop());
    const timeout = await cli([
      'call',
      '--address',
      b.address,
      '--dest',
      peer.name,
      '--path',
      '/',
      '--method',
      'M',
      '--signature',
      '',
      '--timeout',
      '300',
      '--format',
      'json',
    ]);
    assert.equal(timeout.code, 3);
    const timedOut = JSON.parse(timeout.stdout) as CallRecording;
    assert.equal(timedOut.reply, null);
    assert.match(timedOut.error?.message ?? '', /300 ms/);

    const noBus = await cli(['call', '--address', `unix:path=${b.dir}/nothing-here`, ...getId]);
    assert.equal(noBus.code, 2);
    assert.match(noBus.stderr, /cannot connect/);
    const badArgs = await cli([
      'call',
      '--address',
      b.address,
      '--dest',
      'org.freedesktop.DBus',
      '--path',
      '/org/freedesktop/DBus',
      '--method',
      'NameHasOwner',
      '--signature',
      'u',
      'nope',
    ]);
    assert.equal(badArgs.code, 2);
    assert.match(badArgs.stderr, /argument 1 \(type "u"\)/);
  });

  test('arguments parsed by the signature, 64-bit values printed as strings', async (t) => {
    const b = need(t);
    if (!b) return;
    const peer = await startTypesPeer(b.address);
    t.after(() => peer.stop());
    const { code, stdout, stderr } = await cli([
      'call',
      '--address',
      b.address,
      '--dest',
      PEER.name,
      '--path',
      PEER.path,
      '--interface',
      PEER.interface,
      '--method',
      'Echo',
      '--signature',
      'sixtbasa{sv}v(ud)ay',
      '--format',
      'json',
      '--',
      'text',
      '-7',
      '-9223372036854775808',
      '18446744073709551615',
      'yes',
      '["a","b"]',
      '{"k":{"signature":"t","value":"5"}}',
      '{"signature":"s","value":"v"}',
      '[1, 2.5]',
      '[104,105]',
    ]);
    assert.equal(code, 0, stderr);
    const recording = JSON.parse(stdout) as CallRecording;
    assert.deepEqual(recording.messages[recording.reply!].body, [
      'text',
      -7,
      '-9223372036854775808',
      '18446744073709551615',
      true,
      ['a', 'b'],
      { k: { signature: 't', value: '5' } },
      { signature: 's', value: 'v' },
      [1, 2.5],
      [104, 105],
    ]);
  });

  test('--repeat 1000: no failures, naive counts reported', async (t) => {
    const b = need(t);
    if (!b) return;
    const { code, stdout, stderr } = await cli([
      'call',
      '--address',
      b.address,
      ...getId,
      '--signature',
      '',
      '--repeat',
      '1000',
    ]);
    const summary = JSON.parse(stdout) as StressSummary;
    console.log(`# ${b.kind}: --repeat 1000 → ${stdout.trim()}`);
    assert.equal(code, 0, stderr);
    assert.equal(summary.runs, 1000);
    assert.equal(summary.failed, 0);
    assert.equal(summary.timeouts, 0);
    assert.equal(summary.ok, 1000);
    const { p50, p99 } = summary.latencyMs;
    assert.ok(p50 !== null && p99 !== null && p50 > 0 && p99 >= p50);
    assert.ok(summary.naive.noReplyInFirstRead <= summary.naive.firstMessageWrong);
    assert.match(stderr, /run 1000\/1000/);
  });
});
