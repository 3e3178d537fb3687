import type { Node } from 'web-tree-sitter';
import {
  ALL_SENDS,
  DBUS_EVIDENCE,
  DBUS_RS,
  provesDbus,
  handWrittenSocket,
  NET_SOCKET,
  RAW_SOCKET,
  REPLY_SERIAL_WORDS,
  uses,
} from '../libraries/index';
import { BUFFERING, PARSES_MESSAGE } from '../libraries/net-socket';
import {
  ioTarget,
  lastSendIn,
  MESSAGE_RECEIVE,
  notASocket,
  sendName,
  socketHelpers,
  writeMacroSends,
} from '../libraries/raw-socket';
import {
  boundName,
  callArguments,
  callee,
  contains,
  descendantsOfType,
  enclosingFunction,
  enclosingLoop,
  isFunctionBoundary,
  lineOf,
  stringValue,
  parentOf,
} from '../syntax';
import { callHints } from '../callHints';
import { escapeRegExp } from '../resolve';
import type { FileFacts } from '../facts';
import type { LanguageId } from '../types';
import { nodeRange, related, type FileLookup, type Rule, type RuleContext, type RuleReport } from './rule';

const RAW_RECEIVES = new Set(RAW_SOCKET.receives);
const COMPLETE_READS = new Set(RAW_SOCKET.completeReads);

