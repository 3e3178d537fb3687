// Typed errors of the embedded client. Each carries what a user (or the CLI) needs to act on it;
// `kind` lets callers branch without instanceof across bundles.

export type DBusClientErrorKind =
  | 'address'
  | 'connect'
  | 'auth'
  | 'protocol'
  | 'signature'
  | 'marshal'
  | 'name'
  | 'timeout'
  | 'disconnected'
  | 'error-reply';

export abstract class DBusClientError extends Error {
  abstract readonly kind: DBusClientErrorKind;
}

/** A bus address that cannot be used; `part` is the offending piece of the address string. */
export class AddressError extends DBusClientError {
  readonly kind = 'address';
  constructor(
    readonly address: string,
    readonly part: string,
    reason: string,
  ) {
    super(`bad D-Bus address "${address}": ${reason} (in "${part}")`);
    this.name = 'AddressError';
  }
}

/** No alternative of the address could be connected to; `attempts` says what each one gave. */
export class ConnectError extends DBusClientError {
  readonly kind = 'connect';
  constructor(
    readonly address: string,
    readonly attempts: { transport: string; reason: string }[],
  ) {
    super(
      `cannot connect to D-Bus at "${address}": ` +
        attempts.map((attempt) => `${attempt.transport}: ${attempt.reason}`).join('; ') +
        ' (is the bus running, and is the address right?)',
    );
    this.name = 'ConnectError';
  }
}

/** SASL authentication failed or timed out (`timedOut`); `lines` is the exchange so far. */
export class AuthError extends DBusClientError {
  readonly kind = 'auth';
  constructor(
    message: string,
    readonly lines: { direction: 'sent' | 'received'; line: string }[],
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/**
 * The peer sent bytes that break the D-Bus wire format or its limits. The connection is closed
 * when this is raised on input: a stream with a bad message cannot be resynchronised.
 */
export class ProtocolError extends DBusClientError {
  readonly kind = 'protocol';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** A type signature that is not valid D-Bus (given by the caller or found in a message). */
export class SignatureError extends DBusClientError {
  readonly kind = 'signature';
  constructor(
    readonly signature: string,
    reason: string,
  ) {
    super(`invalid D-Bus signature "${signature}": ${reason}`);
    this.name = 'SignatureError';
  }
}

/** A value that does not fit the type it is to be sent as; `where` locates it ("argument 2, element 5"). */
export class MarshalError extends DBusClientError {
  readonly kind = 'marshal';
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'MarshalError';
  }
}

/** A bus name, object path, interface or member of an outgoing call that the specification does not allow. */
export class InvalidNameError extends DBusClientError {
  readonly kind = 'name';
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidNameError';
  }
}

/** No reply came within the call's timeout; the pending call was dropped (a late reply is recorded as late). */
export class CallTimeoutError extends DBusClientError {
  readonly kind = 'timeout';
  constructor(
    readonly serial: number,
    readonly timeoutMs: number,
    readonly target: string,
  ) {
    super(
      `no reply to ${target} (serial ${serial}) within ${timeoutMs} ms; the peer may be busy, hung or not reading (raise --timeout to wait longer)`,
    );
    this.name = 'CallTimeoutError';
  }
}

/** The connection closed while calls were pending, or a call was made on a closed connection. */
export class DisconnectedError extends DBusClientError {
  readonly kind = 'disconnected';
  constructor(reason: string) {
    super(`D-Bus connection closed: ${reason}`);
    this.name = 'DisconnectedError';
  }
}

/** The peer answered with a D-Bus ERROR message. */
export class DBusErrorReply extends DBusClientError {
  readonly kind = 'error-reply';
  constructor(
    readonly errorName: string,
    readonly text: string,
    readonly replySerial: number,
  ) {
    super(`${errorName}: ${text}`);
    this.name = 'DBusErrorReply';
  }
}

export function isDBusClientError(error: unknown): error is DBusClientError {
  return error instanceof DBusClientError;
}

/** The error is a time limit running out, wherever in the exchange (auth, Hello, the call): exit 3 in the CLI. */
export function isTimeout(error: unknown): boolean {
  return (
    error instanceof DBusClientError && (error.kind === 'timeout' || (error instanceof AuthError && error.timedOut))
  );
}
