import { quickTest } from '../../regexLiterals';
import { CONNECTION_MESSAGE_WRITE, PENDING_BY_SERIAL } from '../../libraries/dbus-native';
import { NET_SOCKET } from '../../libraries/net-socket';
import { escapeRegExp } from '../../resolve';
import { callArguments, callee, enclosingFunction, isFunctionBoundary, parentOf } from '../../syntax';
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../facts';
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

/** A reply matched to its call by serial: `m.replySerial === call.serial`, the test a message listener makes. */
export const REPLY_SERIAL_TEST = /\breply_?serial\s*[!=]==?|[!=]==?\s*[\w$.?]*\breply_?serial\b/i;

const PARK_WORDS = /serial|resolve|reject|\.set\s*\(/i;

/** Text that may park a call by its serial: a serial-keyed table, a pending-call store, or a reply-serial test. */
export function mayPark(text: string): boolean {
  // Each shape names a serial, parks a resolve/reject, or stores with `.set(`: text with none is ruled out at once.
  if (!PARK_WORDS.test(text)) return false;
  return quickTest(PENDING_BY_SERIAL, text) || quickTest(PENDING_STORE, text) || quickTest(REPLY_SERIAL_TEST, text);
}

/** Files where a call may wait on its serial: a pending-call table, or a listener testing reply serials. */
export function parksBySerial(f: FileFacts): boolean {
  return f.has(PENDING_BY_SERIAL) || f.has(REPLY_SERIAL_TEST);
}

/** `new Promise(executor)` around `expression`'s executor argument, as [promise, executor]. */
function promiseExecutor(expression: Node): Node | undefined {
  if (expression.childForFieldName('constructor')?.text !== 'Promise') return undefined;
  const executor = expression.childForFieldName('arguments')?.namedChildren[0];
  return executor && isFunctionBoundary(executor) ? executor : undefined;
}

/** The names the executor settles its promise by (`(resolve, reject) => …`). */
function settlers(executor: Node): string[] {
  const parameters = executor.childForFieldName('parameters') ?? executor.childForFieldName('parameter');
  if (!parameters) return [];
  return parameters.type === 'identifier'
    ? [parameters.text]
    : parameters.namedChildren.flatMap((p) => (p?.type === 'identifier' ? [p.text] : []));
}

/** `a === b` where one side is a reply serial and the other a serial: the listener picks its reply by serial. */
function testsReplySerial(listener: Node): boolean {
  return listener.descendantsOfType('binary_expression').some((test) => {
    const operator = test?.childForFieldName('operator')?.text ?? '';
    if (!test || !/^[!=]==?$/.test(operator)) return false;
    const left = test.childForFieldName('left')?.text ?? '';
    const right = test.childForFieldName('right')?.text ?? '';
    const reply = /reply_?serial/i;
    return (reply.test(left) && /serial/i.test(right)) || (reply.test(right) && /serial/i.test(left));
  });
}

/**
 * A call in the executor that registers a listener on incoming messages, which settles the promise only when a
 * message's reply serial is the call's: the registering call (`this.onMessage((m) => { if (m.replySerial ===
 * msg.serial) resolve(m) })`).
 */
function replyListener(executor: Node): Node | undefined {
  const names = settlers(executor);
  if (names.length === 0 || !REPLY_SERIAL_TEST.test(executor.text)) return undefined;
  const settles = new RegExp(`\\b(?:${names.map(escapeRegExp).join('|')})\\s*\\(`);
  for (const call of executor.descendantsOfType('call_expression')) {
    const listener = call && callArguments(call).find(isFunctionBoundary);
    if (call && listener && testsReplySerial(listener) && settles.test(listener.text)) return call;
  }
  return undefined;
}

/**
 * Where `fn` waits for a reply with no timer, when it does: it writes a call and returns (or awaits) a promise
 * that only a reply with the call's serial settles — its resolver parked in a table keyed by serial, or a message
 * listener that tests reply serials — and arms no timer anywhere in the function.
 */
export function untimedPark(fn: Node): { at: Node; what: string } | undefined {
  if (!WRITES_CALL.test(fn.text) || TIMER.test(fn.text)) return undefined;
  for (const expression of fn.descendantsOfType('new_expression')) {
    const executor = expression && promiseExecutor(expression);
    if (!expression || !executor || promiseHome(executor).id !== fn.id || !returnedOrAwaited(expression, fn)) continue;
    const text = executor.text;
    PENDING_BY_SERIAL.lastIndex = 0;
    const parked = PENDING_BY_SERIAL.exec(text);
    if (parked) {
      const table = parked[1] ?? parked[2] ?? '';
      const start = executor.startIndex + parked.index;
      const at = executor.descendantForIndex(start, start + table.length) ?? executor;
      return { at, what: `parks the reply's resolver in \`${table}\` under the call's serial and arms no timer` };
    }
    if (PENDING_STORE.test(text))
      return { at: expression, what: "parks the reply's resolver in a pending-call table and arms no timer" };
    const listener = replyListener(executor);
    if (listener) {
      const name = callee(listener)?.name ?? 'a listener';
      return {
        at: callee(listener)?.nameNode ?? listener,
        what: `settles only in its \`${name}\` listener, on a reply with the call's serial, and arms no timer`,
      };
    }
  }
  return undefined;
}

/** `return new Promise(…)`, `await new Promise(…)`, or an arrow whose body is the promise. */
function returnedOrAwaited(expression: Node, fn: Node): boolean {
  let current = expression;
  while (parentOf(current)?.type === 'parenthesized_expression') current = parentOf(current) ?? current;
  const parent = parentOf(current);
  if (parent?.type === 'await_expression' || parent?.type === 'return_statement') return true;
  return parent?.id === fn.id && fn.childForFieldName('body')?.id === current.id;
}

/**
 * Libraries' own `call`: a message listener settles the call's promise only on a reply with its serial (or an
 * error), and no timer is armed anywhere in the function. Reported at the listener's registration.
 */
function pendingListeners(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  if (!ctx.has(REPLY_SERIAL_TEST)) return reports;
  for (const expression of ctx.nodes('new')) {
    const executor = promiseExecutor(expression);
    const listener = executor && replyListener(executor);
    if (!executor || !listener) continue;
    const home = promiseHome(executor);
    if (!WRITES_CALL.test(home.text) || TIMER.test(home.text)) continue;
    reports.push({
      range: nodeRange(callee(listener)?.nameNode ?? listener),
      message: `this listener settles the call's promise only when a reply with its serial arrives: ${NET_SOCKET.timeoutDefault}; arm a timer that rejects the promise and removes the listener`,
      data: { library: NET_SOCKET.id },
    });
  }
  return reports;
}

/** Hand-written clients: `new Promise((resolve, reject) => { pending.set(serial, { resolve, reject }); socket.write(…) })` with no timer. */
export function checkPendingPromises(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [...pendingCallbacks(ctx), ...pendingListeners(ctx)];
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