/** `write!(sock, …)` sends only where something is read with a buffer (`RwLock::read()` takes none). */
const WRITE_MACRO = /\bwrite(?:ln)?!\s*\(/;
const READ_WITH_BUFFER =
  /\b(?:recvmsg|recv|recv_from|recvfrom|read|read_buf|try_read|read_vectored)\s*(?:::<[^>]*>)?\(\s*[^)\s]|\b(?:read|recv|receive|get_next|next|pop|read_next)_(?:message|msg|reply|response|frame)\s*\(/;

const SENDS_OR_SHORT_READ =
  /\b(?:sendmsg|send|send_to|sendto|write_all|write|write_vectored|send_message|send_msg|write_message|hello|call_hello)\b\s*(?:::<[^>]*>)?\(|\bif\s[^{]*(?:<|!=|>)[^{]*\{(?:\s|\/\/[^\n]*\n)*break\b/;

const STDIO = /(?:^|\.)(?:stdin|stdout|stderr)$/;

const NEXT_STEP =
  'a signal such as NameAcquired can arrive first and a reply can span several reads; read the 16-byte header, compute the message length and read until all of it is there (and keep reading messages until the reply to this call arrives)';

interface Receive {
  call: Node;
  name: string;
  nameNode: Node;
  unit: 'bytes' | 'message';
}

function rustReceives(ctx: RuleContext, dbusRs: boolean): { receives: Receive[]; sends: Node[] } {
  const dbusRsReceives = new Set(dbusRs ? DBUS_RS.receives : []);
  const helperSends: ReadonlySet<string> = handWrittenSocket(ctx) ? socketHelpers(ctx).sends : new Set();
  const receives: Receive[] = [];
  const sends: Node[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    if (helperSends.has(c.name)) {
      sends.push(call);
      continue;
    }
    const message = MESSAGE_RECEIVE.test(c.name) || (dbusRsReceives.has(c.name) && !!c.receiver);
    if (
      !message &&
      !RAW_RECEIVES.has(c.name) &&
      !ALL_SENDS.has(c.name) &&
      c.name !== 'hello' &&
      c.name !== 'call_hello'
    )
      continue;
    const args = callArguments(call);
    if (RAW_RECEIVES.has(c.name) && args.length > 0)
      receives.push({ call, name: c.name, nameNode: c.nameNode, unit: 'bytes' });
    // A read given the call's serial (`wait_for_reply(serial)`) matches the reply itself.
    else if (message && !args.some((a) => /serial/i.test(a.text)))
      receives.push({ call, name: c.name, nameNode: c.nameNode, unit: 'message' });
    if (ALL_SENDS.has(c.name) && args.length > 0) sends.push(call);
    else if (c.name === 'hello' || c.name === 'call_hello') sends.push(call);
  }
  sends.push(...writeMacroSends(ctx.nodes('macro')));
  return { receives, sends: sends.sort((a, b) => a.startIndex - b.startIndex) };
}

/** `while let Ok(n) = sock.read(…)` / `if let Some(n) = …`: the name the pattern binds. */
function conditionBinding(receive: Node): string | undefined {
  let value: Node = receive;
  let parent = parentOf(value);
  while (parent && ['try_expression', 'await_expression', 'parenthesized_expression'].includes(parent.type)) {
    value = parent;
    parent = parentOf(value);
  }
  if (parent?.type !== 'let_condition') return undefined;
  return /^(?:Ok|Some)\(\s*(?:mut\s+)?([A-Za-z_]\w*)\s*\)$/.exec(parent.childForFieldName('pattern')?.text ?? '')?.[1];
}

/** Names holding a read's byte count: `let n = recv(…)?` and one hop more (`let got = r.bytes`). */
function countNames(receive: Node, scope: Node): Set<string> {
  const names = new Set<string>();
  const first = boundName(receive) ?? conditionBinding(receive);
  if (first) names.add(first);
  if (names.size === 0) return names;
  for (const decl of descendantsOfType(scope, 'let_declaration')) {
    const value = decl.childForFieldName('value');
    const pattern = decl.childForFieldName('pattern');
    if (!value || !pattern || value.startIndex < receive.startIndex) continue;
    if ([...names].some((n) => new RegExp(`\\b${n}\\b`).test(value.text)))
      names.add(pattern.text.replace(/^mut\s+/, ''));
  }
  return names;
}

/** `if n < BUF_LEN { break }`: the loop ends at the first short read, as if a short read meant "complete". */
function shortReadBreak(loop: Node, receive: Node): Node | undefined {
  const names = countNames(receive, loop);
  for (const ifNode of descendantsOfType(loop, 'if_expression')) {
    const condition = ifNode.childForFieldName('condition');
    const consequence = ifNode.childForFieldName('consequence');
    if (condition?.type !== 'binary_expression' || !consequence) continue;
    if (descendantsOfType(consequence, 'break_expression').length === 0) continue;
    const operator = condition.childForFieldName('operator')?.text ?? condition.child(1)?.text;
    if (operator !== '<' && operator !== '!=' && operator !== '>') continue;
    const left = condition.childForFieldName('left');
    const right = condition.childForFieldName('right');
    if (!left || !right) continue;
    const count = operator === '>' ? right : left;
    const bound = operator === '>' ? left : right;
    if (/^0(?:usize)?$/.test(bound.text)) continue;
    const mentionsCount =
      contains(count, receive) || [...names].some((n) => new RegExp(`^(?:${n}|${n}\\.\\w+)$`).test(count.text));
    if (mentionsCount) return condition;
  }
  return undefined;
}

/** A later read in the same function that completes the message (`read_exact`, or a read in a loop): `receive` was a peek. */
function readsMoreLater(receive: Receive, fn: Node, ctx: RuleContext): boolean {
  for (const call of ctx.nodesWithin('call', fn)) {
    if (call.startIndex <= receive.call.endIndex) continue;
    const name = ctx.callee(call)?.name;
    if (name && (COMPLETE_READS.has(name) || (RAW_RECEIVES.has(name) && enclosingLoop(call)))) return true;
  }
  return false;
}

function checkRust(ctx: RuleContext): RuleReport[] {
  const raw = handWrittenSocket(ctx);
  const { receives, sends } = rustReceives(ctx, uses(DBUS_RS, ctx));
  // `io::stdin().read(…)`, `file.write_all(…)`: not the bus. Asked only of the reads and sends a finding would name.
  const onSocket = (node: Node) => !notASocket(ioTarget(node), ctx.scopeOf(node), ctx);
  // A send inside a closure the read is not in (a spawned thread, a callback) is not this read's call.
  const sendFor = (receive: Node) => (send: Node) => {
    const home = enclosingFunction(send);
    return (!home || contains(home, receive)) && onSocket(send);
  };
  const reports: RuleReport[] = [];
  for (const receive of receives) {
    if (receive.unit === 'bytes' && !raw) continue;
    const fn = enclosingFunction(receive.call) ?? receive.call;
    const scopeFn = fn.type === 'closure_expression' ? (enclosingFunctionOf(fn) ?? fn) : fn;
    const loop = enclosingLoop(receive.call);
    const what = `\`${receive.name}\``;
    if (loop && receive.unit === 'bytes') {
      const shortRead = shortReadBreak(loop, receive.call);
      if (!shortRead || !onSocket(receive.call)) continue;
      const send = lastSendIn(sends, scopeFn, receive.call, sendFor(receive.call));
      reports.push({
        range: nodeRange(receive.nameNode),
        message: `reading stops at the first short ${what} (\`${shortRead.text}\`, line ${lineOf(shortRead)}): a read shorter than the buffer does not mean the reply is complete — the bus may not have written all of it yet, or have written a signal such as NameAcquired first; read the 16-byte header, compute the message length and read until all of it is there (and keep reading messages until the reply to this call arrives)`,
        related: [
          related(shortRead, 'a short read is taken as the end of the reply here'),
          ...(send ? [related(send, 'the call was sent here')] : []),
        ],
        data: { library: RAW_SOCKET.id, ...callHints(ctx.scopeOf(receive.call), ctx) },
      });
      continue;
    }
    if (loop) continue;
    const send = lastSendIn(sends, scopeFn, receive.call, sendFor(receive.call));
    if (!send) {
      if (receive.unit === 'bytes' && raw) {
        const report = readerHelperRead(receive, scopeFn, ctx, onSocket);
        if (report) reports.push(report);
      }
      continue;
    }
    if (receive.unit === 'bytes' && (readsMoreLater(receive, scopeFn, ctx) || !onSocket(receive.call))) continue;
    if (receive.unit === 'message' && (matchesReplyItself(receive.name, ctx) || queued(receive.call, scopeFn)))
      continue;
    const sent = sendName(send);
    reports.push({
      range: nodeRange(receive.nameNode),
      message:
        receive.unit === 'bytes'
          ? `the reply is taken from a single ${what} after \`${sent}\` (line ${lineOf(send)}); ${NEXT_STEP}`
          : `one message is read with ${what} after \`${sent}\` (line ${lineOf(send)}) and taken as the reply; the bus sends messages nobody asked for (the NameAcquired signal after Hello, other signals): keep reading until the message whose REPLY_SERIAL matches the call's serial arrives`,
      related: [related(send, 'the call was sent here')],
      data: {
        library: receive.unit === 'bytes' ? RAW_SOCKET.id : uses(DBUS_RS, ctx) ? DBUS_RS.id : RAW_SOCKET.id,
        ...callHints(ctx.scopeOf(receive.call), ctx),
      },
    });
  }
  return reports;
}

const SEND_WORDS =
  /\bwrite(?:ln)?!\s*\(|\b(?:sendmsg|send|send_to|sendto|write_all|write|write_vectored|send_message|send_msg|write_message)\b\s*(?:::<[^>]*>)?\(/;

/**
 * `fn fetch(&mut self) -> … { let n = self.sock.read(&mut buf)?; … }` called as `self.sock.write_all(m)?;
 * self.fetch()`: the single read is in a reader helper, the send in its caller (found from the text).
 */
function readerHelperRead(
  receive: Receive,
  fn: Node,
  ctx: RuleContext,
  onSocket: (node: Node) => boolean,
): RuleReport | undefined {
  if (fn.type !== 'function_item') return undefined;
  const name = fn.childForFieldName('name')?.text;
  if (!name || !socketHelpers(ctx).receives.has(name)) return undefined;
  if (readsMoreLater(receive, fn, ctx) || !onSocket(receive.call)) return undefined;
  for (const m of ctx.matches(new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`, 'g'))) {
    if (m.index >= fn.startIndex && m.index < fn.endIndex) continue;
    const at = ctx.nodeAt(m.index);
    const caller = at ? enclosingFunction(at) : undefined;
    if (!caller || !at || !SEND_WORDS.test(caller.text.slice(0, m.index - caller.startIndex))) continue;
    return {
      range: nodeRange(receive.nameNode),
      message: `the reply is taken from a single \`${receive.name}\` in \`${name}\`, which is called right after a send (line ${lineOf(at)}); ${NEXT_STEP}`,
      related: [related(at, `\`${name}\` is called after the call was sent`)],
      data: { library: RAW_SOCKET.id, ...callHints(ctx.scopeOf(receive.call), ctx) },
    };
  }
  return undefined;
}

/** `let msg = read_message()?; queue.push_back(msg)`: a pump filling a queue, not a read taken as the reply. */
function queued(receive: Node, fn: Node): boolean {
  const name = boundName(receive);
  if (!name) return false;
  return new RegExp(
    `\\.(?:push_back|push_front|push|insert|enqueue|send|try_send)\\s*\\([^;]*\\b${escapeRegExp(name)}\\b`,
  ).test(fn.text);
}

/** A same-file helper of that name whose body matches replies by serial is not a single read. */
function matchesReplyItself(name: string, ctx: RuleContext): boolean {
  const definition = ctx.matches(new RegExp(`\\bfn\\s+${name}\\b`, 'g'))[0];
  if (!definition) return false;
  let fn: Node | null = ctx.nodeAt(definition.index);
  while (fn && fn.type !== 'function_item') fn = parentOf(fn);
  return (
    !!fn &&
    REPLY_SERIAL_WORDS.test(fn.text) &&
    descendantsOfType(fn, ['loop_expression', 'while_expression', 'for_expression']).length > 0
  );
}

function enclosingFunctionOf(node: Node): Node | undefined {
  const parent = parentOf(node);
  return parent ? enclosingFunction(parent) : undefined;
}

/** An inline handler that keeps the chunk (concatenates or appends it), as a framing loop's step does. */
function accumulates(call: Node): boolean {
  const handler = inlineHandler(call);
  const chunk = handler ? chunkParam(handler) : undefined;
  const body = handler?.childForFieldName('body');
  return !!chunk && !!body && buffers(body.text, chunk);
}

/** The function passed as the handler argument (`on('data', chunk => …)`), if written inline. */
function inlineHandler(call: Node): Node | undefined {
  const handler = callArguments(call)[1];
  return handler && isFunctionBoundary(handler) ? handler : undefined;
}

/** `on('data', this.onData)`, `on('data', onData.bind(this))`, `on('data', (c) => this.handle(c))`, `for await (…)`. */
const DELEGATING_HANDLER =
  /\.on\s*\(\s*['"]data['"]\s*,\s*(?:(?:this\.)?#?[\w$]+\s*(?:\)|\.bind\b)|(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>\s*\{?\s*(?:(?:void|return|await)\s+)?(?:this\.)?#?[\w$]+\s*\()|\bfor\s+await\b/;

/** A SASL reply tested on the chunk's text: `/^OK /`, `'AGREE_UNIX_FD'`, `startsWith('REJECTED')`. */
const SASL_TOKEN = /['"`/]\^?(?:OK|AGREE_UNIX_FD|REJECTED|DATA)\b/;

/** The handler keeps bytes across chunks: concatenates, appends, or feeds the chunk to a framer. */
function buffers(body: string, chunk: string): boolean {
  const c = escapeRegExp(chunk);
  return BUFFERING.test(body) || new RegExp(`\\.(?:push|append|feed|write|enqueue|unshift)\\(\\s*${c}\\b`).test(body);
}

/** The chunk parameter's name of a handler function. */
function chunkParam(handler: Node): string | undefined {
  const param = handler.childForFieldName('parameters')?.namedChildren[0] ?? handler.childForFieldName('parameter');
  return param?.type === 'required_parameter' || param?.type === 'optional_parameter'
    ? param.childForFieldName('pattern')?.text
    : param?.text;
}

const METHOD_DEFINITIONS = new Set([
  'method_definition',
  'function_declaration',
  'variable_declarator',
  'public_field_definition',
  'field_definition',
]);

/**
 * A same-file function or method of that name (`handle(chunk) {…}`, `onData = (d) => …`, `function onData(d)`),
 * the one in the class holding `from` first. Found from the text, then one climb in the tree.
 */
function definitionOf(name: string, file: FileLookup, from: Node): Node | undefined {
  let fallback: Node | undefined;
  for (const { index } of file.matches(definitionSites(name))) {
    let def: Node | null = file.nodeAt(index);
    while (def && !METHOD_DEFINITIONS.has(def.type)) def = parentOf(def);
    if (!def) continue;
    const key = def.childForFieldName('name') ?? def.childForFieldName('property');
    if (key?.text !== name) continue;
    let fn: Node | undefined = def;
    if (def.type !== 'method_definition' && def.type !== 'function_declaration') {
      const value = def.childForFieldName('value');
      fn = value && isFunctionBoundary(value) ? value : undefined;
    }
    if (!fn) continue;
    if (sameClass(def, from)) return fn;
    fallback ??= fn;
  }
  return fallback;
}

/**
 * Where `name` is defined as a function, method or function-valued field: the name, not inside a longer name or
 * after a `.`, followed by a parameter list and a body or by `= function`/`= (`/`= x =>`. A pattern rather than
 * offsets: its matches are recorded by item and offset within it, so a result stands where an edit moves the code.
 */
function definitionSites(name: string): RegExp {
  let pattern = definitionPatterns.get(name);
  if (!pattern) {
    const before = name.startsWith('#') ? '(?<!\\.)' : '(?<![\\w$#.])';
    pattern = new RegExp(
      `${before}${escapeRegExp(name)}(?![\\w$#])(?=\\s*(?:\\([^)]*\\)\\s*(?::[^{;]*)?\\{|(?::[^=;]*)?=\\s*(?:async\\s*)?(?:function\\b|\\(|[A-Za-z_$][\\w$]*\\s*=>)))`,
      'g',
    );
    // Handler names are few per file; a file naming thousands must not grow the memo for the server's life.
    if (definitionPatterns.size >= 512) definitionPatterns.clear();
    definitionPatterns.set(name, pattern);
  }
  return pattern;
}
const definitionPatterns = new Map<string, RegExp>();

function sameClass(a: Node, b: Node): boolean {
  const owner = (node: Node): number | undefined => {
    for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'class_body') return n.id;
    return undefined;
  };
  return owner(a) !== undefined && owner(a) === owner(b);
}

/** `this.onData`, `this.onData.bind(this)`, `onData`: the handler named rather than written inline. */
function namedHandler(arg: Node | undefined): string | undefined {
  if (!arg) return undefined;
  let target = arg;
  if (target.type === 'call_expression' && callee(target)?.name === 'bind') target = callee(target)?.receiver ?? target;
  if (target.type === 'identifier') return target.text;
  if (target.type === 'member_expression' && /^this$/.test(target.childForFieldName('object')?.text ?? ''))
    return target.childForFieldName('property')?.text;
  return undefined;
}

/** A handler that takes each chunk as a whole message or SASL line, without buffering; follows one hop to a same-file method. */
function unbufferedHandler(handler: Node, file: FileLookup, at: Node, depth = 0): Omit<RuleReport, 'data'> | undefined {
  const chunk = chunkParam(handler);
  const body = handler.childForFieldName('body');
  return chunk && body ? unbufferedBody(chunk, body, handler, file, at, depth) : undefined;
}

/** `body` takes `chunk` (one `data` chunk) as a whole message or SASL line. */
function unbufferedBody(
  chunk: string,
  body: Node,
  handler: Node,
  file: FileLookup,
  at: Node,
  depth: number,
): Omit<RuleReport, 'data'> | undefined {
  if (buffers(body.text, chunk)) return undefined;
  // `chunk`, `chunk.subarray(…)`, `chunk as Buffer`, `chunk!`, `(chunk)`.
  const chunkArg = new RegExp(`^\\(?\\s*${escapeRegExp(chunk)}(?:\\s+as\\b|\\s*!|\\s*\\)|\\.|$)`);
  const usesChunk = (arg: Node) => chunkArg.test(arg.text);
  const calls = descendantsOfType(body, 'call_expression');
  const parse = calls.find((inner) => {
    const name = callee(inner);
    return (
      !!name &&
      PARSES_MESSAGE.test(name.path) &&
      callArguments(inner).some(usesChunk) &&
      !(name.receiver && outlivesHandler(name.receiver, body, file))
    );
  });
  if (parse) {
    return {
      range: nodeRange(at),
      message: `each \`data\` chunk is parsed as one whole message (\`${parse.text.split('\n')[0]}\`, line ${lineOf(parse)}); a chunk can hold part of a message or several, so replies larger than one chunk or arriving with a signal are misread; buffer chunks and split them by the header's lengths`,
      related: [related(parse, 'the chunk is parsed as a message here')],
    };
  }
  if (SASL_TOKEN.test(body.text) && new RegExp(`\\b${escapeRegExp(chunk)}\\b`).test(body.text)) {
    // At the test of the chunk for the server's answer, where the wrong conclusion is drawn, when it is one place.
    const test = calls.find(
      (inner) => SASL_TOKEN.test(inner.text) && new RegExp(`\\b${escapeRegExp(chunk)}\\b`).test(inner.text),
    );
    return {
      range: nodeRange(test ?? at),
      message: `each \`data\` chunk is taken as a whole SASL line (the handler tests it for the server's reply); a line can arrive in pieces or together with the next one: buffer until "\\r\\n"`,
      ...(test ? { related: [related(at, 'the chunks come from this handler')] } : {}),
    };
  }
  if (depth > 0) return undefined;
  // `chunk => this.handle(chunk)`: the chunk handed whole to a same-file method.
  for (const inner of calls) {
    const c = callee(inner);
    if (!c || (c.receiver && c.receiver.text !== 'this') || !callArguments(inner).some(usesChunk)) continue;
    const definition = definitionOf(c.name, file, inner);
    if (definition && definition.id !== handler.id) {
      const report = unbufferedHandler(definition, file, at, depth + 1);
      if (report) return report;
    }
  }
  return undefined;
}

/**
 * Whether `receiver` (`parser` in `parser.parse(chunk)`) is an object made with `new` outside the handler's body: it
 * lives across chunks and can keep the bytes of a message until the rest arrives (a stateful framer), so feeding
 * it each chunk is not taking a chunk as a message. A module function or an object made per chunk cannot.
 */
function outlivesHandler(receiver: Node, body: Node, file: FileLookup): boolean {
  const property = /^this\.([A-Za-z_$#][\w$]*)$/.exec(receiver.text)?.[1];
  const name = property ?? (receiver.type === 'identifier' ? receiver.text : undefined);
  if (!name) return false;
  const binding = new RegExp(
    property
      ? // `this.parser = new …` in a method, or the class field `parser = new …` / `#parser = new …`.
        `\\bthis\\.${escapeRegExp(name)}\\s*=\\s*new\\s+[A-Za-z_$]|(?<![\\w$.#])${escapeRegExp(name)}\\s*(?::[^=\\n;]*)?=\\s*new\\s+[A-Za-z_$]`
      : `\\b(?:const|let|var)\\s+${escapeRegExp(name)}\\s*(?::[^=\\n]*)?=\\s*new\\s+[A-Za-z_$]`,
    'g',
  );
  const made = file.matches(binding);
  return made.length > 0 && made.every((m) => m.index < body.startIndex || m.index >= body.endIndex);
}

/** The `data` handler passed to `on`, inline or named. */
function unbufferedDataHandler(call: Node, at: Node, file: FileLookup): Omit<RuleReport, 'data'> | undefined {
  const inline = inlineHandler(call);
  if (inline) return unbufferedHandler(inline, file, at);
  const name = namedHandler(callArguments(call)[1]);
  const definition = name ? definitionOf(name, file, call) : undefined;
  return definition ? unbufferedHandler(definition, file, at, 1) : undefined;
}

/** What a `for await (const chunk of x)` iterates: a socket when named so or made by `net`. */
function isSocketExpression(node: Node, file: FileFacts): boolean {
  const name = /([A-Za-z_$][\w$]*)$/.exec(node.text)?.[1];
  if (!name || STDIO.test(node.text)) return false;
  if (/sock|conn|stream/i.test(name)) return true;
  return file.has(
    new RegExp(
      `\\b${escapeRegExp(name)}\\s*(?::[^=\\n]*)?=\\s*(?:net\\.(?:createConnection|connect)\\b|new\\s+(?:net\\.)?Socket\\b)`,
    ),
  );
}

/** `for await (const chunk of socket) { parse(chunk) }`: each chunk taken as one message. */
function chunkLoops(ctx: RuleContext): Omit<RuleReport, 'data'>[] {
  const out: Omit<RuleReport, 'data'>[] = [];
  for (const scope of ctx.scopes) {
    if (!/\bfor\s+await\b/.test(scope.text)) continue;
    for (const loop of descendantsOfType(scope, 'for_in_statement')) {
      if (!/^for\s+await\b/.test(loop.text)) continue;
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right');
      const body = loop.childForFieldName('body');
      if (left?.type !== 'identifier' || !right || !body || !isSocketExpression(right, ctx)) continue;
      const report = unbufferedBody(left.text, body, loop, ctx, left, 0);
      if (report) out.push(report);
    }
  }
  return out;
}

function checkJs(ctx: RuleContext): RuleReport[] {
  const library = NET_SOCKET.id;
  const reports: RuleReport[] = chunkLoops(ctx).map((report) => ({ ...report, data: { library } }));
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const args = callArguments(call);
    const event = stringValue(args[0]);
    // `socket.once('data', …)`: the first chunk is taken as the reply (a process's stdio is not a bus).
    if (c.name === 'once' && c.receiver && (event === 'data' || event === 'message') && !STDIO.test(c.receiver.text)) {
      // `once('data', chunk => { buf = Buffer.concat([buf, chunk]); … })` in a read-until-enough loop: accumulating.
      if (event === 'data' && accumulates(call)) continue;
      reports.push({
        range: nodeRange(c.nameNode),
        message:
          event === 'data'
            ? `\`${c.receiver.text}.once('data', …)\` takes the first chunk as the whole reply; a chunk can hold part of a message, several messages, or a signal such as NameAcquired; buffer chunks and split them by the header's lengths`
            : `\`${c.receiver.text}.once('message', …)\` takes the next message as the reply; the bus sends messages nobody asked for (NameAcquired, other signals): wait for the message whose REPLY_SERIAL matches the call's serial`,
        data: { library, ...callHints(ctx.scopeOf(call), ctx) },
      });
      continue;
    }
    // `await once(socket, 'data')` (node:events) outside a loop: one chunk taken as the reply.
    if (c.name === 'once' && !c.receiver && stringValue(args[1]) === 'data' && !enclosingLoop(call)) {
      reports.push({
        range: nodeRange(c.nameNode),
        message: `\`once(${args[0]?.text ?? 'socket'}, 'data')\` awaits one chunk and takes it as the reply; a chunk can hold part of a message or a signal such as NameAcquired; keep reading and split by the header's lengths`,
        data: { library, ...callHints(ctx.scopeOf(call), ctx) },
      });
      continue;
    }
    // `socket.on('data', chunk => parse(chunk))`: each chunk parsed as one whole message (or SASL line).
    if (c.name === 'on' && c.receiver && event === 'data' && !STDIO.test(c.receiver.text)) {
      const report = unbufferedDataHandler(call, c.nameNode, ctx);
      if (report) reports.push({ ...report, data: { library, ...callHints(ctx.scopeOf(call), ctx) } });
    }
  }
  return reports;
}

/**
 * Files whose reads can be a D-Bus client's: hand-written socket code whose code (not a comment) shows it speaks
 * D-Bus, a dbus-rs user, or code reading whole messages by name in a file with D-Bus signs.
 */
function speaksDbus(file: FileFacts, language: LanguageId): boolean {
  return language === 'rust'
    ? (handWrittenSocket(file) && provesDbus(file)) ||
        (file.has(DBUS_EVIDENCE) &&
          (uses(DBUS_RS, file) ||
            file.has(
              /\b(?:read|recv|receive|get_next|next|pop|block_until_next|read_next)_(?:message|msg|reply|response|socket|frame)\b/,
            )))
    : uses(NET_SOCKET, file) && provesDbus(file);
}

export const singleReadReceive: Rule<'single-read-receive'> = {
  id: 'single-read-receive',
  title: 'Single read taken as the complete reply',
  summary:
    'After sending a call, one read (or one message) is taken as the whole reply; a signal such as NameAcquired can arrive first, and large replies span many reads.',
  description:
    'After sending a method call (or the SASL `AUTH`/`BEGIN` lines, or `Hello`), the code reads once and treats what it got as the whole reply.',
  defaultSeverity: 'warning',
  quickFixes: [],
  quickFixNote: 'the fix is a framing loop; see below',
  fixAll: false,
  proof: { naiveVerdict: true, faults: ['late-signal', 'split'] },
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: speaksDbus,
  anchors: (language) =>
    language === 'rust'
      ? /\b(?:recvmsg|recv|recv_from|recvfrom|read|read_buf|try_read|read_vectored|process|pop_message|blocking_pop_message|read_write|(?:read|recv|receive|get_next|next|pop|blocking_pop|block_until_next|read_next|try_read|await)_(?:message|msg|reply|response|socket|frame))\b/g
      : /\bonce\b|\.on\s*\(\s*['"]data|\bfor\s+await\b/g,
  // Rust: a read matters after a send in the same function, or in a loop that stops at a short read.
  // JS: `once(…)` always matters; an `on('data')` handler only when it parses chunks without buffering them.
  scopeFilter: (language, file) => {
    if (language !== 'rust') {
      // A data handler can hand each chunk to a parsing method elsewhere in the file.
      const fileParses = file.has(PARSES_MESSAGE);
      return (scopeText) =>
        /\bonce\b/.test(scopeText) ||
        PARSES_MESSAGE.test(scopeText) ||
        SASL_TOKEN.test(scopeText) ||
        (fileParses && DELEGATING_HANDLER.test(scopeText));
    }
    const helpers = handWrittenSocket(file) ? socketHelpers(file) : undefined;
    const sendHelpers = helpers ? [...helpers.sends] : [];
    const readers = helpers ? [...helpers.receives] : [];
    const helperSend = sendHelpers.length > 0 ? new RegExp(`\\b(?:${sendHelpers.join('|')})\\s*\\(`) : undefined;
    // Reader helpers themselves: their single read is taken as the reply their caller waits for.
    const reader =
      readers.length > 0
        ? new RegExp(
            `^(?:pub(?:\\([^)]*\\))?\\s+)?(?:const\\s+)?(?:async\\s+)?(?:unsafe\\s+)?fn\\s+(?:${readers.join('|')})\\b`,
          )
        : undefined;
    return (scopeText) =>
      SENDS_OR_SHORT_READ.test(scopeText) ||
      (WRITE_MACRO.test(scopeText) && READ_WITH_BUFFER.test(scopeText)) ||
      (!!helperSend && helperSend.test(scopeText)) ||
      (!!reader && reader.test(scopeText));
  },
  // The check asks too: a socket is the bus's only where the file's code shows it, whoever calls the check.
  check: (ctx) => (!speaksDbus(ctx, ctx.language) ? [] : ctx.language === 'rust' ? checkRust(ctx) : checkJs(ctx)),
};
