import type { Node } from 'web-tree-sitter';
import { RUSTBUS, RUSTBUS_WAITING_CALLS } from '../../libraries/rustbus';
import { callArguments } from '../../syntax';
import type { CallData } from '../../types';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { FIX_SECONDS } from './shared';

/** What a `MessageBuilder::new().call("M").with_interface("I").on("/p").at("d")` chain in the same function says. */
function builderData(scope: Node): CallData {
  const text = scope.text;
  const find = (method: string) => new RegExp(`\\.${method}\\s*\\(\\s*"([^"]*)"`).exec(text)?.[1];
  const data: CallData = {};
  const member = find('call');
  const iface = find('with_interface');
  const path = find('on');
  const destination = find('at');
  if (member) data.member = member;
  if (iface) data.interface = iface;
  if (path) data.path = path;
  if (destination) data.destination = destination;
  return data;
}

export function checkRustbus(ctx: RuleContext): RuleReport[] {
  const bus = ctx.has(/\bsystem_conn\b|get_system_bus_path|DuplexConn::connect_to_bus\([^)]*true/)
    ? 'system'
    : ctx.has(/session_conn|get_session_bus_path|connect_to_bus\([^)]*false/)
      ? 'session'
      : undefined;
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c || !RUSTBUS_WAITING_CALLS.test(c.name)) continue;
    for (const arg of callArguments(call)) {
      if (!/(?:^|::)Timeout::Infinite$/.test(arg.text)) continue;
      const replacement = arg.text.replace(/Infinite$/, `Duration(std::time::Duration::from_secs(${FIX_SECONDS}))`);
      reports.push({
        range: nodeRange(arg),
        message: `\`${c.name}(…, ${arg.text})\` can wait forever: ${RUSTBUS.timeoutDefault}; pass \`Timeout::Duration(…)\``,
        data: { library: RUSTBUS.id, ...(bus ? { bus } : {}), ...builderData(ctx.scopeOf(call)) },
        fixes: [
          {
            title: `Replace Timeout::Infinite with Timeout::Duration(Duration::from_secs(${FIX_SECONDS}))`,
            edits: [{ range: nodeRange(arg), newText: replacement }],
          },
        ],
      });
    }
  }
  return reports;
}
