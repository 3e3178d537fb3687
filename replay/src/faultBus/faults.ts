// The faults the fault bus can apply, as the user names them (`--fault split:64`), and the table the
// help text and the README print. Each one forces an ordering behind one class of client bug.

export type Fault =
  | { kind: 'late-signal' }
  | { kind: 'split'; pieceBytes: number | null }
  | { kind: 'coalesce' }
  | { kind: 'stale-reply' }
  | { kind: 'drop-reply' }
  | { kind: 'delay-reply'; ms: number };

export type FaultKind = Fault['kind'];

/** A --fault or --match value the fault bus cannot use; the message says what is accepted. */
export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/**
 * The pause the proxy leaves between the writes it separates (held signals and the reply, the pieces
 * of a split message): long enough that a program blocked in a read wakes up between them even on a
 * loaded machine, so a single-read client sees the first write alone on every run.
 */
export const FAULT_PAUSE_MS = 50;

export const FAULT_TABLE: { syntax: string; does: string; proves: string }[] = [
  {
    syntax: 'late-signal',
    does: `holds the bus's signals to the program (NameAcquired first of all) and delivers them in their own write just before the reply to the program's next matching call, then the reply ${FAULT_PAUSE_MS} ms later`,
    proves: 'single-read-receive: a client that takes one read as its reply (youki before its fix)',
  },
  {
    syntax: 'split[:N]',
    does: `writes every message to the program in pieces of N bytes (default: the header, then the body), ${FAULT_PAUSE_MS} ms apart`,
    proves: 'a read taken as a whole message',
  },
  {
    syntax: 'coalesce',
    does: 'holds the messages to the program and writes them together with the next reply, in one write',
    proves: 'a parser that assumes one message per read',
  },
  {
    syntax: 'stale-reply',
    does: "injects, in the reply's write and before it, a method return whose REPLY_SERIAL names another serial (an earlier call of the program, or one it never sent)",
    proves: 'reply-serial-unchecked: a client that takes the first method return as its reply',
  },
  {
    syntax: 'drop-reply',
    does: 'swallows the reply to matching calls',
    proves: 'call-without-timeout: the program hangs, or times out by itself',
  },
  {
    syntax: 'delay-reply:MS',
    does: 'holds the reply to matching calls MS milliseconds (other messages pass)',
    proves: 'timeouts set too short, or missing',
  },
];

const MAX_DELAY_MS = 2_147_483_647;

function count(text: string, what: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0 || value > max)
    throw new FaultSpecError(`${what} must be a whole number from 1 to ${max}, not "${text}"`);
  return value;
}

/** Parses one --fault value. */
export function parseFault(text: string): Fault {
  const [name, argument, ...extra] = text.trim().split(':');
  const noArgument = () => {
    if (argument !== undefined) throw new FaultSpecError(`the fault ${name} takes no ":" argument (got "${text}")`);
  };
  if (extra.length > 0) throw new FaultSpecError(`"${text}": a fault takes at most one ":" argument`);
  switch (name) {
    case 'late-signal':
    case 'coalesce':
    case 'stale-reply':
    case 'drop-reply':
      noArgument();
      return { kind: name };
    case 'split':
      return {
        kind: 'split',
        pieceBytes: argument === undefined ? null : count(argument, 'split:N (bytes per piece)', 128 * 1024 * 1024),
      };
    case 'delay-reply':
      if (argument === undefined)
        throw new FaultSpecError('delay-reply needs the delay in milliseconds, like delay-reply:3000');
      return { kind: 'delay-reply', ms: count(argument, 'delay-reply:MS', MAX_DELAY_MS) };
    default:
      throw new FaultSpecError(
        `unknown fault "${text}"; faults: ${FAULT_TABLE.map((row) => row.syntax).join(', ')} (see dbus-lint proxy --help)`,
      );
  }
}

/** Parses every --fault value; a fault named twice is refused (say split:N once, with the N you want). */
export function parseFaults(texts: string[]): Fault[] {
  const faults = texts.map(parseFault);
  const seen = new Set<FaultKind>();
  for (const fault of faults) {
    if (seen.has(fault.kind)) throw new FaultSpecError(`the fault ${fault.kind} is given twice; give it once`);
    seen.add(fault.kind);
  }
  if (seen.has('drop-reply') && seen.has('delay-reply'))
    throw new FaultSpecError('drop-reply and delay-reply both act on the reply: choose one');
  return faults;
}

/** The fault as the user writes it. */
export function faultLabel(fault: Fault): string {
  if (fault.kind === 'split') return fault.pieceBytes === null ? 'split' : `split:${fault.pieceBytes}`;
  if (fault.kind === 'delay-reply') return `delay-reply:${fault.ms}`;
  return fault.kind;
}
