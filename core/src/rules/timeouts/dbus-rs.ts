import { DBUS_RS, DBUS_RS_TIMEOUT_ARGUMENT, DBUS_TOKIO, INFINITE_TIMEOUT, proxyFlavour } from '../../libraries/dbus-rs';
import { bindingValue, resolveString, stripUndefined } from '../../resolve';
import type { Node } from 'web-tree-sitter';
import { boundName, callArguments, descendantsOfType } from '../../syntax';
import type { CallData } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer } from './shared';

/** `Message::new_method_call(dest, path, iface, member)` behind a message argument. */
export function messageData(message: Node | undefined, ctx: RuleContext): CallData {
  const value = message?.type === 'identifier' ? bindingValue(ctx, message.text) : message;
  const constructor = value
    ? descendantsOfType(value, 'call_expression').find((n) =>
        /new_method_call$/.test(n.childForFieldName('function')?.text ?? ''),
      )
    : undefined;
  if (!constructor) return {};
  const [destination, path, iface, member] = callArguments(constructor);
  return {
    destination: resolveString(destination, ctx),
    path: resolveString(path, ctx),
    interface: resolveString(iface, ctx),
    member: resolveString(member, ctx),
  };
}

/** Destination and path from the proxy's constructor; interface and member from the first `method_call` on it in the function. */
function callData(name: string, call: Node, args: Node[], ctx: RuleContext): CallData {
  if (name === 'send_with_reply_and_block') return messageData(args[0], ctx);
  const data: CallData = { destination: resolveString(args[0], ctx), path: resolveString(args[1], ctx) };
  const proxy = boundName(call);
  if (!proxy) return data;
  for (const later of ctx.nodesWithin('call', ctx.scopeOf(call))) {
    const c = ctx.callee(later);
    if (later.startIndex <= call.endIndex || c?.name !== 'method_call' || c.receiver?.text !== proxy) continue;
    const [iface, member] = callArguments(later);
    return { ...data, interface: resolveString(iface, ctx), member: resolveString(member, ctx) };
  }
  return data;
}

export function checkDbusRs(ctx: RuleContext): RuleReport[] {
  const tokio = ctx.has(DBUS_TOKIO);
  const bus = ctx.has(/new_system\b|system\s*\(/)
    ? 'system'
    : ctx.has(/new_session\b|session\s*\(/)
      ? 'session'
      : undefined;
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c) continue;
    const index = DBUS_RS_TIMEOUT_ARGUMENT[c.name];
    if (index === undefined) continue;
    if (c.name === 'new' && !/(?:^|::)Proxy::new$/.test(c.path)) continue;
    const args = callArguments(call);
    const timeout = args[index];
    if (!timeout) continue;
    const data = stripUndefined({ library: DBUS_RS.id, bus, ...callData(c.name, call, args, ctx) });
    const value = timeout.type === 'identifier' ? (bindingValue(ctx, timeout.text) ?? timeout) : timeout;
    if (INFINITE_TIMEOUT.test(value.text)) {
      if (boundedByTimer(call, ctx)) continue;
      reports.push({
        range: nodeRange(c.nameNode),
        message: `\`${c.name}\` is given an effectively infinite timeout (\`${timeout.text}\`${value !== timeout ? ` = \`${value.text}\`` : ''}): ${DBUS_RS.timeoutDefault}, so this call can wait forever; pass a finite Duration such as \`Duration::from_secs(25)\``,
        related: [related(timeout, 'the timeout passed here never fires')],
        data,
      });
    } else if (!tokio && proxyFlavour(c.name, c.path, ctx) === 'nonblock') {
      reports.push({
        range: nodeRange(c.nameNode),
        message: `dbus-rs nonblock proxies enforce their timeout only when the connection's runtime does (dbus-tokio installs a timeout handler); this file has no dbus-tokio, so calls through this proxy can wait forever`,
        related: [related(timeout, 'this timeout is not enforced without a timeout-enforcing runtime')],
        data,
      });
    }
  }
  return reports;
}
