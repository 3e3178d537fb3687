import { NET_SOCKET } from '../../libraries/net-socket';
import { escapeRegExp } from '../../resolve';
import { enclosingFunction, parentOf } from '../../syntax';
import type { Node } from 'web-tree-sitter';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { TIMER } from './shared';

/** Storing the promise's resolve/reject in a table of pending calls. */
const PENDING_STORE =
  /\.set\s*\([^)]*\b(?:resolve|reject)\b|\[[^\]]+\]\s*=\s*\{?[^;]*\b(?:resolve|reject)\b|\.set\s*\(\s*[\w$.]+\s*,\s*\{/;

/** A callback parked in a table keyed by the call's serial: `cookies[msg.serial] = callback`, `pending.set(serial, cb)`. */
const PENDING_CALLBACK =
  /([\w$.]+)\[[^\]\n]*serial[^\]\n]*\]\s*=\s*(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply)\b|([\w$.]+)\.set\(\s*[^,\n]*serial[^,\n]*,\s*(?:[[{][^\n;]*?\b)?(?:callback|cb|done|handler|onReply)\b/gi;

/** The call is written here, or by a same-file send helper (`const serial = this.send(m)`). */
const WRITES_CALL = /\.write\s*\(|\b(?:this\.)?(?:send|sendMessage|writeMessage|_send)\s*\(/;

/** Hand-written callback-style clients: the callback is called only when a reply with that serial arrives. */
function pendingCallbacks(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const scope of ctx.scopes) {
    const text = scope.text;
    if (!WRITES_CALL.test(text) || TIMER.test(text)) continue;
    PENDING_CALLBACK.lastIndex = 0;
    for (let m = PENDING_CALLBACK.exec(text); m; m = PENDING_CALLBACK.exec(text)) {
      const table = m[1] ?? m[2] ?? '';
      const start = scope.startIndex + m.index;
      const node = ctx.nodeAt(start, start + table.length);
      reports.push({
        range: nodeRange(node ?? scope),
        message: `the call's callback waits in \`${table}\` until a reply with its serial arrives: ${NET_SOCKET.timeoutDefault}; arm a timer that calls back with an error and deletes the entry`,
        data: { library: NET_SOCKET.id },
      });
    }
  }
  return reports;
}

/** The name a function or method is called by (`waitReply(serial) {…}`, `const waitReply = (…) => …`). */
function functionName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = parentOf(fn);
  const key = parent?.childForFieldName('name') ?? parent?.childForFieldName('property');
  return parent && ['variable_declarator', 'public_field_definition', 'field_definition', 'pair'].includes(parent.type)
    ? key?.text
    : undefined;
}

/**
 * `waitReply(serial)` parks the resolver; a same-file caller writes the call (`const reply = this.waitReply(s);
 * this.socket.write(…)`) and arms no timer: the caller that makes it a pending call.
 */
function writingCaller(fn: Node, ctx: RuleContext): Node | undefined {
  const name = functionName(fn);
  if (!name) return undefined;
  for (const m of ctx.matches(new RegExp(`\\b${escapeRegExp(name)}\\s*\\(`, 'g'))) {
    if (m.index >= fn.startIndex && m.index < fn.endIndex) continue;
    const at = ctx.nodeAt(m.index);
    const caller = at ? enclosingFunction(at) : undefined;
    if (!caller || caller.id === fn.id) continue;
    const text = caller.text;
    if (/\.write\s*\(/.test(text) && !TIMER.test(text) && !/\b(?:race|timeout|deadline)\w*\s*\(/i.test(text))
      return caller;
  }
  return undefined;
}

/** Hand-written clients: `new Promise((resolve, reject) => { pending.set(serial, { resolve, reject }); socket.write(…) })` with no timer. */
export function checkPendingPromises(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = pendingCallbacks(ctx);
  for (const expression of ctx.nodes('new')) {
    if (expression.childForFieldName('constructor')?.text !== 'Promise') continue;
    const executor = expression.childForFieldName('arguments')?.namedChildren[0];
    if (!executor || !PENDING_STORE.test(executor.text)) continue;
    const fn = enclosingFunction(expression);
    if (TIMER.test(executor.text) || (fn && TIMER.test(fn.text))) continue;
    // The call written in the executor, or by a caller of the function that parks the resolver.
    if (
      !/\.write\s*\(|send/i.test(executor.text) &&
      !(fn && /serial|pending|cookie/i.test(executor.text) && writingCaller(fn, ctx))
    )
      continue;
    const constructor = expression.childForFieldName('constructor') ?? expression;
    reports.push({
      range: nodeRange(constructor),
      message: `this pending-call promise is settled only by a reply: ${NET_SOCKET.timeoutDefault}; arm a timer that rejects it and removes the pending entry`,
      data: { library: NET_SOCKET.id },
    });
  }
  return reports;
}
