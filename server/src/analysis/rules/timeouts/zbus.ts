import type { Node } from 'web-tree-sitter';
import { ZBUS, ZBUS_CONNECTION, ZBUS_PROXY_ATTRIBUTE, ZBUS_PROXY_LOCAL_METHODS } from '../../libraries/zbus';
import { literalList, resolveString } from '../../resolve';
import { callArguments, callee, descendantsOfType, lineOf, outermostScope } from '../../syntax';
import type { CallData, Fix } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer, FIX_SECONDS } from './shared';

const TIMEOUT_EXPR = `std::time::Duration::from_secs(${FIX_SECONDS})`;

interface ProxyInfo {
  interface?: string;
  destination?: string;
  path?: string;
}

/** `#[proxy(interface = "…", default_service = "…", default_path = "…")] trait Foo` → `FooProxy`, `FooProxyBlocking`. */
function proxyTraits(text: string): Map<string, ProxyInfo> {
  const out = new Map<string, ProxyInfo>();
  ZBUS_PROXY_ATTRIBUTE.lastIndex = 0;
  for (let m = ZBUS_PROXY_ATTRIBUTE.exec(text); m; m = ZBUS_PROXY_ATTRIBUTE.exec(text)) {
    const args = m[1] ?? '';
    const value = (key: string) => new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`).exec(args)?.[1];
    const info = { interface: value('interface') ?? value('name'), destination: value('default_service'), path: value('default_path') };
    out.set(`${m[2]}Proxy`, info);
    out.set(`${m[2]}ProxyBlocking`, info);
  }
  return out;
}

interface Connection {
  node: Node;
  bus?: 'session' | 'system';
}

function connections(ctx: RuleContext): Connection[] {
  const out: Connection[] = [];
  ZBUS_CONNECTION.lastIndex = 0;
  for (let m = ZBUS_CONNECTION.exec(ctx.text); m; m = ZBUS_CONNECTION.exec(ctx.text)) {
    let node = ctx.tree.rootNode.descendantForIndex(m.index);
    while (node && node.type !== 'call_expression') node = node.parent;
    if (!node) continue;
    const kind = m[1] ?? m[2] ?? m[3];
    out.push({ node, bus: kind === 'session' || kind === 'system' ? kind : undefined });
  }
  return out;
}

/** The connection a call most likely uses: the nearest one before it in the same function, else the file's first. */
function connectionFor(call: Node, all: Connection[]): Connection | undefined {
  const scope = outermostScope(call);
  const local = all.filter((c) => c.node.startIndex >= scope.startIndex && c.node.endIndex <= call.startIndex);
  return local[local.length - 1] ?? all[0];
}

/** Proxy variables in scope: `let p = FooProxy::new(&conn).await?`, `FooProxy::builder(&conn)….build()`, parameters typed `&FooProxy`. */
function proxyVariables(scope: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of descendantsOfType(scope, ['let_declaration', 'parameter'])) {
    const pattern = decl.childForFieldName('pattern');
    const source = decl.childForFieldName(decl.type === 'parameter' ? 'type' : 'value')?.text ?? '';
    const type =
      decl.type === 'parameter'
        ? /^&?(?:'\w+\s+)?(?:mut\s+)?(?:[\w:]+::)?(\w*Proxy(?:Blocking)?)\b/.exec(source)
        : PROXY_CONSTRUCTOR.exec(source);
    if (pattern && type?.[1]) out.set(pattern.text.replace(/^mut\s+/, ''), type[1]);
  }
  return out;
}

/** `FooProxy::new(&conn)`, `zbus::fdo::DBusProxy::new_for(…)`, `FooProxyBlocking::builder(&conn)`. */
const PROXY_CONSTRUCTOR = /^(?:[\w:]+::)?(\w*Proxy(?:Blocking)?)(?:<[^>]*>)?(?:::<[^>]*>)?::(?:new\w*|builder)\s*\(/;

/** The proxy type when `receiver` is a constructor call itself: `FooProxy::new(&conn).await?` in `….bar()`. */
function constructedProxy(receiver: Node): string | undefined {
  let node: Node | null = receiver;
  while (node) {
    if (node.type === 'try_expression' || node.type === 'await_expression') {
      node = node.namedChildren[0] ?? null;
      continue;
    }
    if (node.type !== 'call_expression') return undefined;
    const c = callee(node);
    if ((c?.name === 'unwrap' || c?.name === 'expect') && c.receiver) {
      node = c.receiver;
      continue;
    }
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'scoped_identifier' && fn?.type !== 'generic_function') return undefined;
    return PROXY_CONSTRUCTOR.exec(fn.text + '(')?.[1];
  }
  return undefined;
}

function pascalCase(name: string): string {
  return name.replace(/(?:^|_)([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** Adds `.method_timeout(…)` to the connection: before `.build()` of a builder chain, or by turning `Connection::session()` into a builder. */
function methodTimeoutFix(connection: Connection): Fix | undefined {
  const call = connection.node;
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  if (/Builder::/.test(fn.text)) {
    for (let current = call.parent; current; current = current.parent) {
      if (current.type === 'call_expression' && callee(current)?.name === 'build') {
        const field = current.childForFieldName('function');
        const value = field?.childForFieldName('value');
        if (!value) return undefined;
        const at = nodeRange(value).end;
        return {
          title: `Add .method_timeout(Duration::from_secs(${FIX_SECONDS})) to the zbus connection builder (zbus ≥ 5.11)`,
          edits: [{ range: { start: at, end: at }, newText: `.method_timeout(${TIMEOUT_EXPR})` }],
        };
      }
      if (!['field_expression', 'call_expression', 'try_expression', 'await_expression'].includes(current.type)) break;
    }
    return undefined;
  }
  const kind = connection.bus;
  if (!kind) return undefined;
  const blocking = /blocking::/.test(fn.text);
  const builder = blocking ? 'zbus::blocking::connection::Builder' : 'zbus::connection::Builder';
  return {
    title: `Build the zbus connection with .method_timeout(Duration::from_secs(${FIX_SECONDS})) (zbus ≥ 5.11)`,
    edits: [{ range: nodeRange(call), newText: `${builder}::${kind}()?.method_timeout(${TIMEOUT_EXPR}).build()` }],
  };
}

function callMethodData(call: Node, ctx: RuleContext): CallData {
  const [destination, path, iface, member, body] = callArguments(call);
  return {
    destination: resolveString(destination, ctx.tree, ctx.text),
    path: resolveString(path, ctx.tree, ctx.text),
    interface: resolveString(iface, ctx.tree, ctx.text),
    member: resolveString(member, ctx.tree, ctx.text),
    args: literalList(body, ctx.tree, ctx.text),
  };
}

export function checkZbus(ctx: RuleContext): RuleReport[] {
  // Per file: a `method_timeout` on any builder is taken to cover the file's connections.
  if (/\.method_timeout\s*\(/.test(ctx.text)) return [];
  const traits = proxyTraits(ctx.text);
  const conns = connections(ctx);
  const reports: RuleReport[] = [];
  const proxiesByScope = new Map<number, Map<string, string>>();
  for (const call of ctx.nodes('call')) {
    const c = callee(call);
    if (!c?.receiver) continue;
    let data: CallData | undefined;
    let what: string;
    if (c.name === 'call_method') {
      data = callMethodData(call, ctx);
      what = '`call_method`';
    } else {
      const scope = outermostScope(call);
      let proxies = proxiesByScope.get(scope.id);
      if (!proxies) proxiesByScope.set(scope.id, (proxies = proxyVariables(scope)));
      const type = proxies.get(c.receiver.text.replace(/^self\./, '')) ?? constructedProxy(c.receiver);
      if (!type || ZBUS_PROXY_LOCAL_METHODS.test(c.name)) continue;
      const info = traits.get(type);
      // `call_noreply` does not wait for anything.
      if (c.name === 'call_noreply') continue;
      const generic = c.name === 'call';
      data = {
        destination: info?.destination,
        path: info?.path,
        interface: info?.interface,
        member: generic ? resolveString(callArguments(call)[0], ctx.tree, ctx.text) : pascalCase(c.name),
      };
      const receiver = c.receiver.text.length <= 40 && !c.receiver.text.includes('\n') ? c.receiver.text : type;
      what = `\`${receiver}.${c.name}()\` (${type})`;
    }
    if (boundedByTimer(call, ctx, new Set())) continue;
    const connection = connectionFor(call, conns);
    const fix = connection ? methodTimeoutFix(connection) : undefined;
    reports.push({
      range: nodeRange(c.nameNode),
      message: `${what} can wait forever: ${ZBUS.timeoutDefault}${connection ? ` (connection made on line ${lineOf(connection.node)})` : ''}; set \`method_timeout\` on the connection builder or wrap the call in \`tokio::time::timeout\``,
      related: connection ? [related(connection.node, 'connection built here without `method_timeout`')] : [],
      data: { library: ZBUS.id, bus: connection?.bus, ...stripUndefined(data) },
      fixes: fix ? [fix] : [],
    });
  }
  return reports;
}

export function stripUndefined(data: CallData): CallData {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)) as CallData;
}
