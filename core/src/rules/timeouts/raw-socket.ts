import type { Node } from 'web-tree-sitter';
import {
  INFINITE_POLL,
  ioTarget,
  lastSendIn,
  MESSAGE_RECEIVE,
  notASocket,
  RAW_SOCKET,
  READ_TIMEOUT,
  sendName,
  socketHelpers,
  writeMacroSends,
} from '../../libraries/raw-socket';
import { codeHas } from '../../codeText';
import { callArguments, callee, contains, enclosingFunction, lineOf, parentOf } from '../../syntax';
import { bindingOf, ignoredDeadline, usesOf } from '../../values';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { replyLoop } from './reply-loop';
import { boundedByTimer, functionDefinitions, ignoredDeadlines } from './shared';

const BLOCKING_RECEIVES = new Set([...RAW_SOCKET.receives, ...RAW_SOCKET.completeReads]);
// Hand-written clients' own names for putting a message on the wire count too.
const SENDS = new Set([...RAW_SOCKET.sends, 'send_message', 'send_msg', 'write_message', 'hello', 'call_hello']);

export function checkRawSocket(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  let finitePoll = false;
  const polls: Node[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (c?.name !== 'poll' && c?.name !== 'ppoll') continue;
    const last = callArguments(call).at(-1);
    if (!last) continue;
    if (INFINITE_POLL.test(last.text.replace(/\s+/g, ''))) polls.push(call);
    else finitePoll = true;
  }
  for (const poll of polls) {
    const last = callArguments(poll).at(-1);
    reports.push({
      range: nodeRange(callee(poll)?.nameNode ?? poll),
      message: `\`poll\` with an infinite timeout (\`${last?.text ?? ''}\`) waits forever if the bus never answers; pass a finite timeout in milliseconds`,
      data: { library: RAW_SOCKET.id },
    });
  }
  // A commented-out `set_nonblocking(true)` bounds nothing.
  if (finitePoll || codeHas(ctx, READ_TIMEOUT)) return reports;

  const flagged = new Set<number>();
  /** The finding of each flagged function, by the function's node id, with the function's name. */
  const waits = new Map<number, { report: RuleReport; name: string }>();
  const helpers = socketHelpers(ctx);
  const sends: Node[] = writeMacroSends(ctx.nodes('macro'));
  // Files, stdio and buffers are not the bus; asked only of the reads and sends a finding would name.
  const onSocket = (node: Node) => !notASocket(ioTarget(node), ctx.scopeOf(node), ctx);
  const receives: { call: Node; name: string; nameNode: Node; helper: boolean }[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const args = callArguments(call);
    if ((SENDS.has(c.name) && args.length > 0) || helpers.sends.has(c.name)) {
      sends.push(call);
      continue;
    }
    // A same-file reader (`self.read_message()` → `read_full` → `read`) blocks as its read does.
    const helper = helpers.receives.has(c.name) || (MESSAGE_RECEIVE.test(c.name) && !!c.receiver);
    if (helper || (BLOCKING_RECEIVES.has(c.name) && args.length > 0))
      receives.push({ call, name: c.name, nameNode: c.nameNode, helper });
  }
  sends.sort((a, b) => a.startIndex - b.startIndex);
  const replyLoops = new Map<number, boolean>();
  const isReplyLoop = (fn: Node) => {
    let known = replyLoops.get(fn.id);
    if (known === undefined) replyLoops.set(fn.id, (known = !!replyLoop(fn, ctx)));
    return known;
  };
  // The first blocking receive after a send in each function: where the caller waits for the reply. A function
  // that loops until its call's reply is a call of its own, reported at its send (reply-loop.ts).
  for (const { call, name, nameNode, helper } of receives) {
    const fn = enclosingFunction(call);
    if (!fn || flagged.has(fn.id) || isReplyLoop(fn)) continue;
    const send = lastSendIn(
      sends,
      fn,
      call,
      (candidate) => contains(enclosingFunction(candidate) ?? fn, call) && onSocket(candidate),
    );
    if (!send || (!helper && !onSocket(call)) || boundedByTimer(call, ctx) || queuedForDispatch(call)) continue;
    flagged.add(fn.id);
    const ignored = ignoredDeadlines(call, ctx);
    const report: RuleReport = {
      range: nodeRange(nameNode),
      message: `${helper ? `\`${name}\` reads the socket and blocks: it` : `blocking \`${name}\``} waits for the reply to \`${sendName(send)}\` (line ${lineOf(send)}) with no read timeout on the socket (no SO_RCVTIMEO / \`set_read_timeout\`, no \`poll\` with a finite timeout): ${RAW_SOCKET.timeoutDefault}${ignored.note}`,
      related: [related(send, 'the call was sent here'), ...ignored.related],
      data: { library: RAW_SOCKET.id },
    };
    reports.push(report);
    waits.set(fn.id, { report, name: fn.childForFieldName('name')?.text ?? '' });
  }
  reports.push(...roundTripCalls(ctx, helpers.roundTrips, flagged, waits));
  return reports;
}

