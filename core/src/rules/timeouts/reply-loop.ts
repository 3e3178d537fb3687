// Calls a library (or a hand-written client) makes itself: a function that puts a message on the wire and then
// loops on receiving until the message carrying its reply serial arrives. That loop is the library's `call()`;
// with no deadline in it, a peer that never answers keeps it waiting forever, and so every caller.
import type { Node } from 'web-tree-sitter';
import { codeHas, withoutComments } from '../../codeText';
import { ALL_SENDS, librarySourceOf, RAW_SOCKET, REPLY_SERIAL_WORDS } from '../../libraries/index';
import {
  DEADLINE_WORDS,
  INFINITE_POLL,
  LOOP_RECEIVE,
  NEEDS_BUFFER,
  READ_TIMEOUT,
  replyLoopNames,
  sendName,
  socketHelpers,
} from '../../libraries/raw-socket';
import type { FileFacts } from '../../facts';
import { bindingValue, stripUndefined } from '../../resolve';
import { boundName, callArguments, callee, contains, descendantsOfType, enclosingFunction, lineOf } from '../../syntax';
import type { CallData } from '../../types';
import { ignoredDeadline } from '../../values';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { messageData } from './dbus-rs';
import { boundedByTimer, functionDefinitions } from './shared';

/** A function's send, the loop that waits for its reply, and the receive in that loop. */
export interface ReplyLoop {
  fn: Node;
  send: Node;
  /** The first receive in the loop. */
  wait: Node;
  waitName: string;
  /** Every receive in the loop (`receive_specific`, then `wait_on` when the socket would block). */
  waits: Node[];
}

const LOOP_TYPES = ['loop_expression', 'while_expression', 'for_expression'];
const POLLS = /^p?poll$/;

function infinitePoll(call: Node): boolean {
  return INFINITE_POLL.test(callArguments(call).at(-1)?.text.replace(/\s+/g, '') ?? '');
}

/**
 * The reply loop of `fn`, if it is one: a send with an argument (a library's or a same-file sender), then a loop
 * that receives and tests a reply serial, and nothing in the body that bounds the wait (a timeout or deadline it
 * reads, a clock, a read timeout on the file's sockets). The send is the one whose result (the serial) the loop
 * compares, else the last before the loop.
 */
export function replyLoop(fn: Node, file: FileFacts): ReplyLoop | undefined {
  const body = fn.type === 'function_item' ? fn.childForFieldName('body') : null;
  if (!body || !REPLY_SERIAL_WORDS.test(body.text)) return undefined;
  const code = withoutComments(body.text);
  if (!REPLY_SERIAL_WORDS.test(code) || DEADLINE_WORDS.test(code) || codeHas(file, READ_TIMEOUT)) return undefined;
  const helpers = socketHelpers(file).sends;
  const own = (node: Node) => enclosingFunction(node)?.id === fn.id;
  const calls = descendantsOfType(body, 'call_expression').filter(own);
  const sends = calls.filter((call) => {
    const c = callee(call);
    return !!c && ((ALL_SENDS.has(c.name) && callArguments(call).length > 0) || helpers.has(c.name));
  });
  if (sends.length === 0) return undefined;
  // A `poll` with a finite timeout bounds each wait, as it does a hand-written client's reads.
  if (calls.some((call) => POLLS.test(callee(call)?.name ?? '') && !infinitePoll(call))) return undefined;
  for (const loop of descendantsOfType(body, LOOP_TYPES)) {
    if (!own(loop) || !REPLY_SERIAL_WORDS.test(withoutComments(loop.text)) || !testsReplySerial(loop)) continue;
    const before = sends.filter((send) => send.endIndex <= loop.startIndex);
    if (before.length === 0) continue;
    const waits = calls.filter((call) => {
      const c = callee(call);
      return (
        call.startIndex >= loop.startIndex &&
        call.endIndex <= loop.endIndex &&
        !!c &&
        (LOOP_RECEIVE.test(c.name) || (POLLS.test(c.name) && infinitePoll(call))) &&
        (!NEEDS_BUFFER.test(c.name) || callArguments(call).length > 0)
      );
    });
    const wait = waits[0];
    if (!wait) continue;
    const loopText = loop.text;
    const compared = before.filter((candidate) => {
      const serial = boundName(candidate);
      return !!serial && /^\w+$/.test(serial) && new RegExp(`\\b${serial}\\b`).test(loopText);
    });
    const send = compared.at(-1) ?? before.at(-1)!;
    return { fn, send, wait, waitName: callee(wait)?.name ?? 'receive', waits };
  }
  return undefined;
}

/**
 * What the replay needs about the call a caller hands the loop: the method call its message argument is built as
 * (`let msg = Message::new_method_call(dest, path, iface, member)` in the caller), else nothing.
 */
