// Synthetic recordings in the shape the recorder produces, modelled on what dbus-daemon sends
// (docs: /work/shared/notes/dbus-facts.md §2): Hello, its return, NameAcquired, the call, its reply.
import type { DetailedRecording, RecordedMessage, RecordedRead } from '../../wire/src/recording';
import type { ReplayCall } from '../../replay/src/call';

const BUS = 'org.freedesktop.DBus';

function message(
  fields: Partial<RecordedMessage> & Pick<RecordedMessage, 'direction' | 'type' | 'serial' | 'atMs'>,
): RecordedMessage {
  return {
    replySerial: null,
    sender: null,
    destination: null,
    path: null,
    interface: null,
    member: null,
    errorName: null,
    signature: null,
    body: [],
    size: 64,
    ...fields,
  };
}

export const GET_ID_CALL: ReplayCall = {
  bus: { kind: 'session' },
  destination: BUS,
  path: '/org/freedesktop/DBus',
  interface: BUS,
  member: 'GetId',
  signature: '',
  args: [],
};

function baseMessages(member = 'GetId'): RecordedMessage[] {
  return [
    message({
      direction: 'sent',
      type: 'method_call',
      serial: 1,
      atMs: 1.0,
      destination: BUS,
      path: '/org/freedesktop/DBus',
      interface: BUS,
      member: 'Hello',
    }),
    message({
      direction: 'received',
      type: 'method_return',
      serial: 1,
      replySerial: 1,
      atMs: 1.5,
      sender: BUS,
      destination: ':1.7',
      signature: 's',
      body: [':1.7'],
    }),
    message({
      direction: 'received',
      type: 'signal',
      serial: 2,
      atMs: 1.6,
      sender: BUS,
      destination: ':1.7',
      path: '/org/freedesktop/DBus',
      interface: BUS,
      member: 'NameAcquired',
      signature: 's',
      body: [':1.7'],
    }),
    message({
      direction: 'sent',
      type: 'method_call',
      serial: 2,
      atMs: 1.8,
      destination: BUS,
      path: '/org/freedesktop/DBus',
      interface: BUS,
      member,
    }),
    message({
      direction: 'received',
      type: 'method_return',
      serial: 3,
      replySerial: 2,
      atMs: 2.1,
      sender: BUS,
      destination: ':1.7',
      signature: 's',
      body: ['0123456789abcdef'],
    }),
  ];
}

function recording(messages: RecordedMessage[], reads: RecordedRead[]): DetailedRecording {
  return {
    messages,
    reads,
    reply: 4,
    error: null,
    auth: [
      { direction: 'sent', line: 'AUTH EXTERNAL 30', atMs: 0.2 },
      { direction: 'received', line: 'OK 1234abcd', atMs: 0.6 },
      { direction: 'sent', line: 'BEGIN', atMs: 0.9 },
    ],
    raw: messages.map(() => ''),
    call: 3,
    startedAt: '2026-11-27T14:00:00.000Z',
  };
}

/** NameAcquired arrives in its own read, before the call is sent: the youki failure. */
export function splitRecording(): DetailedRecording {
  return recording(baseMessages(), [
    { atMs: 1.5, bytes: 60, completes: [1] },
    { atMs: 1.6, bytes: 72, completes: [2] },
    { atMs: 2.1, bytes: 68, completes: [4] },
  ]);
}

/** The Hello return and NameAcquired arrive in one read: naive clients get lucky. */
export function sameReadRecording(): DetailedRecording {
  return recording(baseMessages(), [
    { atMs: 1.6, bytes: 132, completes: [1, 2] },
    { atMs: 2.1, bytes: 68, completes: [4] },
  ]);
}

/** A recording whose bus strings try to inject markup into the view. */
export function hostileRecording(): DetailedRecording {
  const rec = sameReadRecording();
  const signal = rec.messages[2];
  signal.member = '<script>alert(1)</script>';
  signal.body = ['<img src=x onerror=alert(2)>'];
  rec.messages[4].sender = '"><b>';
  return rec;
}
