import type { Node } from 'web-tree-sitter';
import { ASYNC_RUSTBUS_TIMEOUT_DEFAULT, RUSTBUS } from '../../libraries/rustbus';
import { RUST_TIMEOUT_WRAPPERS } from '../../libraries/zbus';
import { callee, isFunctionBoundary, parentOf } from '../../syntax';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer } from './shared';

/** `let reply = conn.send_msg_w_rsp(&call).await?;` … `timeout(d, reply)` / `select!`: the response future is raced later. */
function racedLater(call: Node): boolean {
  let node: Node = call;
  let binding = parentOf(node);
  while (binding && (binding.type === 'await_expression' || binding.type === 'try_expression')) {
    node = binding;
    binding = parentOf(node);
  }
  if (binding?.type !== 'let_declaration') return false;
  const name = binding.childForFieldName('pattern')?.text.replace(/^mut\s+/, '');
  let fn: Node | null = binding;
  while (fn && !isFunctionBoundary(fn)) fn = parentOf(fn);
  if (!name || !fn) return false;
  for (const use of fn.descendantsOfType('identifier')) {
    if (!use || use.text !== name || use.startIndex < binding.endIndex) continue;
    for (let up = parentOf(use); up && up.id !== fn.id; up = parentOf(up)) {
      if (up.type === 'call_expression') {
        const c = callee(up);
        if (c && (RUST_TIMEOUT_WRAPPERS.test(c.name) || /\btime::timeout$/.test(c.path))) return true;
      }
      if (
        up.type === 'macro_invocation' &&
        /(?:^|::)(?:select|select_biased|timeout)$/.test(up.childForFieldName('macro')?.text ?? '')
      )
        return true;
      if (isFunctionBoundary(up) || up.type === 'expression_statement' || up.type === 'let_declaration') break;
    }
  }
  return false;
}

export function checkAsyncRustbus(ctx: RuleContext): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (c?.name !== 'send_msg_w_rsp' || !c.receiver) continue;
    if (boundedByTimer(call, ctx) || racedLater(call)) continue;
    reports.push({
      range: nodeRange(c.nameNode),
      message: `\`${c.name}()\` can wait forever: ${ASYNC_RUSTBUS_TIMEOUT_DEFAULT}; wrap the response future in \`async_std::future::timeout\` or \`tokio::time::timeout\``,
      data: { library: RUSTBUS.id },
    });
  }
  return reports;
}
