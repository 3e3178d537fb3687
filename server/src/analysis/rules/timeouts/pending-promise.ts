import { NET_SOCKET } from '../../libraries/net-socket';
import { enclosingFunction } from '../../syntax';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { TIMER } from './shared';

/** Storing the promise's resolve/reject in a table of pending calls. */
const PENDING_STORE = /\.set\s*\([^)]*\b(?:resolve|reject)\b|\[[^\]]+\]\s*=\s*\{?[^;]*\b(?:resolve|reject)\b|\.set\s*\(\s*[\w$.]+\s*,\s*\{/;

/** A callback parked in a table keyed by the call's serial: `cookies[msg.serial] = callback`, `pending.set(serial, cb)`. */
const PENDING_CALLBACK =
  /([\w$.]+)\[[^\]\n]*serial[^\]\n]*\]\s*=\s*(?:callback|cb|done|handler|onReply)\b|([\w$.]+)\.set\(\s*[^,\n]*serial[^,\n]*,\s*(?:callback|cb|done|handler|onReply)\b/gi;

/** Hand-written callback-style clients: the callback is called only when a reply with that serial arrives. */
function pendingCallbacks(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const scope of ctx.scopes) {
    const text = scope.text;
    if (!/\.write\s*\(/.test(text) || TIMER.test(text)) continue;
    PENDING_CALLBACK.lastIndex = 0;
    for (let m = PENDING_CALLBACK.exec(text); m; m = PENDING_CALLBACK.exec(text)) {
      const table = m[1] ?? m[2] ?? '';
      const start = scope.startIndex + m.index;
      const node = ctx.tree.rootNode.descendantForIndex(start, start + table.length);
      reports.push({
        range: nodeRange(node ?? scope),
        message: `the call's callback waits in \`${table}\` until a reply with its serial arrives: ${NET_SOCKET.timeoutDefault}; arm a timer that calls back with an error and deletes the entry`,
        data: { library: NET_SOCKET.id },
      });
    }
  }
  return reports;
}

/** Hand-written clients: `new Promise((resolve, reject) => { pending.set(serial, { resolve, reject }); socket.write(…) })` with no timer. */
export function checkPendingPromises(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = pendingCallbacks(ctx);
  for (const expression of ctx.nodes('new')) {
    if (expression.childForFieldName('constructor')?.text !== 'Promise') continue;
    const executor = expression.childForFieldName('arguments')?.namedChildren[0];
    if (!executor || !PENDING_STORE.test(executor.text) || !/\.write\s*\(|send/i.test(executor.text)) continue;
    const fn = enclosingFunction(expression);
    if (TIMER.test(executor.text) || (fn && TIMER.test(fn.text))) continue;
    const constructor = expression.childForFieldName('constructor') ?? expression;
    reports.push({
      range: nodeRange(constructor),
      message: `this pending-call promise is settled only by a reply: ${NET_SOCKET.timeoutDefault}; arm a timer that rejects it and removes the pending entry`,
      data: { library: NET_SOCKET.id },
    });
  }
  return reports;
}