function handedCall(call: Node, fn: Node, ctx: RuleContext): CallData {
  const message = callArguments(call)[0];
  const value = message?.type === 'identifier' ? bindingValue(ctx, message.text) : message;
  return value && contains(fn, value) ? stripUndefined(messageData(value, ctx)) : {};
}

/**
 * The loop tests a reply serial (`reply_serial()? == Some(serial)`, `match m.reply_serial()`, `matches!(…)`): it waits
 * for the answer to a call. A service loop that only sets one on the replies it sends waits for no answer.
 */
function testsReplySerial(loop: Node): boolean {
  return descendantsOfType(loop, ['binary_expression', 'match_expression', 'macro_invocation']).some((node) => {
    if (node.type === 'binary_expression') {
      const operator = node.childForFieldName('operator')?.text;
      return (operator === '==' || operator === '!=') && REPLY_SERIAL_WORDS.test(node.text);
    }
    if (node.type === 'match_expression') return REPLY_SERIAL_WORDS.test(node.childForFieldName('value')?.text ?? '');
    return node.childForFieldName('macro')?.text === 'matches' && REPLY_SERIAL_WORDS.test(node.text);
  });
}

/** The library the file is the source of, else the hand-written client's raw socket. */
function libraryId(ctx: RuleContext): string {
  return (librarySourceOf(ctx, 'rust') ?? RAW_SOCKET).id;
}

const FOREVER = 'if the peer never answers, it waits forever';

export function checkReplyLoops(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  const library = libraryId(ctx);
  const loops = new Map<number, ReplyLoop | undefined>();
  const loopOf = (fn: Node) => {
    if (!loops.has(fn.id)) loops.set(fn.id, replyLoop(fn, ctx));
    return loops.get(fn.id);
  };
  for (const scope of ctx.scopes) {
    const found = loopOf(scope);
    if (!found) continue;
    const name = scope.childForFieldName('name')?.text ?? 'this function';
    const ignored = ignoredDeadline(scope);
    reports.push({
      range: nodeRange(callee(found.send)?.nameNode ?? found.send),
      message: `\`${name}\` sends the call (\`${sendName(found.send)}\`) and then loops on \`${found.waitName}\` (line ${lineOf(found.wait)}) until the message carrying its reply serial arrives, with no deadline (no timeout read, no Instant/Duration, no read timeout on the socket): ${FOREVER}${ignored ? ` (it takes \`${ignored.text}\` and never reads it)` : ''}`,
      related: [
        ...found.waits.map((wait) =>
          related(wait, `the reply is awaited here (\`${callee(wait)?.name ?? 'receive'}\`), with no deadline`),
        ),
        ...(ignored ? [related(ignored, 'the caller passes a timeout here; nothing reads it')] : []),
      ],
      data: { library },
    });
  }
  reports.push(...replyLoopCallers(ctx, loopOf, library));
  return reports;
}

/**
 * Same-file calls of a reply loop wait as it does: each calling function is reported once, at the call, or at the
 * timeout parameter it takes and never reads (it promises its callers a deadline the loop does not keep).
 */
function replyLoopCallers(
  ctx: RuleContext,
  loopOf: (fn: Node) => ReplyLoop | undefined,
  library: string,
): RuleReport[] {
  const names = replyLoopNames(ctx);
  if (names.size === 0) return [];
  const reports: RuleReport[] = [];
  const seen = new Set<number>();
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c || !names.has(c.name)) continue;
    // A method of this client (`self.x()`, `c.x()` on a local), or a free function: not some other type's method.
    if (c.receiver && !/^(?:self|Self|[a-z_]\w*)$/.test(c.receiver.text)) continue;
    const fn = enclosingFunction(call);
    const caller = fn?.childForFieldName('name')?.text;
    if (!fn || !caller || caller === c.name || seen.has(fn.id) || loopOf(fn)) continue;
    const target = functionDefinitions(ctx, c.name)
      .map(loopOf)
      .find((found) => !!found);
    if (!target || boundedByTimer(call, ctx)) continue;
    seen.add(fn.id);
    const ignored = ignoredDeadline(fn);
    const through = `\`${c.name}\` (line ${lineOf(target.fn)}), which sends the call and loops on \`${target.waitName}\` until its reply with no deadline`;
    const relatedTarget = [
      related(target.send, `\`${c.name}\` sends the call here`),
      related(target.wait, 'and awaits its reply here, with no deadline'),
    ];
    reports.push(
      ignored
        ? {
            range: nodeRange(ignored),
            message: `\`${caller}\` takes \`${ignored.text}\` and never reads it, and waits through ${through}: ${FOREVER}, so the deadline its callers pass is not kept`,
            related: [related(call, `the wait goes through \`${c.name}\` here`), ...relatedTarget],
            data: { library },
          }
        : {
            range: nodeRange(c.nameNode),
            message: `\`${caller}\` waits through ${through}: ${FOREVER}`,
            related: relatedTarget,
            data: { library, ...handedCall(call, fn, ctx) },
          },
    );
  }
  return reports;
}
