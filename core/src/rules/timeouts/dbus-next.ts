import type { Node } from 'web-tree-sitter';
import { callArguments, type Callee, callee, lineOf, unwrapExpression, parentOf } from '../../syntax';
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

/** `const obj = await bus.getProxyObject(dest, path)`: every binding of each variable (or `this.` property) name, in order. */
function bindingsOf(ctx: RuleContext, method: string): Map<string, Node[]> {
  const out = new Map<string, Node[]>();
  const re = new RegExp(
    `(?:\\b(?:const|let|var)\\s+|\\bthis\\.)([A-Za-z_$][\\w$]*)\\s*(?::[^=\\n]*)?=\\s*(?:await\\s+)?[\\w$.\\[\\]]*\\.${method}\\s*\\(`,
    'g',
  );
  for (const m of ctx.matches(re)) {
    let node = ctx.nodeAt(m.index + m[0].length - 1);
    while (node && node.type !== 'call_expression') node = parentOf(node);
    if (node && m[1]) out.set(m[1], [...(out.get(m[1]) ?? []), node]);
  }
  return out;
}

/** The binding a use most likely sees: the last one before it in its function, else the last before it, else the first. */
function nearest(bindings: Node[] | undefined, use: Node, ctx: RuleContext): Node | undefined {
  if (!bindings?.length) return undefined;
  const scope = ctx.scopeOf(use);
  const before = bindings.filter((b) => b.startIndex < use.startIndex);
  const local = before.filter((b) => b.startIndex >= scope.startIndex && b.endIndex <= scope.endIndex);
  return local.at(-1) ?? before.at(-1) ?? bindings[0];
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
    const objectArgs = object ? callArguments(object) : [];
    return {
      definition: call,
      data: stripUndefined({
        destination: resolveString(objectArgs[0], ctx),
        path: resolveString(objectArgs[1], ctx),
        interface: resolveString(callArguments(call)[0], ctx),
      }),
    };
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
          : undefined;
      if (!iface) continue;
      data = { bus: defaultBus, ...iface.data, member: c.name.startsWith('[') ? undefined : c.name };
      if (
        iface.data.interface === 'org.freedesktop.DBus.Properties' &&
        (c.name === 'Get' || c.name === 'Set' || c.name === 'GetAll')
      ) {
        data.args = args.map((a) => literalValue(a, ctx));
      }
      what = `\`${c.receiver.text}${c.name.startsWith('[') ? '' : '.'}${c.name}()\` (a dbus-next proxy call${iface.data.interface ? ` on ${iface.data.interface}` : ''})`;
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
          ? [raceFix(expression, ctx.language, `\`${c.receiver.text}${c.name.startsWith('[') ? '' : '.'}${c.name}()\``)]
          : [],
    });
  }
  return reports;
}
