import { NET_SOCKET } from '../../libraries/net-socket';
import { enclosingFunction } from '../../syntax';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { TIMER } from './shared';

/** Storing the promise's resolve/reject in a table of pending calls. */
const PENDING_STORE = /\.set\s*\([^)]*\b(?:resolve|reject)\b|\[[^\]]+\]\s*=\s*\{?[^;]*\b(?:resolve|reject)\b|\.set\s*\(\s*[\w$.]+\s*,\s*\{/;

/** Hand-written clients: `new Promise((resolve, reject) => { pending.set(serial, { resolve, reject }); socket.write(…) })` with no timer. */
export function checkPendingPromises(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
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
