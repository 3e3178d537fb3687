import type { Node } from 'web-tree-sitter';
import { boundName, callArguments, type Callee, callee, lineOf, unwrapExpression, parentOf } from '../../syntax';
import { strip } from '../../values';
import {
  DBUS_NEXT,
  DBUS_NEXT_BUS,
  DBUS_NEXT_PROXY,
  JS_LOCAL_METHODS,
  typedInterfaces,
} from '../../libraries/dbus-next';
import { literalValue, messageObjectCall, objectProperties, resolveString, stripUndefined } from '../../resolve';
import type { FileFacts } from '../../facts';
import type { CallData } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { checkCallsMadeForYou } from './library-calls';
import { boundedByTimer, ignoredDeadlines, raceFix, timeoutHelpers } from './shared';

interface ProxyInterface {
  /** The `getInterface(…)` call, when the interface comes from one (not only from a `ClientInterface` type). */
  definition: Node | undefined;
  data: CallData;
}

/**
 * `const obj = await bus.getProxyObject(dest, path)`: every binding of each variable (or `this.` property) name, in
 * order. Read from the tree, not the text, so that `(await bus.getProxyObject(…)).getInterface(…)` and a plain
 * assignment to a name declared earlier (`let props; … props = obj.getInterface(…)`) bind too.
 */
function bindingsOf(ctx: RuleContext, method: string): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  for (const call of ctx.nodes('call')) {
    if (callee(call)?.name !== method) continue;
    const name = boundName(call) ?? thisProperty(call);
    if (name) out.set(name, [...(out.get(name) ?? []), call]);
  }
  return out;
}

/** `this.iface = <expr>`: the property name (`iface`). */
function thisProperty(expression: Node): string | undefined {
  const parent = parentOf(unwrapExpression(expression));
  if (parent?.type !== 'assignment_expression') return undefined;
  const left = parent.childForFieldName('left');
  if (left?.type !== 'member_expression' || left.childForFieldName('object')?.type !== 'this') return undefined;
  return left.childForFieldName('property')?.text;
}

/** The binding a use most likely sees: the last one before it in its function, else the last before it, else the first. */
function nearest(bindings: Node[] | undefined, use: Node, ctx: RuleContext): Node | undefined {
  if (!bindings?.length) return undefined;
  const scope = ctx.scopeOf(use);
  const before = bindings.filter((b) => b.startIndex < use.startIndex);
  const local = before.filter((b) => b.startIndex >= scope.startIndex && b.endIndex <= scope.endIndex);
  return local.at(-1) ?? before.at(-1) ?? bindings[0];
}

/** An expression as a message names it: on one line, argument lists elided once it is long (`(await bus.getProxyObject(…)).getInterface(…)`). */
function shortText(node: Node): string {
  let text = node.text.replace(/\s*\n\s*/g, '').replace(/\s+/g, ' ');
  for (let before = ''; text.length > 40 && before !== text;) {
    before = text;
    text = text.replace(/\((?!…\))[^()]*\)/, '(…)');
  }
  return text;
}

function receiverName(receiver: Node): string {
  return receiver.text.replace(/^this\./, '');
}

/** `iface[methodName](…args)`: a proxy method picked by name (generic helpers such as `callMethod(name, …args)`). */
function computedCallee(call: Node): Callee | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'subscript_expression') return undefined;
  const object = fn.childForFieldName('object');
  const index = fn.childForFieldName('index');
  if (!object || !index) return undefined;
  const literal = index.type === 'string' ? index.text.slice(1, -1) : undefined;
  return { name: literal ?? `[${index.text}]`, nameNode: index, receiver: object, path: fn.text };
}

/** `const bus = dbus.systemBus()`: the bus each variable (or `this.` property) holds, in file order. */
function busVariables(file: FileFacts): Map<string, 'session' | 'system'> {
  const buses = new Map<string, 'session' | 'system'>();
  for (const m of file.matches(DBUS_NEXT_BUS)) {
    const name = m[1] ?? m[2];
    if (name) buses.set(name, m[3] === 'system' ? 'system' : 'session');
  }
  return buses;
}

/** An interface obtained at `definition` from the proxy object `getProxyObject(dest, path)` made at `object`. */
function proxyInterface(
  definition: Node,
  object: Node | undefined,
  name: string | undefined,
  ctx: RuleContext,
): ProxyInterface {
  const objectArgs = object ? callArguments(object) : [];
  return {
    definition,
    data: stripUndefined({
      destination: resolveString(objectArgs[0], ctx),
      path: resolveString(objectArgs[1], ctx),
      interface: name,
    }),
  };
}

