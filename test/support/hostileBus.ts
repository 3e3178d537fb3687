// Hostile peers of our own on a unix socket, for faults no real bus produces on demand: a bus that never
// finishes auth, one that never answers Hello, one whose error reply carries terminal escape sequences,
// one that dies after the first run. It speaks just enough D-Bus (SASL, Hello, one call) with our marshaller.
import { MessageType } from '../../wire/src/index';
import { startScriptedBus, type ScriptedBus } from './scriptedBus';

export type Hostility =
  /** Reads everything, answers nothing: the SASL exchange never ends. */
  | 'silent-auth'
  /** Authenticates, then never answers Hello. */
  | 'no-hello'
  /** Answers the call with an error whose name and text hold ESC sequences (clear screen, set title). */
  | 'escape-error'
  /** Answers one call, then closes every connection and stops listening: a bus killed mid `--repeat`. */
  | 'dies-after-one'
  /** Answers every call: a well-behaved bus, to interrupt a long `--repeat` on. */
  | 'answers'
  /** Answers the call with bytes that are no D-Bus message (a bad endianness mark). */
  | 'garbage-reply';

export type HostileBus = ScriptedBus;

/** What `escape-error` sends: a clear-screen and a window-title sequence, in the error's text. */
export const ESCAPES = '\u001b[2J\u001b]0;owned\u0007';

export function startHostileBus(hostility: Hostility): Promise<HostileBus> {
  return startScriptedBus('hostile', {
    silentAuth: hostility === 'silent-auth',
    ignoreHello: hostility === 'no-hello',
    onCall(call, peer, bus) {
      if (hostility === 'garbage-reply') {
        peer.socket.write(Buffer.from('X\u0002\u0000\u0001garbage that is no D-Bus header at all', 'latin1'));
        return;
      }
      if (hostility === 'escape-error') {
        peer.send({
          type: MessageType.ERROR,
          replySerial: call.serial,
          errorName: 'com.example.Error.Hostile',
          signature: 's',
          body: [`denied${ESCAPES}`],
        });
        return;
      }
      peer.send({ type: MessageType.METHOD_RETURN, replySerial: call.serial, signature: 's', body: ['pong'] });
      // After the reply is written: the client has its answer, then the bus is gone for good.
      if (hostility === 'dies-after-one') peer.socket.end(() => void bus.close());
    },
  });
}