/** Where a message pump hands what it read: an incoming queue or a channel, for whoever waits for it. */
const QUEUE_PUSH = /^(?:push|push_back|push_front|enqueue|send|try_send|unbounded_send)$/;

/**
 * A read whose message only goes into an incoming queue (`let msg = self.read_message()?; q.push_back(msg)`): a
 * message pump (dbus-rs's `Channel::read_write` flushes the outgoing queue, then queues whatever arrives). It waits
 * for any message, not for the reply to what it flushed; the caller that takes a reply from the queue is where a
 * call waits, as a service loop waiting for incoming calls is no call waiting for a reply.
 */
function queuedForDispatch(read: Node): boolean {
  const binding = bindingOf(chainTop(read));
  if (!binding) return false;
  const uses = usesOf(binding);
  return (
    uses.length > 0 &&
    uses.every((use) => {
      const args = parentOf(use);
      const call = args?.type === 'arguments' ? parentOf(args) : undefined;
      const name = call?.type === 'call_expression' ? callee(call)?.name : undefined;
      return !!name && QUEUE_PUSH.test(name) && callArguments(call as Node).length === 1;
    })
  );
}

/** The whole expression made of a read and what is applied to its result: `self.read()`, `.await`, `?`, `.map_err(…)`. */
function chainTop(read: Node): Node {
  let current = read;
  for (let parent = parentOf(current); parent; parent = parentOf(current)) {
    if (['await_expression', 'try_expression', 'parenthesized_expression'].includes(parent.type)) current = parent;
    else if (parent.type === 'field_expression' && parent.childForFieldName('value')?.id === current.id) {
      const call = parentOf(parent);
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== parent.id) break;
      current = call;
    } else break;
  }
  return current;
}

/**
 * Calls to a same-file round trip (a function that sends and then blocks reading, per its summary). The wait is
 * reported where it is, inside the round trip, and its related locations name the calls that wait through it.
 * A caller that takes a timeout and never reads it gets its own finding, on that parameter: it promises a
 * deadline and waits through a round trip that has none.
 */
function roundTripCalls(
  ctx: RuleContext,
  roundTrips: ReadonlySet<string>,
  flagged: ReadonlySet<number>,
  waits: ReadonlyMap<number, { report: RuleReport; name: string }>,
): RuleReport[] {
  if (roundTrips.size === 0) return [];
  const reports: RuleReport[] = [];
  const byName = new Map([...waits.values()].map((wait) => [wait.name, wait.report]));
  const seen = new Set<number>();
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c || !roundTrips.has(c.name)) continue;
    // A method of this client (`self.x()`, `c.x()` on a local), or a free function: not some other type's method.
    if (c.receiver && !/^(?:self|[a-z_]\w*)$/.test(c.receiver.text)) continue;
    const fn = enclosingFunction(call);
    const caller = fn?.childForFieldName('name');
    if (!fn || !caller || caller.text === c.name || boundedByTimer(call, ctx)) continue;
    const helper = functionDefinitions(ctx, c.name)[0];
    // The calls of a reply loop are reported with it (reply-loop.ts).
    if (!helper || replyLoop(helper, ctx)) continue;
    byName.get(c.name)?.related?.push(related(call, `\`${caller.text}\` waits through this call too`));
    const ignored = ignoredDeadline(fn);
    if (!ignored || flagged.has(fn.id) || seen.has(fn.id)) continue;
    seen.add(fn.id);
    reports.push({
      range: nodeRange(ignored),
      message: `\`${caller.text}\` takes \`${ignored.text}\` and never reads it, and waits through \`${c.name}\` (line ${lineOf(helper)}), which sends and then blocks reading the socket with no read timeout: ${RAW_SOCKET.timeoutDefault}, so the deadline its callers pass is not kept`,
      related: [
        related(call, `the wait goes through \`${c.name}\` here`),
        related(
          helper.childForFieldName('name') ?? helper,
          `\`${c.name}\` sends the call and waits for its reply with no deadline`,
        ),
      ],
      data: { library: RAW_SOCKET.id },
    });
  }
  return reports;
}
