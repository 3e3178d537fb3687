// A tiny fake bus on a unix socket, for the one sequence a real daemon cannot be made to produce on
// demand: NameAcquired and the reply in separate writes, so the recording has the signal alone in the
// first read after the call. It speaks just enough D-Bus (SASL EXTERNAL, Hello, one call) and writes
// with our own marshaller.
import { BUS_NAME, BUS_PATH, MessageType } from '../../wire/src/index';
import { startScriptedBus, UNIQUE, type ScriptedBus } from '../support/scriptedBus';

export type FakeBus = ScriptedBus;

/** Delay between the NameAcquired write and the reply write: long enough for the client to read them apart. */
const SPLIT_MS = 30;

export function startFakeBus(): Promise<FakeBus> {
  return startScriptedBus('fakebus', {
    onCall(call, peer) {
      // NameAcquired goes out only now, in its own write, and the reply a little later in another.
      peer.send({
        type: MessageType.SIGNAL,
        path: BUS_PATH,
        interface: BUS_NAME,
        member: 'NameAcquired',
        signature: 's',
        body: [UNIQUE],
      });
      setTimeout(() => {
        peer.send({
          type: MessageType.METHOD_RETURN,
          replySerial: call.serial,
          signature: 's',
          body: ['fakebus0000000000000000000000000'],
        });
      }, SPLIT_MS);
    },
  });
}
