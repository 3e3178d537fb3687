import { DBUS_RS, DBUS_RS_TIMEOUT_ARGUMENT, DBUS_TOKIO, INFINITE_TIMEOUT } from '../../libraries/dbus-rs';
import { bindingValue, resolveString } from '../../resolve';
import { callArguments, callee } from '../../syntax';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer } from './shared';
import { stripUndefined } from './zbus';

export function checkDbusRs(ctx: RuleContext): RuleReport[] {
  const nonblock = /\bnonblock\b/.test(ctx.text) && !DBUS_TOKIO.test(ctx.text);
  const bus = /new_system\b|system\s*\(/.test(ctx.text) ? 'system' : /new_session\b|session\s*\(/.test(ctx.text) ? 'session' : undefined;
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = callee(call);
    if (!c) continue;
    const index = DBUS_RS_TIMEOUT_ARGUMENT[c.name];
    if (index === undefined) continue;
    if (c.name === 'new' && !/(?:^|::)Proxy::new$/.test(c.path)) continue;
    const args = callArguments(call);
    const timeout = args[index];
    if (!timeout) continue;
    const data = stripUndefined({
      library: DBUS_RS.id,
      bus,
      destination: c.name === 'send_with_reply_and_block' ? undefined : resolveString(args[0], ctx.tree, ctx.text),
      path: c.name === 'send_with_reply_and_block' ? undefined : resolveString(args[1], ctx.tree, ctx.text),
    });
    const value = timeout.type === 'identifier' ? (bindingValue(ctx.tree, ctx.text, timeout.text) ?? timeout) : timeout;
    if (INFINITE_TIMEOUT.test(value.text)) {
      if (boundedByTimer(call, ctx, new Set())) continue;
      reports.push({
        range: nodeRange(c.nameNode),
        message: `\`${c.name}\` is given an effectively infinite timeout (\`${timeout.text}\`${value !== timeout ? ` = \`${value.text}\`` : ''}): ${DBUS_RS.timeoutDefault}, so this call can wait forever; pass a finite Duration such as \`Duration::from_secs(25)\``,
        related: [related(timeout, 'the timeout passed here never fires')],
        data,
      });
    } else if (nonblock && c.name !== 'send_with_reply_and_block') {
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
