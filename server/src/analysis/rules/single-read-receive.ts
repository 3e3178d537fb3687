import type { Node } from 'web-tree-sitter';
import { ALL_SENDS, DBUS_EVIDENCE, DBUS_RS, NET_SOCKET, RAW_SOCKET, REPLY_SERIAL_WORDS, uses } from '../libraries/index';
import { BUFFERING, PARSES_MESSAGE } from '../libraries/net-socket';
import { MESSAGE_RECEIVE } from '../libraries/raw-socket';
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
} from '../syntax';
import { callHints } from '../callHints';
import { escapeRegExp } from '../resolve';
import { nodeRange, related, type Rule, type RuleContext, type RuleReport } from './rule';

const RAW_RECEIVES = new Set(RAW_SOCKET.receives);
const COMPLETE_READS = new Set(RAW_SOCKET.completeReads);

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
  const receives: Receive[] = [];
  const sends: Node[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const args = callArguments(call);
    if (RAW_RECEIVES.has(c.name) && args.length > 0) receives.push({ call, name: c.name, nameNode: c.nameNode, unit: 'bytes' });
    // A read given the call's serial (`wait_for_reply(serial)`) matches the reply itself.
    else if ((MESSAGE_RECEIVE.test(c.name) || (dbusRsReceives.has(c.name) && c.receiver)) && !args.some((a) => /serial/i.test(a.text)))
      receives.push({ call, name: c.name, nameNode: c.nameNode, unit: 'message' });
    if (ALL_SENDS.has(c.name) && args.length > 0) sends.push(call);
    else if (c.name === 'hello' || c.name === 'call_hello') sends.push(call);
  }
  return { receives, sends };
}

