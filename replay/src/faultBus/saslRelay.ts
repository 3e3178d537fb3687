// The SASL exchange between the program and the bus, relayed line by line and byte for byte — except
// NEGOTIATE_UNIX_FD, which the proxy answers with ERROR itself (it does not pass file descriptors),
// in its turn among the bus's answers. Every command but BEGIN gets exactly one answer, so once the
// program has sent BEGIN and the bus has answered everything before it, both streams are messages.

const MAX_LINE = 16 * 1024;
const CRLF = Buffer.from('\r\n');
export const UNIX_FD_REFUSAL = 'ERROR the dbus-lint fault bus does not pass Unix file descriptors';

export interface SaslSink {
  toBus(bytes: Buffer): void;
  toProgram(bytes: Buffer): void;
  line(direction: 'sent' | 'received', line: string): void;
  /** The program sent BEGIN: `rest` is the start of its message stream. */
  programBegan(rest: Buffer): void;
  /** The bus answered the program's last command before BEGIN: `rest` is the start of its message stream. */
  busBegan(rest: Buffer): void;
}

export class SaslError extends Error {}

export class SaslRelay {
  private fromProgramBuffer = Buffer.alloc(0);
  private fromBusBuffer = Buffer.alloc(0);
  private sawNul = false;
  private begun = false;
  private busDone = false;
  /** Who owes the program its next answer, in the order the program asked. */
  private readonly answers: ('bus' | 'proxy')[] = [];

  constructor(private readonly sink: SaslSink) {}

  fromProgram(chunk: Buffer): void {
    let buffer = this.fromProgramBuffer.length ? Buffer.concat([this.fromProgramBuffer, chunk]) : chunk;
    if (!this.sawNul && buffer.length > 0) {
      this.sawNul = true;
      // The credentials byte: forwarded as it is (the bus reads the proxy's credentials, not the program's).
      this.sink.toBus(buffer.subarray(0, 1));
      buffer = buffer.subarray(1);
    }
    const forward: Buffer[] = [];
    for (;;) {
      const end = buffer.indexOf(CRLF);
      if (end < 0) break;
      const line = buffer.toString('latin1', 0, end);
      const bytes = buffer.subarray(0, end + 2);
      buffer = buffer.subarray(end + 2);
      this.sink.line('sent', line);
      if (line === 'NEGOTIATE_UNIX_FD') {
        this.answers.push('proxy');
        this.answerOwnTurns();
        continue;
      }
      forward.push(bytes);
      if (line === 'BEGIN') {
        if (forward.length) this.sink.toBus(Buffer.concat(forward));
        this.fromProgramBuffer = Buffer.alloc(0);
        this.begun = true;
        this.sink.programBegan(buffer);
        this.checkBusDone();
        return;
      }
      this.answers.push('bus');
    }
    if (forward.length) this.sink.toBus(Buffer.concat(forward));
    if (buffer.length > MAX_LINE) throw new SaslError(`the program sent an auth line longer than ${MAX_LINE} bytes`);
    this.fromProgramBuffer = Buffer.from(buffer);
  }

  fromBus(chunk: Buffer): void {
    let buffer = this.fromBusBuffer.length ? Buffer.concat([this.fromBusBuffer, chunk]) : chunk;
    for (;;) {
      if (this.begun && this.answers.length === 0) break;
      const end = buffer.indexOf(CRLF);
      if (end < 0) break;
      const line = buffer.toString('latin1', 0, end);
      this.sink.line('received', line);
      this.sink.toProgram(buffer.subarray(0, end + 2));
      buffer = buffer.subarray(end + 2);
      if (this.answers[0] === 'bus') this.answers.shift();
      this.answerOwnTurns();
    }
    this.fromBusBuffer = Buffer.from(buffer);
    if (buffer.length > MAX_LINE && !this.begun)
      throw new SaslError(`the bus sent an auth line longer than ${MAX_LINE} bytes`);
    this.checkBusDone();
  }

  private answerOwnTurns(): void {
    while (this.answers[0] === 'proxy') {
      this.answers.shift();
      this.sink.line('received', UNIX_FD_REFUSAL);
      this.sink.toProgram(Buffer.from(UNIX_FD_REFUSAL + '\r\n', 'latin1'));
    }
  }

  private checkBusDone(): void {
    if (this.busDone || !this.begun || this.answers.length > 0) return;
    this.busDone = true;
    const rest = this.fromBusBuffer;
    this.fromBusBuffer = Buffer.alloc(0);
    this.sink.busBegan(rest);
  }
}
