// Methods of a proxy interface a library hands back (`const m = await bus.getInterface(dest, path, iface)`): each
// `m.Method(…)` is a method call, bounded as the library bounds every call. Which library methods hand back a
// proxy is data in the model (`callsMadeForYou[].returnsProxy`).
import type { Node } from 'web-tree-sitter';
import { JS_LOCAL_METHODS } from '../../libraries/dbus-next';
import type { CallMadeForYou, LibraryModel } from '../../libraries/model';
import { escapeRegExp, resolveString, stripUndefined } from '../../resolve';
import { callArguments, lineOf, parentOf } from '../../syntax';
import type { CallData } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { matchingEntry, sentCall, waits } from './library-calls';
import { boundedByTimer, ignoredDeadlines, raceFix, timeoutHelpers } from './shared';

interface Proxy {
  /** The call that handed the proxy back. */
  source: Node;
  entry: CallMadeForYou;
  data: Pick<CallData, 'destination' | 'path' | 'interface'>;
}

/** The file's proxies by the variable (or `this.` field) holding them, each binding in file order. */
function proxiesOf(ctx: RuleContext, library: LibraryModel): Map<string, Proxy[]> {
  const out = new Map<string, Proxy[]>();
  const methods = [...new Set((library.callsMadeForYou ?? []).filter((e) => e.returnsProxy).map((e) => e.method))];
  if (methods.length === 0) return out;
  const binding = new RegExp(
    `(?:\\b(?:const|let|var)\\s+|\\bthis\\.)([A-Za-z_$][\\w$]*)\\s*(?::[^=\\n]*)?=\\s*(?:await\\s+)?[^;\\n]*?\\.(?:${methods.map(escapeRegExp).join('|')})\\s*\\(`,
    'g',
  );
  for (const m of ctx.matches(binding)) {
    let call = ctx.nodeAt(m.index + m[0].length - 1);
    while (call && call.type !== 'call_expression') call = parentOf(call);
    const c = call && ctx.callee(call);
    if (!call || !c?.receiver || !m[1]) continue;
    const args = callArguments(call);
    const match = matchingEntry(library, c.name, args, c.receiver, ctx);
    const proxy = match?.entry.returnsProxy;
    if (!match || !proxy) continue;
    const sent = sentCall(match.entry, args, ctx);
    const iface = typeof proxy.interface === 'number' ? resolveString(args[proxy.interface], ctx) : proxy.interface;
    out.set(m[1], [
      ...(out.get(m[1]) ?? []),
      { source: call, entry: match.entry, data: { destination: sent.destination, path: sent.path, interface: iface } },
    ]);
  }
  return out;
}

/** The binding a use sees: the last one before it, else the first (a field set in another method). */
function nearest(bindings: readonly Proxy[], use: Node): Proxy {
  return bindings.filter((b) => b.source.startIndex < use.startIndex).at(-1) ?? bindings[0];
}

/** Findings for the checked item's calls of proxy methods that nothing bounds. */
export function checkProxyCalls(ctx: RuleContext, library: LibraryModel): RuleReport[] {
  const proxies = proxiesOf(ctx, library);
  if (proxies.size === 0) return [];
  const helpers = timeoutHelpers(ctx);
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c?.receiver || JS_LOCAL_METHODS.test(c.name)) continue;
    const bindings = proxies.get(c.receiver.text.replace(/^this\./, ''));
    if (!bindings) continue;
    const proxy = nearest(bindings, call);
    // The methods return the reply as a promise: a call whose promise is dropped waits for nothing.
    if (!waits({ ...proxy.entry, callback: undefined }, call, callArguments(call))) continue;
    if (boundedByTimer(call, ctx, helpers)) continue;
    const what = `\`${c.receiver.text}.${c.name}()\``;
    const ignored = ignoredDeadlines(call, ctx);
    reports.push({
      range: nodeRange(c.nameNode),
      message: `${what} (a ${library.displayName} proxy call${proxy.data.interface ? ` on ${proxy.data.interface}` : ''}) can wait forever for the reply: ${proxy.entry.bound}; bound it with a timer — proxy interface from line ${lineOf(proxy.source)}${ignored.note}`,
      related: [related(proxy.source, 'proxy interface obtained here'), ...ignored.related],
      data: stripUndefined({ library: library.id, ...proxy.data, member: c.name }),
      fixes: [raceFix(call, ctx.language, what)],
    });
  }
  return reports;
}