/** Names holding a read's byte count: `let n = recv(…)?` and one hop more (`let got = r.bytes`). */
function countNames(receive: Node, scope: Node): Set<string> {
  const names = new Set<string>();
  const first = boundName(receive);
  if (first) names.add(first);
  if (names.size === 0) return names;
  for (const decl of descendantsOfType(scope, 'let_declaration')) {
    const value = decl.childForFieldName('value');
    const pattern = decl.childForFieldName('pattern');
    if (!value || !pattern || value.startIndex < receive.startIndex) continue;
    if ([...names].some((n) => new RegExp(`\\b${n}\\b`).test(value.text))) names.add(pattern.text.replace(/^mut\s+/, ''));
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

/** The last send in `fn` that ends before `node` starts. */
function lastSendBefore(sends: ReadonlySet<Node['id']>, fn: Node, node: Node, ctx: RuleContext): Node | undefined {
  let found: Node | undefined;
  for (const call of ctx.nodesWithin('call', fn)) {
    if (call.endIndex > node.startIndex) break;
    if (sends.has(call.id)) found = call;
  }
  return found;
}

function checkRust(ctx: RuleContext): RuleReport[] {
  const raw = uses(RAW_SOCKET, ctx.text);
  const { receives, sends: sendList } = rustReceives(ctx, uses(DBUS_RS, ctx.text));
  const sends = new Set(sendList.map((send) => send.id));
  const reports: RuleReport[] = [];
  for (const receive of receives) {
    if (receive.unit === 'bytes' && !raw) continue;
    const fn = enclosingFunction(receive.call) ?? receive.call;
    const scopeFn = fn.type === 'closure_expression' ? (enclosingFunctionOf(fn) ?? fn) : fn;
    const send = lastSendBefore(sends, scopeFn, receive.call, ctx);
    const loop = enclosingLoop(receive.call);
    const what = `\`${receive.name}\``;
    if (loop && receive.unit === 'bytes') {
      const shortRead = shortReadBreak(loop, receive.call);
      if (!shortRead) continue;
      reports.push({
        range: nodeRange(receive.nameNode),
        message: `reading stops at the first short ${what} (\`${shortRead.text}\`, line ${lineOf(shortRead)}): a read shorter than the buffer does not mean the reply is complete — the bus may not have written all of it yet, or have written a signal such as NameAcquired first; ${NEXT_STEP}`,
        related: [related(shortRead, 'a short read is taken as the end of the reply here'), ...(send ? [related(send, 'the call was sent here')] : [])],
        data: { library: RAW_SOCKET.id, ...callHints(ctx.scopeOf(receive.call), ctx.text) },
      });
      continue;
    }
    if (loop || !send) continue;
    if (receive.unit === 'bytes' && readsMoreLater(receive, scopeFn, ctx)) continue;
    if (receive.unit === 'message' && matchesReplyItself(receive.name, ctx)) continue;
    const sent = callee(send)?.name ?? 'send';
    reports.push({
      range: nodeRange(receive.nameNode),
      message:
        receive.unit === 'bytes'
          ? `the reply is taken from a single ${what} after \`${sent}\` (line ${lineOf(send)}); ${NEXT_STEP}`
          : `one message is read with ${what} after \`${sent}\` (line ${lineOf(send)}) and taken as the reply; the bus sends messages nobody asked for (the NameAcquired signal after Hello, other signals): keep reading until the message whose REPLY_SERIAL matches the call's serial arrives`,
      related: [related(send, 'the call was sent here')],
      data: {
        library: receive.unit === 'bytes' ? RAW_SOCKET.id : uses(DBUS_RS, ctx.text) ? DBUS_RS.id : RAW_SOCKET.id,
        ...callHints(ctx.scopeOf(receive.call), ctx.text),
      },
    });
  }
  return reports;
}

/** A same-file helper of that name whose body matches replies by serial is not a single read. */
function matchesReplyItself(name: string, ctx: RuleContext): boolean {
  const definition = new RegExp(`\\bfn\\s+${name}\\b`).exec(ctx.text);
  if (!definition) return false;
  let fn: Node | null = ctx.tree.rootNode.descendantForIndex(definition.index);
  while (fn && fn.type !== 'function_item') fn = fn.parent;
  return !!fn && REPLY_SERIAL_WORDS.test(fn.text) && descendantsOfType(fn, ['loop_expression', 'while_expression', 'for_expression']).length > 0;
}

function enclosingFunctionOf(node: Node): Node | undefined {
  return node.parent ? enclosingFunction(node.parent) : undefined;
}

/** The function passed as the handler argument (`on('data', chunk => …)`), if written inline. */
function inlineHandler(call: Node): Node | undefined {
  const handler = callArguments(call)[1];
  return handler && isFunctionBoundary(handler) ? handler : undefined;
}

/** A SASL reply tested on the chunk's text: `/^OK /`, `'AGREE_UNIX_FD'`, `startsWith('REJECTED')`. */
const SASL_TOKEN = /['"`/]\^?(?:OK|AGREE_UNIX_FD|REJECTED|DATA)\b/;

/** The handler keeps bytes across chunks: concatenates, appends, or feeds the chunk to a framer. */
function buffers(body: string, chunk: string): boolean {
  const c = escapeRegExp(chunk);
  return (
    BUFFERING.test(body) ||
    new RegExp(`\\.(?:push|append|feed|write|enqueue|unshift)\\(\\s*${c}\\b`).test(body)
  );
}

/** An inline `data` handler that takes each chunk as a whole message or SASL line, without buffering. */
function unbufferedDataHandler(call: Node, at: Node): Omit<RuleReport, 'data'> | undefined {
  const handler = inlineHandler(call);
  const param = handler?.childForFieldName('parameters')?.namedChildren[0] ?? handler?.childForFieldName('parameter');
  const chunk = param?.type === 'required_parameter' ? param.childForFieldName('pattern')?.text : param?.text;
  const body = handler?.childForFieldName('body');
  if (!chunk || !body || buffers(body.text, chunk)) return undefined;
  const usesChunk = (arg: Node) => arg.text === chunk || arg.text.startsWith(`${chunk}.`);
  const parse = descendantsOfType(body, 'call_expression').find((inner) => {
    const name = callee(inner);
    return !!name && PARSES_MESSAGE.test(name.path) && callArguments(inner).some(usesChunk);
  });
  if (parse) {
    return {
      range: nodeRange(at),
      message: `each \`data\` chunk is parsed as one whole message (\`${parse.text.split('\n')[0]}\`, line ${lineOf(parse)}); a chunk can hold part of a message or several, so replies larger than one chunk or arriving with a signal are misread; buffer chunks and split them by the header's lengths`,
      related: [related(parse, 'the chunk is parsed as a message here')],
    };
  }
  if (SASL_TOKEN.test(body.text) && new RegExp(`\\b${escapeRegExp(chunk)}\\b`).test(body.text)) {
    return {
      range: nodeRange(at),
      message: `each \`data\` chunk is taken as a whole SASL line (the handler tests it for the server's reply); a line can arrive in pieces or together with the next one: buffer until "\\r\\n"`,
    };
  }
  return undefined;
}

function checkJs(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  const library = NET_SOCKET.id;
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const args = callArguments(call);
    const event = stringValue(args[0]);
    // `socket.once('data', …)`: the first chunk is taken as the reply (a process's stdio is not a bus).
    if (c.name === 'once' && c.receiver && (event === 'data' || event === 'message') && !STDIO.test(c.receiver.text)) {
      reports.push({
        range: nodeRange(c.nameNode),
        message:
          event === 'data'
            ? `\`${c.receiver.text}.once('data', …)\` takes the first chunk as the whole reply; a chunk can hold part of a message, several messages, or a signal such as NameAcquired; buffer chunks and split them by the header's lengths`
            : `\`${c.receiver.text}.once('message', …)\` takes the next message as the reply; the bus sends messages nobody asked for (NameAcquired, other signals): wait for the message whose REPLY_SERIAL matches the call's serial`,
        data: { library, ...callHints(ctx.scopeOf(call), ctx.text) },
      });
      continue;
    }
    // `await once(socket, 'data')` (node:events) outside a loop: one chunk taken as the reply.
    if (c.name === 'once' && !c.receiver && stringValue(args[1]) === 'data' && !enclosingLoop(call)) {
      reports.push({
        range: nodeRange(c.nameNode),
        message: `\`once(${args[0]?.text ?? 'socket'}, 'data')\` awaits one chunk and takes it as the reply; a chunk can hold part of a message or a signal such as NameAcquired; keep reading and split by the header's lengths`,
        data: { library, ...callHints(ctx.scopeOf(call), ctx.text) },
      });
      continue;
    }
    // `socket.on('data', chunk => parse(chunk))`: each chunk parsed as one whole message (or SASL line).
    if (c.name === 'on' && c.receiver && event === 'data') {
      const report = unbufferedDataHandler(call, c.nameNode);
      if (report) reports.push({ ...report, data: { library, ...callHints(ctx.scopeOf(call), ctx.text) } });
    }
  }
  return reports;
}

export const singleReadReceive: Rule = {
  id: 'single-read-receive',
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  mayApply: (text, language) =>
    language === 'rust'
      ? DBUS_EVIDENCE.test(text) && (uses(RAW_SOCKET, text) || uses(DBUS_RS, text) || /\b(?:read|recv|receive|get_next|next|pop|block_until_next|read_next)_(?:message|msg|reply|response|socket|frame)\b/.test(text))
      : uses(NET_SOCKET, text) && DBUS_EVIDENCE.test(text),
  anchors: (language) =>
    language === 'rust'
      ? /\b(?:recvmsg|recv|recv_from|recvfrom|read|read_buf|try_read|read_vectored|process|pop_message|blocking_pop_message|read_write|(?:read|recv|receive|get_next|next|pop|blocking_pop|block_until_next|read_next|try_read|await)_(?:message|msg|reply|response|socket|frame))\b/g
      : /\bonce\b|\.on\s*\(\s*['"]data/g,
  // Rust: a read matters after a send in the same function, or in a loop that stops at a short read.
  // JS: `once(…)` always matters; an `on('data')` handler only when it parses chunks without buffering them.
  scopeFilter: (language) =>
    language === 'rust'
      ? (scopeText) => SENDS_OR_SHORT_READ.test(scopeText)
      : (scopeText) => /\bonce\b/.test(scopeText) || PARSES_MESSAGE.test(scopeText) || SASL_TOKEN.test(scopeText),
  check: (ctx) => (ctx.language === 'rust' ? checkRust(ctx) : checkJs(ctx)),
};
