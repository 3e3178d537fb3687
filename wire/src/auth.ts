// The SASL handshake of the D-Bus specification, client side: a NUL byte, then CRLF-terminated
// text lines. Lines are read whole — a read may hold part of a line, several lines, or a line plus
// the first binary message — and whatever follows the last line is handed back for the framer.
import type { Socket } from 'node:net';
import { AuthError } from './errors';
import type { SocketInput } from './socketInput';

export interface AuthOptions {
  timeoutMs: number;
  /** Send AUTH, NEGOTIATE_UNIX_FD and BEGIN (and `afterBegin`) without waiting for each answer. */
  pipeline: boolean;
  negotiateUnixFd: boolean;
  /** The server GUID the address names, checked against the one in OK. */
  expectedGuid?: string;
  /** Bytes to send right after BEGIN (the Hello call, when pipelining). */
  afterBegin?: Buffer;
  onLine?: (direction: 'sent' | 'received', line: string) => void;
  /** Called for every socket read during authentication, with its byte count. */
  onRead?: (bytes: number) => void;
}

export interface AuthResult {
  guid: string;
  mechanism: 'EXTERNAL' | 'ANONYMOUS';
  unixFdPassing: boolean;
  /** Bytes received after the last auth line: the start of the message stream. */
  leftover: Buffer;
}

/** Thrown when a pipelined EXTERNAL attempt was refused: the caller retries step by step on a new connection. */
export class PipelinedAuthRejected extends AuthError {}

const MAX_LINE = 16 * 1024;

class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly input: SocketInput,
    private readonly onRead?: (bytes: number) => void,
  ) {
    input.consume(this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.onRead?.(chunk.length);
    // Auth lines are a few dozen bytes: concatenation is cheap here, unlike for messages. Both
    // branches copy: the read buffer is reused.
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : Buffer.from(chunk);
    if (this.buffer.length > MAX_LINE && this.buffer.indexOf('\r\n') < 0) {
      this.failure ??= new Error(`auth line longer than ${MAX_LINE} bytes`);
    }
    this.wake?.();
  };

  private readonly onClose = (): void => {
    this.failure ??= new Error('the server closed the connection during authentication');
    this.wake?.();
  };

  private readonly onError = (error: Error): void => {
    this.failure ??= error;
    this.wake?.();
  };

  /** Takes one complete line off the buffer, waiting for more reads as needed. */
  async next(): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf('\r\n');
      if (end >= 0) {
        const line = this.buffer.toString('latin1', 0, end);
        this.buffer = this.buffer.subarray(end + 2);
        return line;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Stops listening and returns the bytes after the last line taken. */
  detach(): Buffer {
    this.input.consume(null);
    this.socket.off('close', this.onClose);
    this.socket.off('error', this.onError);
    return this.buffer;
  }
}

function hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/** Runs the handshake on `socket`, whose reads arrive through `input`. */
export async function authenticate(socket: Socket, input: SocketInput, options: AuthOptions): Promise<AuthResult> {
  const transcript: { direction: 'sent' | 'received'; line: string }[] = [];
  const reader = new LineReader(socket, input, options.onRead);
  const uid = process.getuid?.();
  const send = (lines: string[], extra?: Buffer, leadingNul = false) => {
    for (const line of lines) {
      transcript.push({ direction: 'sent', line });
      options.onLine?.('sent', line);
    }
    const text = Buffer.from((leadingNul ? '\0' : '') + lines.map((line) => line + '\r\n').join(''), 'latin1');
    socket.write(extra ? Buffer.concat([text, extra]) : text);
  };
  const receive = async (): Promise<string> => {
    const line = await reader.next();
    transcript.push({ direction: 'received', line });
    options.onLine?.('received', line);
    return line;
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AuthError(
            `authentication did not finish within ${options.timeoutMs} ms (the server may be overloaded or not a D-Bus server; raise --timeout to wait longer)`,
            transcript,
            true,
          ),
        ),
      options.timeoutMs,
    );
  });

  const fail = (reason: string) => new AuthError(`authentication failed: ${reason}`, transcript);

  const run = async (): Promise<AuthResult> => {
    let mechanism: AuthResult['mechanism'] = uid === undefined ? 'ANONYMOUS' : 'EXTERNAL';
    const authLine = (mech: AuthResult['mechanism']) =>
      mech === 'EXTERNAL' ? `AUTH EXTERNAL ${hex(String(uid))}` : `AUTH ANONYMOUS ${hex('dbus-lint')}`;
    let guid: string;
    if (options.pipeline && mechanism === 'EXTERNAL') {
      const lines = [authLine('EXTERNAL'), ...(options.negotiateUnixFd ? ['NEGOTIATE_UNIX_FD'] : []), 'BEGIN'];
      send(lines, options.afterBegin, true);
      const answer = await receive();
      if (!answer.startsWith('OK '))
        throw new PipelinedAuthRejected(`pipelined EXTERNAL auth answered "${answer}"`, transcript);
      guid = answer.slice(3).trim();
      let unixFdPassing = false;
      if (options.negotiateUnixFd) unixFdPassing = (await receive()) === 'AGREE_UNIX_FD';
      checkGuid(guid);
      return { guid, mechanism, unixFdPassing, leftover: reader.detach() };
    }
    send([authLine(mechanism)], undefined, true);
    for (;;) {
      const answer = await receive();
      if (answer.startsWith('OK ')) {
        guid = answer.slice(3).trim();
        break;
      }
      if (answer.startsWith('REJECTED')) {
        const offered = answer.split(' ').slice(1);
        if (mechanism === 'EXTERNAL' && offered.includes('ANONYMOUS')) {
          mechanism = 'ANONYMOUS';
          send([authLine(mechanism)]);
          continue;
        }
        throw fail(
          `the server rejected ${mechanism} and offers ${offered.join(', ') || 'nothing'} (dbus-lint speaks EXTERNAL and ANONYMOUS)`,
        );
      }
      if (answer === 'DATA' || answer.startsWith('DATA ')) {
        send(['DATA']);
        continue;
      }
      if (answer.startsWith('ERROR')) {
        send(['CANCEL']);
        continue;
      }
      throw fail(`unexpected line "${answer}"`);
    }
    checkGuid(guid);
    let unixFdPassing = false;
    if (options.negotiateUnixFd) {
      send(['NEGOTIATE_UNIX_FD']);
      unixFdPassing = (await receive()) === 'AGREE_UNIX_FD';
    }
    send(['BEGIN'], options.afterBegin);
    return { guid, mechanism, unixFdPassing, leftover: reader.detach() };
  };

  const checkGuid = (guid: string) => {
    if (!/^[0-9a-f]{32}$/.test(guid)) throw fail(`the server's GUID "${guid}" is not 32 hex digits`);
    if (options.expectedGuid && options.expectedGuid !== guid) {
      throw fail(`the server's GUID ${guid} differs from the address's guid=${options.expectedGuid}`);
    }
  };

  try {
    return await Promise.race([run(), timeout]);
  } catch (error) {
    reader.detach();
    if (error instanceof AuthError) throw error;
    throw fail((error as Error).message);
  } finally {
    clearTimeout(timer);
  }
}
