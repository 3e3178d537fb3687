// One recorded call on a fresh connection — what `dbus-lint call` and the replay view run:
// connect, auth, Hello, the call, then close, with every message and read recorded.
import { Connection, type CallSpec, type ConnectOptions } from './connection';
import { CallTimeoutError, DBusClientError, DBusErrorReply, ProtocolError } from './errors';
import { Recorder } from './recorder';
import type { DetailedRecording } from './recording';

/** Error names of outcomes decided locally (no ERROR message came from the bus). */
export const LOCAL_ERROR = {
  timeout: 'org.freedesktop.DBus.Error.Timeout',
  disconnected: 'org.freedesktop.DBus.Error.Disconnected',
  protocol: 'org.freedesktop.DBus.Error.InvalidArgs',
  failed: 'org.freedesktop.DBus.Error.Failed',
} as const;

export type RecordCallOptions = ConnectOptions & CallSpec;

export type CallOutcome = 'reply' | 'error-reply' | 'timeout' | 'failed';

/** How a recorded call ended: a method return, an ERROR from the peer or bus, a local timeout, or another failure. */
export function outcomeOf(recording: DetailedRecording): CallOutcome {
  if (recording.reply !== null)
    return recording.messages[recording.reply].type === 'method_return' ? 'reply' : 'error-reply';
  if (recording.error?.name === LOCAL_ERROR.timeout) return 'timeout';
  return 'failed';
}

/**
 * Connects, calls and records. Throws AddressError/ConnectError/AuthError when no connection could be
 * made (nothing to show then but the error); everything after the connection is up ends in the recording.
 */
export async function recordCall(options: RecordCallOptions): Promise<DetailedRecording> {
  const recorder = new Recorder();
  const started = performance.now();
  // A timeout given for the call bounds the whole exchange: connecting, auth and Hello take from it too.
  const connection = await Connection.open({
    ...options,
    authTimeoutMs: options.authTimeoutMs ?? options.timeoutMs,
    recorder,
  });
  const callIndex = recorder.messages.length;
  let reply: number | null = null;
  let error: { name: string; message: string } | null = null;
  try {
    const timeoutMs =
      options.timeoutMs === undefined
        ? undefined
        : Math.max(1, Math.round(options.timeoutMs - (performance.now() - started)));
    const message = await connection.call({ ...options, timeoutMs });
    reply = findReply(recorder, message.replySerial!, callIndex);
  } catch (caught) {
    if (caught instanceof DBusErrorReply) {
      reply = findReply(recorder, caught.replySerial, callIndex);
      error = { name: caught.errorName, message: caught.text };
    } else if (caught instanceof CallTimeoutError && options.timeoutMs !== undefined) {
      // The call had what connecting left of the timeout: the user's figure is the whole of it.
      error = {
        name: LOCAL_ERROR.timeout,
        message: new CallTimeoutError(caught.serial, options.timeoutMs, caught.target).message,
      };
    } else if (caught instanceof DBusClientError) {
      const name =
        caught.kind === 'timeout'
          ? LOCAL_ERROR.timeout
          : caught.kind === 'protocol' || connection.closeError instanceof ProtocolError
            ? // Pending calls fail as disconnected when bad input closed the connection: the cause is the peer.
              LOCAL_ERROR.protocol
            : caught.kind === 'disconnected'
              ? LOCAL_ERROR.disconnected
              : LOCAL_ERROR.failed;
      error = { name, message: caught.message };
    } else throw caught;
  } finally {
    await connection.close();
  }
  const call = recorder.messages[callIndex]?.direction === 'sent' ? callIndex : null;
  return recorder.result(call, reply, error);
}

function findReply(recorder: Recorder, serial: number, from: number): number | null {
  for (let i = from; i < recorder.messages.length; i++) {
    const message = recorder.messages[i];
    if (
      message.direction === 'received' &&
      message.replySerial === serial &&
      (message.type === 'method_return' || message.type === 'error')
    )
      return i;
  }
  return null;
}
