import type { Node } from 'web-tree-sitter';
import { ancestorsInFunction, calleeName } from '../syntax';
import { nodeRange, type Rule, type RuleContext, type RuleReport } from './rule';

const DBUS_NEXT_IMPORT = /(?:from\s+|require\s*\(\s*)['"]dbus-next['"]/;
const ZBUS_USE = /\buse\s+zbus\b|\bzbus::/;

/** Callers that bound a future or promise with a timer, making the call inside them finite. */
const TIMEOUT_WRAPPERS = /^(race|timeout|with_?timeout|timeout_at|withTimeout|callWithTimeout)$/i;

function isBoundedByCaller(call: Node): boolean {
  for (const ancestor of ancestorsInFunction(call)) {
    if (ancestor.type !== 'call_expression') continue;
    const name = calleeName(ancestor);
    if (name && TIMEOUT_WRAPPERS.test(name)) return true;
  }
  return false;
}

function checkDbusNext(calls: ReturnType<typeof collect>): RuleReport[] {
  // Variables that hold a proxy interface: `const iface = await obj.getInterface('org.…')`.
  const interfaceVars = new Set<string>();
  for (const { method, call } of calls) {
    if (method !== 'getInterface') continue;
    const declarator = call.parent?.parent;
    const name = declarator?.type === 'variable_declarator' ? declarator.childForFieldName('name')?.text : undefined;
    if (name) interfaceVars.add(name);
  }
  const reports: RuleReport[] = [];
  for (const { method, receiver, call } of calls) {
    const isBusCall = method === 'call';
    const isProxyCall = interfaceVars.has(receiver.text);
    if (!isBusCall && !isProxyCall) continue;
    if (isBoundedByCaller(call)) continue;
    reports.push({
      range: nodeRange(call),
      message: isBusCall
        ? `\`${call.text.split('(')[0]}()\` (dbus-next) has no timeout: dbus-next waits forever for a reply; bound it with Promise.race and a timer`
        : `\`${receiver.text}.${method}()\` is a dbus-next proxy call with no timeout: dbus-next waits forever for a reply; bound it with Promise.race and a timer`,
      data: { library: 'dbus-next', member: isProxyCall ? method : undefined },
    });
  }
  return reports;
}

function checkZbus(ctx: RuleContext, calls: ReturnType<typeof collect>): RuleReport[] {
  // zbus has a method timeout only when a connection::Builder sets one (zbus ≥ 5.11).
  if (/\.method_timeout\s*\(/.test(ctx.text)) return [];
  const reports: RuleReport[] = [];
  for (const { method, call } of calls) {
    if (method !== 'call_method') continue;
    if (isBoundedByCaller(call)) continue;
    reports.push({
      range: nodeRange(call),
      message:
        '`call_method(…).await` (zbus) has no timeout: zbus connections have no method timeout unless the builder sets `method_timeout`',
      data: { library: 'zbus' },
    });
  }
  return reports;
}

function collect(ctx: RuleContext): { method: string; receiver: Node; call: Node }[] {
  const query = ctx.queries.get('calls');
  if (!query) return [];
  const out: { method: string; receiver: Node; call: Node }[] = [];
  for (const match of query.matches(ctx.tree.rootNode)) {
    const get = (name: string) => match.captures.find((c) => c.name === name)?.node;
    const method = get('method');
    const receiver = get('receiver');
    const call = get('call');
    if (method && receiver && call) out.push({ method: method.text, receiver, call });
  }
  return out;
}

export const callWithoutTimeout: Rule = {
  id: 'call-without-timeout',
  languages: ['rust', 'typescript', 'tsx', 'javascript'],
  queries: ['calls'],
  mayApply: (text, language) => (language === 'rust' ? ZBUS_USE.test(text) : DBUS_NEXT_IMPORT.test(text)),
  check(ctx) {
    const calls = collect(ctx);
    return ctx.language === 'rust' ? checkZbus(ctx, calls) : checkDbusNext(calls);
  },
};
