import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { missingParts, replayable, type ReplayCall, validatePart } from '../../replay/src/call';
import { busctlCommand, dbusSendCommand } from '../../replay/src/commandLine';
import { naiveVerdict } from '../../replay/src/naive';
import { LINKTYPE_DBUS, toPcap } from '../../replay/src/pcap';
import { parseWebviewMessage } from '../../replay/src/webviewMessages';
import { completeTypes } from '../../replay/src/args';
import { transcript } from '../../replay/src/transcript';
import { GET_ID_CALL, splitRecording } from './recordings';

describe('copy as command', () => {
  it('writes busctl and dbus-send lines for a call without arguments', () => {
    assert.deepEqual(busctlCommand(GET_ID_CALL), {
      ok: true,
      command: 'busctl --user call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId',
    });
    assert.deepEqual(dbusSendCommand({ ...GET_ID_CALL, bus: { kind: 'address', address: 'unix:path=/tmp/b' } }), {
      ok: true,
      command:
        'dbus-send --bus=unix:path=/tmp/b --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId',
    });
  });

  it('uses busctl container syntax and shell-quotes', () => {
    const call: ReplayCall = {
      ...GET_ID_CALL,
      member: 'Set',
      signature: 'sa{sv}as(ib)',
      args: ["it's", { k: { signature: 'u', value: 5 } }, ['a b', 'c'], [1, true]],
    };
    assert.equal(
      busctlCommand({ ...call, bus: { kind: 'system' } }).ok &&
        (busctlCommand({ ...call, bus: { kind: 'system' } }) as { command: string }).command,
      `busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus Set 'sa{sv}as(ib)' 'it'\\''s' 1 k u 5 2 'a b' c 1 true`,
    );
    const dbusSend = dbusSendCommand(call);
    assert.equal(dbusSend.ok, false);
    assert.match((dbusSend as { reason: string }).reason, /no syntax for type/);
  });

  it('refuses when there is no interface', () => {
    assert.deepEqual(busctlCommand({ ...GET_ID_CALL, interface: null }), {
      ok: false,
      reason: 'busctl needs an interface name',
    });
  });
});

describe('call parts and arguments', () => {
  it('lists missing parts in the order they are asked', () => {
    assert.deepEqual(missingParts({ library: 'zbus', member: 'GetId' }), ['destination', 'path', 'interface']);
    assert.deepEqual(missingParts({ destination: 'a.b', path: '/', interface: 'a.b', member: 'X', signature: 's' }), [
      'args',
    ]);
  });

  it('replays a flagged Hello as Hello then GetId, and leaves other calls alone', () => {
    const hello = replayable({ library: 'std', destination: 'org.freedesktop.DBus', member: 'Hello' });
    assert.equal(hello.known.member, 'GetId');
    assert.deepEqual(missingParts(hello.known), []);
    assert.match(hello.note ?? '', /every replay connection sends first/);
    const other = { destination: 'com.example.Echo', member: 'Hello' };
    assert.deepEqual(replayable(other), { known: other, note: null });
  });

  it('validates names', () => {
    assert.equal(validatePart('destination', 'org.example.Echo'), undefined);
    assert.equal(validatePart('destination', ':1.42'), undefined);
    assert.match(validatePart('path', 'no/slash') ?? '', /object path/);
    assert.match(validatePart('member', 'Get.Id') ?? '', /method name/);
  });

  it('splits signatures into complete types', () => {
    assert.deepEqual(completeTypes('sa{sv}as(ib)v'), ['s', 'a{sv}', 'as', '(ib)', 'v']);
    assert.throws(() => completeTypes('a{vs}'), /SignatureError|dict|key/i);
  });
});

describe('webview message protocol', () => {
  it('accepts only the closed set with valid fields', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'runStress', runs: 50 }), { type: 'runStress', runs: 50 });
    assert.equal(parseWebviewMessage({ type: 'runStress', runs: 0 }), null);
    assert.equal(parseWebviewMessage({ type: 'runStress', runs: '50' }), null);
    assert.deepEqual(parseWebviewMessage({ type: 'copyCommand', tool: 'busctl', extra: 1 }), {
      type: 'copyCommand',
      tool: 'busctl',
    });
    assert.equal(parseWebviewMessage({ type: 'copyCommand', tool: 'rm' }), null);
    assert.equal(parseWebviewMessage({ type: 'eval', code: '1' }), null);
    assert.equal(parseWebviewMessage('ready'), null);
  });
});

describe('pcap writer', () => {
  it('writes a little-endian pcap header with link type 231 and one record per message', () => {
    const rec = splitRecording();
    rec.raw = rec.messages.map((_, i) => Buffer.alloc(16 + i, i).toString('base64'));
    const pcap = toPcap(rec);
    assert.equal(pcap.readUInt32LE(0), 0xa1b2c3d4);
    assert.equal(pcap.readUInt32LE(20), LINKTYPE_DBUS);
    let at = 24;
    const lengths: number[] = [];
    const times: number[] = [];
    while (at < pcap.length) {
      times.push(pcap.readUInt32LE(at) * 1e6 + pcap.readUInt32LE(at + 4));
      const length = pcap.readUInt32LE(at + 8);
      lengths.push(length);
      at += 16 + length;
    }
    assert.deepEqual(lengths, [16, 17, 18, 19, 20]);
    const start = Date.parse('2026-11-27T14:00:00.000Z') * 1000;
    assert.deepEqual(
      times.map((t) => t - start),
      [1000, 1500, 1600, 1800, 2100],
    );
  });
});

describe('text transcript', () => {
  it('shows each row with its read and serials, the call-to-reply time and the verdict', () => {
    const rec = splitRecording();
    const text = transcript(GET_ID_CALL, rec, naiveVerdict(rec));
    assert.match(
      text,
      /^Replay: session bus: org\.freedesktop\.DBus \/org\/freedesktop\/DBus org\.freedesktop\.DBus\.GetId/,
    );
    assert.match(text, /1\.60 ms {2}read 2 +bus → us +signal NameAcquired serial 2\n/);
    assert.match(
      text,
      /2\.10 ms {2}read 3 +bus → us +method_return \(to org\.freedesktop\.DBus\.GetId\) serial 3 reply_serial 2 {2}← the reply/,
    );
    assert.match(text, /Call to reply: 0\.30 ms/);
    assert.match(text, /WRONG first message wins: a single read after the call returned the NameAcquired signal/);
  });
});
