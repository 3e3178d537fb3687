import type { Node } from 'web-tree-sitter';
import type { LibraryModel } from './model';

/** Hand-written Rust clients over nix, libc, std or tokio Unix sockets (youki's dbus_native was one). */
export const RAW_SOCKET: LibraryModel = {
  id: 'raw-socket',
  displayName: 'raw socket',
  language: 'rust',
  imports: /\bnix::sys::socket\b|\buse\s+nix::|\blibc::(?:recv|send|read|write)|\bUnixStream\b|\bsocket::(?:recvmsg|sendmsg|recv|send)\b/,
  sends: ['sendmsg', 'send', 'send_to', 'sendto', 'write_all', 'write', 'write_vectored', 'write_all_buf'],
  receives: ['recvmsg', 'recv', 'recv_from', 'recvfrom', 'read', 'read_buf', 'try_read', 'read_vectored'],
  receiveUnit: 'bytes',
  completeReads: ['read_exact', 'read_line', 'read_until', 'read_to_end', 'read_to_string'],
  timeoutDefault: 'a blocking socket read waits forever unless the socket has a read timeout',
};

/** Evidence that the socket's reads are bounded in time. */
export const READ_TIMEOUT = /set_read_timeout\s*\(\s*(?!None\b)[^\s)]|SO_RCVTIMEO|ReceiveTimeout|set_nonblocking\s*\(\s*true|O_NONBLOCK|SOCK_NONBLOCK|MSG_DONTWAIT/;

/** A `poll` timeout that waits forever. */
export const INFINITE_POLL = /^(?:-1|None|PollTimeout::NONE|PollTimeout::MAX|c_int::MAX|i32::MAX)$/;

/**
 * Message-level reads any hand-written client might name so (`read_message`, `recv_msg`,
 * `get_next_message`, `read_socket`, `block_until_next_message`…): one call, one whole message.
 */
export const MESSAGE_RECEIVE =
  /^(?:read|recv|receive|get_next|next|pop|blocking_pop|block_until_next|read_next|try_read|await)_(?:message|msg|reply|response|socket|frame)$/;

/** Receivers that are no socket: files, stdio, in-memory buffers (`File::open(…)`, `io::stdin()`, `Vec::new()`). */
const NOT_A_SOCKET_VALUE = /\b(?:File::(?:open|create|options)|OpenOptions|Command::new|spawn\s*\(|fs::File|std(?:in|out|err)(?:_locked)?\s*\(|Cursor::new|Vec::(?:new|with_capacity)|vec!|String::new|BytesMut::)/;
const NOT_A_SOCKET_TYPE = /^&?\s*(?:mut\s+)?(?:(?:std::)?(?:fs::|io::|fmt::|process::)?(?:Formatter(?:<[^>]*>)?|Child(?:Stdout|Stdin|Stderr)?|File|Stdin|StdinLock|Stdout|Stderr|Cursor<[^>]*>|Vec<u8>|String|BytesMut)|\[u8\]|&\s*\[u8\])\b/;

function rootName(receiver: string): string | undefined {
  const m = /^\(?\s*(?:&\s*(?:mut\s+)?)?(?:self\.)?([A-Za-z_]\w*)/.exec(receiver);
  return m?.[1];
}

/** Per-file memo of field types (`sock: UnixStream`), so a field is looked up once however often it is read. */
let fieldCache: { text: string; types: Map<string, boolean> } | undefined;

function fieldIsNotASocket(name: string, fileText: string): boolean {
  if (fieldCache?.text !== fileText) fieldCache = { text: fileText, types: new Map() };
  let known = fieldCache.types.get(name);
  if (known === undefined) {
    const typed = new RegExp(`\\b${name}\\s*:\\s*([^,;){}=]+)`).exec(fileText);
    known = !!typed?.[1] && NOT_A_SOCKET_TYPE.test(typed[1].trim());
    fieldCache.types.set(name, known);
  }
  return known;
}

/**
 * True when a read or write goes to a file, stdio or a buffer rather than a socket: the receiver (or, for
 * `Read::read(&mut x, …)`, the first argument) is `io::stdin()`, or a name bound in `scope` (or a field
 * declared in the file) to a `File`, stdio handle, `Vec`, `Cursor`…
 */
export function notASocket(receiver: string | undefined, scope: Node, fileText: string): boolean {
  if (!receiver) return false;
  const text = receiver.replace(/\s+/g, '');
  // `io::stdin()`, `child.stdout.as_mut().unwrap()`: stdio, ours or a child process's.
  if (/(?:^|::|\.)std(?:in|out|err)\b/.test(text) || /^(?:std::)?io::std(?:in|out|err)/.test(text)) return true;
  const name = rootName(receiver);
  if (!name || name === 'self') return false;
  if (/^\(?\s*(?:&\s*(?:mut\s+)?)?self\./.test(receiver)) return fieldIsNotASocket(name, fileText);
  const scopeText = scope.text;
  if (!scopeText.includes(name)) return false;
  const binding = new RegExp(`\\blet\\s+(?:mut\\s+)?${name}\\s*(?::\\s*([^=;]+))?=([^;]*)`).exec(scopeText);
  if (binding) return (!!binding[1] && NOT_A_SOCKET_TYPE.test(binding[1].trim())) || NOT_A_SOCKET_VALUE.test(binding[2] ?? '');
  // A parameter of that name with a file/stdio/buffer type.
  const typed = new RegExp(`\\b${name}\\s*:\\s*([^,;){}=]+)`).exec(scopeText);
  return !!typed?.[1] && NOT_A_SOCKET_TYPE.test(typed[1].trim());
}

// A call with an argument (`RwLock::write()`/`read()` take none).
const SOCKET_SEND = /\b(?:send|write)_(?:message|msg|call)\s*\(|\.(?:write_all|write|send|sendmsg|send_to|write_vectored|write_all_buf)\s*\(\s*[^)\s]|(?:^|[^.\w])(?:sendmsg|send|sendto|send_to|write)\s*(?:::<[^>]*>)?\s*\(\s*[^)\s]/;
const SOCKET_RECEIVE =
  /\.(?:read|recv|recv_from|read_exact|read_buf|read_vectored|read_line|read_until)\s*\(\s*[^)\s]|(?:^|[^.\w])(?:recvmsg|recv|recvfrom|recv_from|read)\s*(?:::<[^>]*>)?\s*\(\s*[^)\s]|\b(?:read|recv|receive|get_next|next|pop|read_next)_(?:message|msg|reply|response|frame)\s*\(/;
/** Helpers that work on files or stdio rather than a socket. */
const FILE_IO = /\bFile::(?:open|create|options)|\bOpenOptions\b|\bstd(?:in|out|err)\s*\(\)/;

export interface SocketHelpers {
  /** Same-file functions that only put bytes on the wire (`fn send_call(&mut self, …) { self.sock.write_all(…) }`). */
  sends: ReadonlySet<string>;
  /** Same-file functions that block reading the socket, directly or through another such helper (`read_message` → `read_full` → `read`). */
  receives: ReadonlySet<string>;
}

let helpersCache: { text: string; helpers: SocketHelpers } | undefined;

/**
 * Helpers found from the text alone (each `fn` up to the next one), so scope filters can use them before
 * any query runs. Rough by design: a helper is only a name that makes a call count as a send or a read.
 */
export function socketHelpers(text: string): SocketHelpers {
  if (helpersCache?.text === text) return helpersCache.helpers;
  const bodies = new Map<string, string>();
  const fnPattern = /\bfn\s+([A-Za-z_]\w*)/g;
  const starts: { name: string; index: number }[] = [];
  for (let m = fnPattern.exec(text); m; m = fnPattern.exec(text)) if (m[1]) starts.push({ name: m[1], index: m.index });
  starts.forEach((start, i) => {
    const body = text.slice(start.index, starts[i + 1]?.index ?? text.length);
    const open = body.indexOf('{');
    if (open < 0) return;
    bodies.set(start.name, (bodies.get(start.name) ?? '') + body.slice(open));
  });
  const sends = new Set<string>();
  const receives = new Set<string>();
  const excluded = new Set([...RAW_SOCKET.receives, ...RAW_SOCKET.completeReads, ...RAW_SOCKET.sends, 'main', 'new', 'drop', 'fmt', 'hello', 'call_hello', 'send_message', 'send_msg', 'write_message']);
  for (const [name, body] of bodies) {
    if (excluded.has(name) || FILE_IO.test(body)) continue;
    const reads = SOCKET_RECEIVE.test(body);
    const writes = SOCKET_SEND.test(body);
    if (reads && !writes) receives.add(name);
    else if (writes && !reads) sends.add(name);
  }
  // Readers through readers: `read_message` calls `read_full`, which reads.
  // A function that also calls a send helper (`auth`: `auth_write_line` then `auth_read_line`) is a round trip of its
  // own, whose read is checked where it is; its callers are not waiting for a reply to their own send.
  const sendCalled = sends.size > 0 ? new RegExp(`(?:\\.|\\b)(?:${[...sends].join('|')})\\s*\\(`) : undefined;
  for (let round = 0; round < 3 && receives.size > 0; round++) {
    const called = new RegExp(`(?:\\.|\\b)(?:${[...receives].join('|')})\\s*\\(`);
    for (const [name, body] of bodies) {
      if (excluded.has(name) || receives.has(name) || FILE_IO.test(body) || SOCKET_SEND.test(body) || sendCalled?.test(body)) continue;
      if (called.test(body)) receives.add(name);
    }
  }
  const helpers = { sends, receives };
  helpersCache = { text, helpers };
  return helpers;
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
export function lastSendIn(sends: readonly Node[], fn: Node, node: Node, accept: (send: Node) => boolean = () => true): Node | undefined {
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
