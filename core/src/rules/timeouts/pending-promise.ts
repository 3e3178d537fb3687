import { CONNECTION_MESSAGE_WRITE, PENDING_BY_SERIAL } from '../../libraries/dbus-native';
import { NET_SOCKET } from '../../libraries/net-socket';
import { escapeRegExp } from '../../resolve';
import { enclosingFunction, parentOf } from '../../syntax';
import type { Node } from 'web-tree-sitter';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { TIMER } from './shared';

/** Storing the promise's resolve/reject in a table of pending calls. */
const PENDING_STORE =
  /\.set\s*\([^)]*\b(?:resolve|reject)\b|\[[^\]]+\]\s*=\s*\{?[^;]*\b(?:resolve|reject)\b|\.set\s*\(\s*[\w$.]+\s*,\s*\{/;

/** The call is written here, or by a same-file send helper (`const serial = this.send(m)`), or handed to a library's connection. */
const WRITES_CALL = new RegExp(
  `\\.write\\s*\\(|\\b(?:this\\.)?(?:send|sendMessage|writeMessage|_send)\\s*\\(|${CONNECTION_MESSAGE_WRITE.source}`,
);

/**
 * Callback-style clients and libraries' own `invoke`/`call`: the callback (or handler, or resolver) is called only
 * when a reply with that serial arrives. Judged per function that parks it: a timer elsewhere in a large
 * constructor does not bound this call.
 */
function pendingCallbacks(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  const seen = new Set<number>();
  for (const scope of ctx.scopes) {
    const text = scope.text;
    if (!WRITES_CALL.test(text)) continue;
    PENDING_BY_SERIAL.lastIndex = 0;
    for (let m = PENDING_BY_SERIAL.exec(text); m; m = PENDING_BY_SERIAL.exec(text)) {
      const table = m[1] ?? m[2] ?? '';
      const start = scope.startIndex + m.index;
      const node = ctx.nodeAt(start, start + table.length);
      const fn = (node && enclosingFunction(node)) ?? scope;
      // The function that parks the entry must write the call and arm no timer; `new Promise` executors are
      // judged with the function around them.
      const home = promiseHome(fn);
      // A resolver parked the way the promise check knows (`pending.set(serial, { resolve, reject })`) is reported
      // there, on the `new Promise`.
      if (home.id !== fn.id && PENDING_STORE.test(fn.text) && /\.write\s*\(|send/i.test(fn.text)) continue;
      if (seen.has(start) || !WRITES_CALL.test(home.text) || TIMER.test(home.text)) continue;
      seen.add(start);
      reports.push({
        range: nodeRange(node ?? scope),
        message: `the call's callback waits in \`${table}\` until a reply with its serial arrives: ${NET_SOCKET.timeoutDefault}; arm a timer that calls back with an error and deletes the entry`,
        data: { library: NET_SOCKET.id },
      });
    }
  }
  return reports;
}

/** The function a `new Promise` executor belongs to (where its call is written and timed), else `fn` itself. */
function promiseHome(fn: Node): Node {
  let home = fn;
  for (let up = enclosingFunction(home); up; up = enclosingFunction(home)) {
    const promise = parentOf(parentOf(home));
    if (promise?.type !== 'new_expression' || promise.childForFieldName('constructor')?.text !== 'Promise') break;
    home = up;
  }
  return home;
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
