import type { Node } from 'web-tree-sitter';
import { INFINITE_POLL, RAW_SOCKET, READ_TIMEOUT } from '../../libraries/raw-socket';
import { callArguments, callee, enclosingFunction, lineOf } from '../../syntax';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer } from './shared';

const BLOCKING_RECEIVES = new Set([...RAW_SOCKET.receives, 'read_exact']);
const SENDS = new Set(RAW_SOCKET.sends);

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
  if (finitePoll || READ_TIMEOUT.test(ctx.text)) return reports;

  // The first blocking receive after a send in each function: where the caller waits for the reply.
  const sends = new Set<number>();
  const flagged = new Set<number>();
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const args = callArguments(call);
    if (SENDS.has(c.name) && args.length > 0) {
      sends.add(call.id);
      continue;
    }
    if (!BLOCKING_RECEIVES.has(c.name) || args.length === 0) continue;
    const fn = enclosingFunction(call);
    if (!fn || flagged.has(fn.id)) continue;
    let send: Node | undefined;
    for (const earlier of ctx.nodesWithin('call', fn)) {
      if (earlier.endIndex > call.startIndex) break;
      if (sends.has(earlier.id)) send = earlier;
    }
    if (!send || boundedByTimer(call, ctx)) continue;
    flagged.add(fn.id);
    reports.push({
      range: nodeRange(c.nameNode),
      message: `blocking \`${c.name}\` waits for the reply to \`${callee(send)?.name ?? 'send'}\` (line ${lineOf(send)}) with no read timeout on the socket (no SO_RCVTIMEO / \`set_read_timeout\`, no \`poll\` with a finite timeout): ${RAW_SOCKET.timeoutDefault}`,
      related: [related(send, 'the call was sent here')],
      data: { library: RAW_SOCKET.id },
    });
  }
  return reports;
}
