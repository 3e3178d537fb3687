import type { Node } from 'web-tree-sitter';
import { DBUS_NATIVE } from '../../libraries/dbus-native';
import { defaultDeadline } from '../../libraries/index';
import { JS_LOCAL_METHODS } from '../../libraries/dbus-next';
import {
  bindingValue,
  literalValue,
  messageObjectCall,
  objectProperties,
  resolveString,
  stripUndefined,
} from '../../resolve';
import { callArguments, callee, isFunctionBoundary, parentOf } from '../../syntax';
import type { FileFacts } from '../../facts';
import type { Fix } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer, ignoredDeadlines, raceFix, timeoutHelpers } from './shared';

/** Names bound to a promisified invoke: `const invokeAsync = promisify(bus.invoke.bind(bus))`. */
function promisifiedInvokes(file: FileFacts): Set<string> {
  const out = new Set<string>();
  const re = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:util\.)?promisify\s*\(\s*[\w$.]*\.invoke\b/g;
  for (const m of file.matches(re)) if (m[1]) out.add(m[1]);
  return out;
}

/** The `new Promise(…)` a callback-style invoke lives in, which is what a caller can race against a timer. */
function enclosingPromise(call: Node): Node | undefined {
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (current.type === 'new_expression' && current.childForFieldName('constructor')?.text === 'Promise')
      return current;
    if (current.type === 'method_definition' || current.type === 'function_declaration') return undefined;
  }
  return undefined;
}

/**
 * `service.getInterface(path, name, (err, iface) => iface.Method(…, cb))`: dbus-native's interface
 * methods are `invoke` underneath, with no timeout.
 */
function interfaceMethodCalls(ctx: RuleContext, bus: 'session' | 'system' | undefined): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    const args = callArguments(call);
    const handler = args[2];
    if (c?.name !== 'getInterface' || !handler || !isFunctionBoundary(handler)) continue;
    const params = handler.childForFieldName('parameters')?.namedChildren ?? [];
    const param = params[1];
    const name = param?.type === 'required_parameter' ? param.childForFieldName('pattern')?.text : param?.text;
    const body = handler.childForFieldName('body');
    if (!name || !body) continue;
    const service = c.receiver ? serviceName(c.receiver, ctx) : undefined;
    for (const inner of ctx.nodesWithin('call', body)) {
      const m = ctx.callee(inner);
      if (m?.receiver?.text !== name || JS_LOCAL_METHODS.test(m.name) || boundedByTimer(inner, ctx)) continue;
      reports.push({
        range: nodeRange(m.nameNode),
        message: `\`${name}.${m.name}()\` (a dbus-native interface method, \`invoke\` underneath) can wait forever: ${DBUS_NATIVE.timeoutDefault}; race the call against a timer`,
        related: [related(call, 'interface obtained here')],
        data: stripUndefined({
          library: DBUS_NATIVE.id,
          bus,
          destination: service,
          path: resolveString(args[0], ctx),
          interface: resolveString(args[1], ctx),
          member: m.name,
        }),
      });
    }
  }
  return reports;
}

/** `bus.getService('org.example')` behind a receiver, directly or through a same-file variable. */
function serviceName(receiver: Node, ctx: RuleContext): string | undefined {
  const value = receiver.type === 'identifier' ? bindingValue(ctx, receiver.text) : receiver;
  if (value?.type !== 'call_expression' || callee(value)?.name !== 'getService') return undefined;
  return resolveString(callArguments(value)[0], ctx);
}

/** Whether something waits on the call's value: `await bus.invoke(m)`, `bus.invoke(m).then(…)`, `return bus.invoke(m)`. */
function awaited(call: Node): boolean {
  const parent = parentOf(call);
  if (!parent) return false;
  if (parent.type === 'await_expression' || parent.type === 'return_statement' || parent.type === 'arrow_function')
    return true;
  return (
    parent.type === 'member_expression' &&
    /^(?:then|catch|finally)$/.test(parent.childForFieldName('property')?.text ?? '')
  );
}

/** Whether the class around `call` declares a method or field called `name`. */
function ownMethod(call: Node, name: string): boolean {
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (current.type !== 'class_body') continue;
    return current.namedChildren.some(
      (member) =>
        ['method_definition', 'public_field_definition', 'field_definition'].includes(member.type) &&
        (member.childForFieldName('name') ?? member.childForFieldName('property'))?.text === name,
    );
  }
  return false;
}

export function checkDbusNative(ctx: RuleContext): RuleReport[] {
  const helpers = timeoutHelpers(ctx);
  const promisified = ctx.fact(promisifiedInvokes);
  const bus = ctx.has(/systemBus\s*\(/) ? 'system' : ctx.has(/sessionBus\s*\(/) ? 'session' : undefined;
  const deadline = defaultDeadline(DBUS_NATIVE, ctx);
  const reports: RuleReport[] = deadline ? [] : interfaceMethodCalls(ctx, bus);
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const isInvoke = c.name === 'invoke' && !!c.receiver;
    if (!isInvoke && !promisified.has(c.name)) continue;
    // `this.invoke(msg)` in a class that defines its own `invoke` wrapper: the wrapper's bus call is the one reported.
    if (isInvoke && c.receiver?.text === 'this' && ownMethod(call, c.name)) continue;
    const args = callArguments(call);
    const props = objectProperties(args[0], ctx);
    // dbus-native's invoke takes a message object; `ipcRenderer.invoke('channel', …)` and the like are not D-Bus.
    if (isInvoke && (!args[0] || (!props && args[0].type !== 'identifier' && args[0].type !== 'member_expression')))
      continue;
    // A method return, error or signal sent with `invoke` (a service answering a call) waits for nothing; neither does
    // a call sent with no callback and nothing awaiting it.
    if (
      isInvoke &&
      props &&
      (props.has('replySerial') || /methodReturn|\berror\b|\bsignal\b|^[234]$/i.test(props.get('type')?.text ?? ''))
    )
      continue;
    if (isInvoke && args.length === 1 && !awaited(call)) continue;
    // `invoke(msg, { timeout }, cb)`, or the promise form `invoke(msg, { timeout })`.
    const options = args.length >= 2 && !isFunctionBoundary(args[1]) ? objectProperties(args[1], ctx) : undefined;
    const timeout = options?.get('timeout');
    const timeoutValue = literalValue(timeout, ctx);
    if (timeout && timeoutValue !== 0) continue;
    // The version the project uses bounds a call given no timeout (only `timeout: 0` opts out).
    if (!timeout && deadline) continue;
    if (boundedByTimer(call, ctx, helpers)) continue;
    const promise = isInvoke ? enclosingPromise(call) : call;
    const fixes: Fix[] = promise
      ? [raceFix(promise, ctx.language, isInvoke ? 'the promise around `invoke`' : `\`${c.name}()\``)]
      : [];
    const ignored = ignoredDeadlines(call, ctx);
    reports.push({
      range: nodeRange(c.nameNode),
      message:
        (timeout !== undefined
          ? `\`${c.path}()\` passes \`timeout: 0\`, which means no timeout: ${DBUS_NATIVE.timeoutDefault}`
          : `\`${c.path}()\` can wait forever: ${DBUS_NATIVE.timeoutDefault}; pass \`{ timeout: <ms> }\` where the version supports it, or race the call against a timer`) +
        ignored.note,
      related: [...(timeout ? [related(timeout, '`timeout: 0` disables the timeout')] : []), ...ignored.related],
      data: stripUndefined({
        library: DBUS_NATIVE.id,
        bus,
        ...messageObjectCall(props, ctx),
      }),
      fixes,
    });
  }
  return reports;
}
