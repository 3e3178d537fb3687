import type { FileFacts } from '../facts';
import type { Node } from 'web-tree-sitter';
import { REPLY_SERIAL_WORDS, type LibraryModel } from './model';
import { withoutComments } from '../codeText';

/** Hand-written Rust clients over nix, libc, std or tokio Unix sockets (youki's dbus_native was one). */
export const RAW_SOCKET: LibraryModel = {
  id: 'raw-socket',
  displayName: 'raw socket',
  language: 'rust',
  imports:
    /\bnix::sys::socket\b|\buse\s+nix::|\blibc::(?:recv|send|read|write)|\bUnixStream\b|\bsocket::(?:recvmsg|sendmsg|recv|send)\b/,
  sends: ['sendmsg', 'send', 'send_to', 'sendto', 'write_all', 'write', 'write_vectored', 'write_all_buf'],
  receives: ['recvmsg', 'recv', 'recv_from', 'recvfrom', 'read', 'read_buf', 'try_read', 'read_vectored'],
  receiveUnit: 'bytes',
  completeReads: ['read_exact', 'read_line', 'read_until', 'read_to_end', 'read_to_string'],
  timeoutDefault: 'a blocking socket read waits forever unless the socket has a read timeout',
};

/** Evidence that the socket's reads are bounded in time. */
export const READ_TIMEOUT =
  /set_read_timeout\s*\(\s*(?!None\b)[^\s)]|SO_RCVTIMEO|ReceiveTimeout|set_nonblocking\s*\(\s*true|O_NONBLOCK|SOCK_NONBLOCK|MSG_DONTWAIT/;

/** A `poll` timeout that waits forever. */
export const INFINITE_POLL = /^(?:-1|None|PollTimeout::NONE|PollTimeout::MAX|c_int::MAX|i32::MAX)$/;

/**
 * Message-level reads any hand-written client might name so (`read_message`, `recv_msg`,
 * `get_next_message`, `read_socket`, `block_until_next_message`…): one call, one whole message.
 */
export const MESSAGE_RECEIVE =
  /^(?:read|recv|receive|get_next|next|pop|blocking_pop|block_until_next|read_next|try_read|await)_(?:message|msg|reply|response|socket|frame)$/;

/**
 * Calls that wait for the next incoming message, under any name a library or a hand-written client gives them
 * (`receive_specific`, `try_next`, `read_message`, `recvmsg`, `wait_on`): in a loop that looks for a reply serial
 * after a send, such a call is the wait for that reply. Bare `read`/`recv` count only with a buffer (`RwLock::read()`
 * takes none); a `pop` from a queue never waits.
 */
export const LOOP_RECEIVE =
  /^(?:try_)?(?:(?:recv|receive|read|next|get_next|blocking_pop|block_until_next|wait)(?:_\w+)?|recvmsg|recvfrom)$/;
export const NEEDS_BUFFER = /^(?:read|recv)$/;

/**
 * Evidence, in a function's body, of a deadline on its wait: a timeout or deadline it reads, a clock
 * (`Instant`, `Duration`, `.elapsed()`).
 */
export const DEADLINE_WORDS = /\w*(?:time_?out|deadline)\w*|\b(?:Instant|Duration|SystemTime)\b|\.elapsed\s*\(/i;

/** Receivers that are no socket: files, stdio, in-memory buffers (`File::open(…)`, `io::stdin()`, `Vec::new()`). */
const NOT_A_SOCKET_VALUE =
  /\b(?:File::(?:open|create|options)|OpenOptions|Command::new|spawn\s*\(|fs::File|std(?:in|out|err)(?:_locked)?\s*\(|Cursor::new|Vec::(?:new|with_capacity)|vec!|String::new|BytesMut::)/;
const NOT_A_SOCKET_TYPE =
  /^&?\s*(?:mut\s+)?(?:(?:std::)?(?:fs::|io::|fmt::|process::)?(?:Formatter(?:<[^>]*>)?|Child(?:Stdout|Stdin|Stderr)?|File|Stdin|StdinLock|Stdout|Stderr|Cursor<[^>]*>|Vec<u8>|String|BytesMut)|\[u8\]|&\s*\[u8\])\b/;

function rootName(receiver: string): string | undefined {
  const m = /^\(?\s*(?:&\s*(?:mut\s+)?)?(?:self\.)?([A-Za-z_]\w*)/.exec(receiver);
  return m?.[1];
}

/** Whether the file declares a field `name` with a file/stdio/buffer type (`sock: UnixStream` is a socket). */
function fieldIsNotASocket(file: FileFacts, name: string): boolean {
  const typed = file.matches(new RegExp(`\\b${name}\\s*:\\s*([^,;){}=]+)`, 'g'))[0];
  return !!typed?.[1] && NOT_A_SOCKET_TYPE.test(typed[1].trim());
}

/**
 * True when a read or write goes to a file, stdio or a buffer rather than a socket: the receiver (or, for
 * `Read::read(&mut x, …)`, the first argument) is `io::stdin()`, or a name bound in `scope` (or a field
 * declared in the file) to a `File`, stdio handle, `Vec`, `Cursor`…
 */
export function notASocket(receiver: string | undefined, scope: Node, file: FileFacts): boolean {
  if (!receiver) return false;
  const text = receiver.replace(/\s+/g, '');
  // `io::stdin()`, `child.stdout.as_mut().unwrap()`: stdio, ours or a child process's.
  if (/(?:^|::|\.)std(?:in|out|err)\b/.test(text) || /^(?:std::)?io::std(?:in|out|err)/.test(text)) return true;
  const name = rootName(receiver);
  if (!name || name === 'self') return false;
  if (/^\(?\s*(?:&\s*(?:mut\s+)?)?self\./.test(receiver)) return file.fact(fieldIsNotASocket, name);
  const scopeText = scope.text;
  if (!scopeText.includes(name)) return false;
  const binding = new RegExp(`\\blet\\s+(?:mut\\s+)?${name}\\s*(?::\\s*([^=;]+))?=([^;]*)`).exec(scopeText);
  if (binding)
    return (!!binding[1] && NOT_A_SOCKET_TYPE.test(binding[1].trim())) || NOT_A_SOCKET_VALUE.test(binding[2] ?? '');
  // A parameter of that name with a file/stdio/buffer type.
  const typed = new RegExp(`\\b${name}\\s*:\\s*([^,;){}=]+)`).exec(scopeText);
  return !!typed?.[1] && NOT_A_SOCKET_TYPE.test(typed[1].trim());
}

// A call with an argument (`RwLock::write()`/`read()` take none).
const SOCKET_SEND =
  /\b(?:send|write)_(?:message|msg|call)\s*\(|\.(?:write_all|write|send|sendmsg|send_to|write_vectored|write_all_buf)\s*\(\s*[^)\s]|(?:^|[^.\w])(?:sendmsg|send|sendto|send_to|write)\s*(?:::<[^>]*>)?\s*\(\s*[^)\s]/;
const SOCKET_RECEIVE =
  /\.(?:read|recv|recv_from|read_exact|read_buf|read_vectored|read_line|read_until)\s*\(\s*[^)\s]|(?:^|[^.\w])(?:recvmsg|recv|recvfrom|recv_from|read)\s*(?:::<[^>]*>)?\s*\(\s*[^)\s]|\b(?:read|recv|receive|get_next|next|pop|read_next)_(?:message|msg|reply|response|frame)\s*\(/;
/** Helpers that work on files or stdio rather than a socket. */
const FILE_IO = /\bFile::(?:open|create|options)|\bOpenOptions\b|\bstd(?:in|out|err)\s*\(\)/;

export interface SocketHelpers {
  /** Same-file functions that only put bytes on the wire (`fn send_call(&mut self, …) { self.sock.write_all(…) }`). */
  sends: ReadonlySet<string>;
  /** Same-file functions that block reading the socket, directly or through another such helper (`read_message` → `read_full` → `read`). */
  receives: ReadonlySet<string>;
  /**
   * Same-file functions that send and then block reading, directly or through helpers: a round trip whose wait
   * its callers inherit (`send_with_reply_async`: `self.send(msg)`, then `self.read_message()` until the reply).
   */
  roundTrips: ReadonlySet<string>;
}

/** One `fn` of an item: its name and what its body (up to the next `fn` in the item) does. */
interface FunctionBody {
  name: string;
  reads: boolean;
  writes: boolean;
  fileIo: boolean;
  /** Every name the body calls (`name(` / `.name(`). */
  calls: Set<string>;
}

const FN_NAME = /\bfn\s+([A-Za-z_]\w*)/g;
const CALLED_NAME = /(?:\.|\b)([A-Za-z_]\w*)\s*\(/g;

/** The functions of one item by name, each body (from its `{`) running to the next `fn` (or the item's end). */
function functionSlices(text: string): { name: string; body: string }[] {
  const starts: { name: string; index: number }[] = [];
  FN_NAME.lastIndex = 0;
  for (let m = FN_NAME.exec(text); m; m = FN_NAME.exec(text)) if (m[1]) starts.push({ name: m[1], index: m.index });
  return starts.flatMap((start, i) => {
    const slice = text.slice(start.index, starts[i + 1]?.index ?? text.length);
    const open = slice.indexOf('{');
    return open < 0 ? [] : [{ name: start.name, body: slice.slice(open) }];
  });
}

/** The functions of one item and what each body does. */
function itemFunctions(text: string): FunctionBody[] {
  return functionSlices(text).flatMap(({ name, body }) => {
    const calls = new Set<string>();
    CALLED_NAME.lastIndex = 0;
    for (let m = CALLED_NAME.exec(body); m; m = CALLED_NAME.exec(body)) if (m[1]) calls.add(m[1]);
    return [
      {
        name,
        reads: SOCKET_RECEIVE.test(body),
        writes: SOCKET_SEND.test(body),
        fileIo: FILE_IO.test(body),
        calls,
      },
    ];
  });
}

/**
 * Helpers found from the text alone (each `fn` up to the next one in its item), so scope filters can use them
 * before any query runs. Rough by design: a helper is only a name that makes a call count as a send or a read.
 */
export function socketHelpers(file: FileFacts): SocketHelpers {
  return file.fact(findSocketHelpers);
}

function findSocketHelpers(file: FileFacts): SocketHelpers {
  // A name defined in several places is judged on all its bodies together.
  const bodies = new Map<string, Omit<FunctionBody, 'name'>>();
  for (const fns of file.eachItem(itemFunctions)) {
    for (const fn of fns) {
      const known = bodies.get(fn.name);
      if (!known)
        bodies.set(fn.name, { reads: fn.reads, writes: fn.writes, fileIo: fn.fileIo, calls: new Set(fn.calls) });
      else {
        known.reads ||= fn.reads;
        known.writes ||= fn.writes;
        known.fileIo ||= fn.fileIo;
        for (const call of fn.calls) known.calls.add(call);
      }
    }
  }
  const sends = new Set<string>();
  const receives = new Set<string>();
  const excluded = new Set([
    ...RAW_SOCKET.receives,
    ...RAW_SOCKET.completeReads,
    ...RAW_SOCKET.sends,
    'main',
    'new',
    'drop',
    'fmt',
    'hello',
    'call_hello',
    'send_message',
    'send_msg',
    'write_message',
  ]);
  for (const [name, body] of bodies) {
    if (excluded.has(name) || body.fileIo) continue;
    if (body.reads && !body.writes) receives.add(name);
    else if (body.writes && !body.reads) sends.add(name);
  }
  const callsAny = (calls: Set<string>, names: Set<string>) => [...names].some((name) => calls.has(name));
  // Readers through readers: `read_message` calls `read_full`, which reads.
  // A function that also calls a send helper (`auth`: `auth_write_line` then `auth_read_line`) is a round trip of its
  // own, whose read is checked where it is; its callers are not waiting for a reply to their own send.
  for (let round = 0; round < 3 && receives.size > 0; round++) {
    const known = new Set(receives);
    for (const [name, body] of bodies) {
      if (excluded.has(name) || receives.has(name) || body.fileIo || body.writes || callsAny(body.calls, sends))
        continue;
      if (callsAny(body.calls, known)) receives.add(name);
    }
  }
  const roundTrips = new Set<string>();
  for (const [name, body] of bodies) {
    if (excluded.has(name) || body.fileIo || sends.has(name) || receives.has(name)) continue;
    const sendsOwn = body.writes || callsAny(body.calls, sends);
    if (sendsOwn && (body.reads || callsAny(body.calls, receives))) roundTrips.add(name);
  }
  return { sends, receives, roundTrips };
}

/** A call with an argument that may put a message on the wire, a loop, and no deadline word: text of a reply loop. */
const SENDS_SOMETHING = /\b(?:send|write|call)\w*\s*\(\s*[^)\s]/;
const LOOPS = /\b(?:loop|while|for)\b/;

function replyLoopCandidates(text: string): string[] {
  return functionSlices(text)
    .filter(({ body }) => {
      const code = withoutComments(body);
      return (
        SENDS_SOMETHING.test(code) && LOOPS.test(code) && REPLY_SERIAL_WORDS.test(code) && !DEADLINE_WORDS.test(code)
      );
    })
    .map(({ name }) => name);
}

/**
 * Same-file functions that may send a call and loop until its reply with no deadline, read from the text alone
 * (so anchors can name their callers); the syntax tree confirms each (`replyLoop` in the rule).
 */
export function replyLoopNames(file: FileFacts): ReadonlySet<string> {
  return file.fact(findReplyLoopNames);
}

function findReplyLoopNames(file: FileFacts): ReadonlySet<string> {
  return new Set(file.eachItem(replyLoopCandidates).flat());
}

/** `write!(self.sock, …)` / `writeln!(stream, …)`: the macro's target, when the node is one. */
export function writeMacroTarget(macro: Node): string | undefined {
  const name = macro.childForFieldName('macro')?.text;
  if (name !== 'write' && name !== 'writeln') return undefined;
  const tokens = macro.namedChildren.find((child) => child.type === 'token_tree');
  return tokens ? /^\(\s*([^,]+?)\s*,/.exec(tokens.text)?.[1] : undefined;
}

/** Sends written as `write!`/`writeln!` to something that may be a socket, in source order. */
export function writeMacroSends(macros: readonly Node[]): Node[] {
  return macros.filter((macro) => !!writeMacroTarget(macro));
}

/** What a send is called in messages: `write_all`, `write!`. */
export function sendName(send: Node, fallback = 'send'): string {
  if (send.type === 'macro_invocation') return `${send.childForFieldName('macro')?.text ?? 'write'}!`;
  let fn = send.childForFieldName('function');
  // `socket::sendmsg::<()>(…)`: the name is the function's, not the turbofish's.
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  const name = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text : fn?.text.split('::').pop();
  return name || fallback;
}

/** What a send or read goes to: the receiver, the first argument of a path call, or a `write!` macro's target. */
export function ioTarget(node: Node): string | undefined {
  if (node.type === 'macro_invocation') return writeMacroTarget(node);
  const fn = node.childForFieldName('function');
  if (fn?.type === 'field_expression') return fn.childForFieldName('value')?.text;
  return node.childForFieldName('arguments')?.namedChildren[0]?.text;
}

/**
 * The last of `sends` (sorted by position) inside `fn` that ends before `node` starts and that `accept`
 * takes (checked from the nearest back, so only candidates pay for it).
 */
export function lastSendIn(
  sends: readonly Node[],
  fn: Node,
  node: Node,
  accept: (send: Node) => boolean = () => true,
): Node | undefined {
  let end = -1;
  let start = sends.length;
  for (let i = 0; i < sends.length; i++) {
    const send = sends[i];
    if (!send || send.startIndex < fn.startIndex) continue;
    if (send.endIndex > node.startIndex || send.endIndex > fn.endIndex) break;
    if (start === sends.length) start = i;
    end = i;
  }
  for (let i = end; i >= start && i >= 0; i--) {
    const send = sends[i];
    if (send && accept(send)) return send;
  }
  return undefined;
}