export function checkDbusNext(ctx: RuleContext): RuleReport[] {
  const helpers = timeoutHelpers(ctx);
  const objects = bindingsOf(ctx, DBUS_NEXT_PROXY.object);
  const interfaceBindings = bindingsOf(ctx, DBUS_NEXT_PROXY.iface);
  const typed = typedInterfaces(ctx);
  const interfaceFor = (name: string, use: Node): ProxyInterface | undefined => {
    const call = nearest(interfaceBindings.get(name), use, ctx);
    if (!call) return undefined;
    const c = callee(call);
    const object = c?.receiver ? nearest(objects.get(receiverName(c.receiver)), call, ctx) : undefined;
    return proxyInterface(call, object, resolveString(callArguments(call)[0], ctx), ctx);
  };
  /**
   * An interface used where it is obtained: `obj.getInterface(name).Method()`,
   * `(await bus.getProxyObject(…)).getInterface(name).Method()`, `obj.interfaces[name].Method()`. Its object is a
   * known proxy object, or its name a dotted interface name (a one-argument `getInterface` of anything else is
   * not dbus-next's).
   */
  const chainedInterface = (receiver: Node): ProxyInterface | undefined => {
    const lookup = strip(receiver);
    let objectNode: Node | null | undefined;
    let nameNode: Node | null | undefined;
    if (lookup.type === 'call_expression') {
      const c = callee(lookup);
      const args = callArguments(lookup);
      if (c?.name !== DBUS_NEXT_PROXY.iface || args.length !== 1) return undefined;
      objectNode = c.receiver;
      nameNode = args[0];
    } else if (lookup.type === 'subscript_expression') {
      const table = lookup.childForFieldName('object');
      if (table?.type !== 'member_expression' || table.childForFieldName('property')?.text !== 'interfaces') {
        return undefined;
      }
      objectNode = table.childForFieldName('object');
      nameNode = lookup.childForFieldName('index');
    }
    if (!objectNode) return undefined;
    const target = strip(objectNode);
    const object =
      target.type === 'call_expression' && callee(target)?.name === DBUS_NEXT_PROXY.object
        ? target
        : nearest(objects.get(receiverName(target)), lookup, ctx);
    const name = resolveString(nameNode, ctx);
    if (!object && !name?.includes('.')) return undefined;
    return proxyInterface(lookup, object, name, ctx);
  };
  const buses = ctx.fact(busVariables);
  const defaultBus = buses.size > 0 ? [...buses.values()][0] : undefined;

  const reports: RuleReport[] = checkCallsMadeForYou(ctx, DBUS_NEXT, {
    busOf: (receiver) => buses.get(receiverName(receiver)) ?? defaultBus,
  });
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call) ?? computedCallee(call);
    if (!c?.receiver) continue;
    const receiver = receiverName(c.receiver);
    const args = callArguments(call);
    let data: CallData;
    let what: string;
    let relatedNode: Node | undefined;
    if (
      c.name === 'call' &&
      (buses.has(receiver) || /Message\b/.test(args[0]?.text ?? '') || objectProperties(args[0], ctx)?.has('member'))
    ) {
      const props = objectProperties(args[0], ctx);
      // dbus-next resolves `call` at once for a message flagged NO_REPLY_EXPECTED: nothing waits.
      if (/NO_REPLY_EXPECTED|noReplyExpected/.test(props?.get('flags')?.text ?? '')) continue;
      data = { bus: buses.get(receiver) ?? defaultBus, ...messageObjectCall(props, ctx) };
      what = `\`${c.receiver.text}.call()\``;
    } else {
      if (JS_LOCAL_METHODS.test(c.name)) continue;
      const iface = interfaceBindings.has(receiver)
        ? interfaceFor(receiver, call)
        : typed.has(receiver)
          ? { definition: undefined, data: {} }
          : chainedInterface(c.receiver);
      if (!iface) continue;
      data = { bus: defaultBus, ...iface.data, member: c.name.startsWith('[') ? undefined : c.name };
      if (
        iface.data.interface === 'org.freedesktop.DBus.Properties' &&
        (c.name === 'Get' || c.name === 'Set' || c.name === 'GetAll')
      ) {
        data.args = args.map((a) => literalValue(a, ctx));
      }
      what = `\`${shortText(c.receiver)}${c.name.startsWith('[') ? '' : '.'}${c.name}()\` (a dbus-next proxy call${iface.data.interface ? ` on ${iface.data.interface}` : ''})`;
      relatedNode = iface.definition;
    }
    if (boundedByTimer(call, ctx, helpers)) continue;
    const expression = call;
    const awaited =
      unwrapExpression(call) !== call ||
      parentOf(call)?.type === 'return_statement' ||
      parentOf(call)?.type === 'arrow_function';
    const ignored = ignoredDeadlines(call, ctx);
    reports.push({
      range: nodeRange(c.nameNode),
      message: `${what} can wait forever: ${DBUS_NEXT.timeoutDefault}; bound it with \`Promise.race\` and a timer (or a timeout helper)${relatedNode ? ` — proxy interface from line ${lineOf(relatedNode)}` : ''}${ignored.note}`,
      related: [...(relatedNode ? [related(relatedNode, 'proxy interface obtained here')] : []), ...ignored.related],
      data: { library: DBUS_NEXT.id, ...stripUndefined(data) },
      fixes:
        awaited || parentOf(expression)?.type === 'variable_declarator'
          ? [
              raceFix(
                expression,
                ctx.language,
                `\`${shortText(c.receiver)}${c.name.startsWith('[') ? '' : '.'}${c.name}()\``,
              ),
            ]
          : [],
    });
  }
  return reports;
}
