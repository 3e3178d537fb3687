import type { Node } from 'web-tree-sitter';
import {
  ZBUS,
  ZBUS_CONNECTION,
  ZBUS_FDO_PROXIES,
  ZBUS_PROXY_ATTRIBUTE,
  ZBUS_PROXY_LOCAL_METHODS,
  zbusProxyFields,
  type ZbusProxyInfo,
} from '../../libraries/zbus';
import { literalList, resolveString, stripUndefined } from '../../resolve';
import { callArguments, callee, descendantsOfType, lineOf, parentOf } from '../../syntax';
import { accessPath, resolvedPath } from '../../values';
import type { FileFacts } from '../../facts';
import type { CallData, Fix } from '../../types';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer, FIX_SECONDS, ignoredDeadlines } from './shared';

const TIMEOUT_EXPR = `std::time::Duration::from_secs(${FIX_SECONDS})`;

type ProxyInfo = ZbusProxyInfo;

/** `#[proxy(interface = "…", default_service = "…", default_path = "…")] trait Foo` → `FooProxy`, `FooProxyBlocking`. */
function proxyTraits(file: FileFacts): Map<string, ProxyInfo> {
  const out = new Map<string, ProxyInfo>();
  for (const m of file.matches(ZBUS_PROXY_ATTRIBUTE)) {
    const args = m[1] ?? '';
    const value = (key: string) => new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`).exec(args)?.[1];
    const info = {
      interface: value('interface') ?? value('name'),
      destination: value('default_service'),
      path: value('default_path'),
    };
    out.set(`${m[2]}Proxy`, info);
    out.set(`${m[2]}ProxyBlocking`, info);
  }
  return out;
}

interface Connection {
  node: Node;
  bus?: 'session' | 'system';
  /** The builder chain this connection is made by sets `method_timeout`. */
  timed: boolean;
}

const METHOD_TIMEOUT = /\.method_timeout\s*\(/;

/** The whole builder chain around a connection constructor: `Builder::session()?.name(…)?.build().await?`. */
function chainOf(node: Node): Node {
  let top = node;
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (!['field_expression', 'call_expression', 'try_expression', 'await_expression'].includes(current.type)) break;
    top = current;
  }
  return top;
}

function connections(ctx: RuleContext): Connection[] {
  const out: Connection[] = [];
  for (const m of ctx.matches(ZBUS_CONNECTION)) {
    let node = ctx.nodeAt(m.index);
    while (node && node.type !== 'call_expression') node = parentOf(node);
    if (!node) continue;
    const kind = m[1] ?? m[2] ?? m[3];
    out.push({
      node,
      bus: kind === 'session' || kind === 'system' ? kind : undefined,
      timed: METHOD_TIMEOUT.test(chainOf(node).text),
    });
  }
  return out;
}

/** The connection made in the same function before the call, if any: the one the call most likely uses. */
function localConnection(call: Node, all: Connection[], ctx: RuleContext): Connection | undefined {
  const scope = ctx.scopeOf(call);
  return all.filter((c) => c.node.startIndex >= scope.startIndex && c.node.endIndex <= call.startIndex).at(-1);
}

/** `use crate::x::ManagerProxyBlocking as SystemManager;` → SystemManager ↦ ManagerProxyBlocking. */
function proxyAliases(file: FileFacts): Map<string, string> {
  const out = new Map<string, string>();
  // `\b` first: without it every position inside a word starts a `\w*` run to the word's end (quadratic in
  // the word, 1.5 ms of a 6 ms keystroke in a large item); the leftmost match starts at the word either way.
  for (const m of file.matches(/\b(\w*)Proxy(Blocking)?\s+as\s+(\w+)\b/g))
    if (m[3]) out.set(m[3], `${m[1] ?? ''}Proxy${m[2] ?? ''}`);
  const typed = /\btype\s+(\w+)\s*(?:<[^>]*>)?\s*=\s*(?:[\w:]+::)?(\w*Proxy(?:Blocking)?)\b/g;
  for (const m of file.matches(typed)) if (m[1] && m[2]) out.set(m[1], m[2]);
  return out;
}

/** Same-file functions and methods that return a proxy: `async fn manager(&self) -> Result<ManagerProxy<'_>>`. */
function proxyReturningFunctions(file: FileFacts): Map<string, string> {
  const aliases = file.fact(proxyAliases);
  const out = new Map<string, string>();
  for (const fns of file.eachItem(functionReturns)) {
    for (const { name, returns, direct } of fns) {
      const aliased = direct
        ? undefined
        : [...aliases.keys()].find((a) => new RegExp(`(?:^|[<\\s(&:,])${a}\\b`).test(returns));
      const type = direct ?? (aliased ? aliases.get(aliased) : undefined);
      if (type) out.set(name, type);
    }
  }
  return out;
}

/** One item's functions with a return type, and the proxy type that return names directly, if any. */
function functionReturns(text: string): { name: string; returns: string; direct: string | undefined }[] {
  const out: { name: string; returns: string; direct: string | undefined }[] = [];
  for (const m of text.matchAll(/\bfn\s+(\w+)\s*(?:<[^>{]*>)?\s*\([^)]*\)\s*->\s*([^{;]+)/g)) {
    const returns = m[2] ?? '';
    if (m[1])
      out.push({ name: m[1], returns, direct: /(?:^|[<\s(&:,])(\w*Proxy(?:Blocking)?)\b(?!\s*::)/.exec(returns)?.[1] });
  }
  return out;
}

/** The names of the same-file functions that return a zbus proxy (anchors for their callers). */
export function proxyGetterNames(file: FileFacts): string[] {
  return [...file.fact(proxyReturningFunctions).keys()];
}

/** A call whose callee is a proxy-returning same-file function, or one named for the proxy it returns (`systemd_manager_proxy()`). */
const PROXY_GETTER_CALL =
  /^(?:self\.|[\w:]+::)?(\w+)\s*\([^()]*\)(?:\.await)?\s*(?:\?|\.unwrap\(\)|\.expect\([^()]*\))?\s*;?$/;

/**
 * Proxy variables in scope: `let p = FooProxy::new(&conn).await?`, `FooProxy::builder(&conn)….build()`, parameters typed
 * `&FooProxy`, `let p = match FooProxy::new(&conn).await { Ok(p) => p, … }`, `let p = self.manager().await?` where
 * `manager` returns a proxy.
 */
function proxyVariables(
  scope: Node,
  getters: Map<string, string>,
  aliases: Map<string, string>,
  fields: Map<string, string>,
): Map<string, string> {
  const out = new Map<string, string>();
  const builders = new Map<string, string>();
  for (const decl of descendantsOfType(scope, ['let_declaration', 'parameter', 'let_condition'])) {
    const value = decl.childForFieldName(decl.type === 'parameter' ? 'type' : 'value');
    // `if let Some(proxy) = &self.proxy` / `let proxy = self.proxy.as_ref().unwrap()`: a proxy field under another name.
    const field = /^&?\s*self\.(\w+)(?:\.(?:as_ref|as_mut|clone|unwrap|lock|read)\(\)|\.await|\?)*$/.exec(
      value?.text ?? '',
    )?.[1];
    if (decl.type !== 'parameter' && field && fields.has(field)) {
      const bound = decl.childForFieldName('pattern');
      const name = bound?.type === 'tuple_struct_pattern' ? bound.namedChildren.at(-1)?.text : bound?.text;
      if (name && /^(?:mut\s+)?[a-z_]\w*$/.test(name))
        out.set(name.replace(/^mut\s+/, ''), fields.get(field) ?? 'proxy');
      continue;
    }
    if (decl.type === 'let_condition') continue;
    const pattern = decl.childForFieldName('pattern');
    let source = value?.text ?? '';
    // `match FooProxy::new(&conn).await { Ok(p) => p, Err(e) => return … }`: the scrutinee is the proxy.
    if (value?.type === 'match_expression') source = value.childForFieldName('value')?.text ?? '';
    let type: string | undefined;
    if (decl.type === 'parameter') {
      const m = /^&?(?:'\w+\s+)?(?:mut\s+)?(?:[\w:]+::)?(\w+)\b/.exec(source)?.[1];
      type = m && /Proxy(?:Blocking)?$/.test(m) ? m : m ? aliases.get(m) : undefined;
    } else {
      const ctor = PROXY_CONSTRUCTOR_ANY.exec(source);
      const constructed = ctor?.[1];
      type =
        constructed && /Proxy(?:Blocking)?$/.test(constructed)
          ? constructed
          : constructed
            ? aliases.get(constructed)
            : undefined;
      const built = /\.build\s*\(\s*\)/.test(source);
      // `let b = FooProxy::builder(&conn).cache_properties(…)`: a builder, whose methods call nothing, until `.build()`.
      if (type && ctor?.[2] === 'builder' && !built) {
        if (pattern) builders.set(pattern.text.replace(/^mut\s+/, ''), type);
        continue;
      }
      if (!type && built) type = builders.get(/^(\w+)\b/.exec(source)?.[1] ?? '');
      if (!type) {
        const getter = PROXY_GETTER_CALL.exec(source.replace(/\s+/g, ' ').trim())?.[1];
        if (getter) type = getters.get(getter) ?? (/(?:^|_)proxy$/i.test(getter) ? 'proxy' : undefined);
      }
    }
    if (pattern && type) out.set(pattern.text.replace(/^mut\s+/, ''), type);
  }
  return out;
}

/**
 * The proxy type of a receiver: a proxy variable of the function, or a proxy field, followed through locals
 * (`let p = &self.item_proxy; p.get_secret()`) and however the chain is broken over lines.
 */
function receiverProxy(receiver: Node, proxies: Map<string, string>, fields: Map<string, string>): string | undefined {
  const written = accessPath(receiver);
  const known = written ? proxies.get(written) : undefined;
  if (known) return known;
  const path = resolvedPath(receiver);
  if (!path) return undefined;
  const field = /^self\.(\w+)$/.exec(path)?.[1];
  return proxies.get(path) ?? (field ? fields.get(field) : undefined);
}

/** A constructor on any type name, checked against proxy names and aliases by the caller. */
const PROXY_CONSTRUCTOR_ANY = /^(?:[\w:]+::)?(\w+)(?:<[^>]*>)?(?:::<[^>]*>)?::(new\w*|builder)\s*\(/;

/** The proxy type when `receiver` is a constructor call itself: `FooProxy::new(&conn).await?` in `….bar()`. */
function constructedProxy(receiver: Node): string | undefined {
  let node: Node | null = receiver;
  // Constructors and `build()` return a Result: a method on it before `?`/`.unwrap()` is the Result's (`.ok()`).
  let unwrapped = false;
  while (node) {
    if (node.type === 'try_expression' || node.type === 'await_expression') {
      unwrapped ||= node.type === 'try_expression';
      node = node.namedChildren[0] ?? null;
      continue;
    }
    if (node.type !== 'call_expression') return undefined;
    const c = callee(node);
    if ((c?.name === 'unwrap' || c?.name === 'expect') && c.receiver) {
      unwrapped = true;
      node = c.receiver;
      continue;
    }
    if (!unwrapped) return undefined;
    // `FooProxy::builder(&conn).path(p)?.build().await?`: what `build()` makes is the proxy.
    if (c?.name === 'build' && c.receiver) return builderChainProxy(c.receiver);
    const fn = node.childForFieldName('function');
    if (fn?.type !== 'scoped_identifier' && fn?.type !== 'generic_function') return undefined;
    const m = PROXY_CONSTRUCTOR_KIND.exec(fn.text + '(');
    // `FooProxy::builder(&conn)` is a builder: its `.cache_properties(…)`, `.path(…)` configure, they call nothing.
    return m && m[2] !== 'builder' ? m[1] : undefined;
  }
  return undefined;
}

/** `FooProxy::new(&conn)` or `FooProxy::builder(&conn)`, and which. */
const PROXY_CONSTRUCTOR_KIND = /^(?:[\w:]+::)?(\w*Proxy(?:Blocking)?)(?:<[^>]*>)?(?:::<[^>]*>)?::(new\w*|builder)\s*\(/;

/** The proxy type at the start of a builder chain: `FooProxy::builder(&conn).path(p)?.destination(d)?`. */
function builderChainProxy(node: Node | null): string | undefined {
  while (node) {
    if (node.type === 'try_expression' || node.type === 'await_expression') {
      node = node.namedChildren[0] ?? null;
      continue;
    }
    if (node.type !== 'call_expression') return undefined;
    const fn = node.childForFieldName('function');
    if (fn?.type === 'field_expression') {
      node = fn.childForFieldName('value');
      continue;
    }
    const m = fn ? PROXY_CONSTRUCTOR_KIND.exec(fn.text + '(') : undefined;
    return m?.[2] === 'builder' ? m[1] : undefined;
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
    for (let current = parentOf(call); current; current = parentOf(current)) {
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
    destination: resolveString(destination, ctx),
    path: resolveString(path, ctx),
    interface: resolveString(iface, ctx),
    member: resolveString(member, ctx),
    args: literalList(body, ctx),
  };
}

export function checkZbus(ctx: RuleContext): RuleReport[] {
  // Per file: a `method_timeout` on any builder is taken to cover the file's connections.
  // A connection made elsewhere in the file: bounded when the file sets `method_timeout` anywhere.
  const fileTimed = ctx.has(METHOD_TIMEOUT);
  const traits = ctx.fact(proxyTraits);
  const conns = connections(ctx);
  const reports: RuleReport[] = [];
  const proxiesByScope = new Map<number, Map<string, string>>();
  const fields = zbusProxyFields(ctx);
  const aliases = ctx.fact(proxyAliases);
  const getters = ctx.fact(proxyReturningFunctions);
  const noReply = ctx.fact(noReplyMethods);
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c?.receiver) continue;
    let data: CallData | undefined;
    let what: string;
    const scope = ctx.scopeOf(call);
    let proxies = proxiesByScope.get(scope.id);
    if (!proxies) proxiesByScope.set(scope.id, (proxies = proxyVariables(scope, getters, aliases, fields)));
    const type = receiverProxy(c.receiver, proxies, fields) ?? constructedProxy(c.receiver);
    if (c.name === 'call_method' && !type) {
      data = callMethodData(call, ctx);
      what = '`call_method`';
    } else {
      if (!type || ZBUS_PROXY_LOCAL_METHODS.test(c.name)) continue;
      const info = traits.get(type) ?? ZBUS_FDO_PROXIES[type];
      // `call_noreply`, and proxy methods declared `#[zbus(no_reply)]`, do not wait for anything.
      if (c.name === 'call_noreply' || noReply.has(c.name)) continue;
      const generic = c.name === 'call' || c.name === 'call_method';
      data = {
        destination: info?.destination,
        path: info?.path,
        interface: info?.interface,
        member: generic ? resolveString(callArguments(call)[0], ctx) : pascalCase(c.name),
      };
      const path = accessPath(c.receiver) ?? c.receiver.text;
      const receiver = path.length <= 40 && !path.includes('\n') ? path : type;
      what = `\`${receiver}.${c.name}()\` (${type === 'proxy' ? 'a zbus proxy' : type})`;
    }
    if (boundedByTimer(call, ctx)) continue;
    const local = localConnection(call, conns, ctx);
    if (local ? local.timed : fileTimed) continue;
    const connection = local ?? conns.find((c) => !c.timed);
    const fix = connection ? methodTimeoutFix(connection) : undefined;
    const ignored = ignoredDeadlines(call, ctx);
    reports.push({
      range: nodeRange(c.nameNode),
      message: `${what} can wait forever: ${ZBUS.timeoutDefault}${connection ? ` (connection made on line ${lineOf(connection.node)})` : ''}${ignored.note}; set \`method_timeout\` on the connection builder or wrap the call in \`tokio::time::timeout\``,
      related: [
        ...(connection ? [related(connection.node, 'connection built here without `method_timeout`')] : []),
        ...ignored.related,
      ],
      data: { library: ZBUS.id, bus: connection?.bus, ...stripUndefined(data) },
      fixes: fix ? [fix] : [],
    });
  }
  const proxiesOf = (scope: Node): Map<string, string> => {
    let proxies = proxiesByScope.get(scope.id);
    if (!proxies) proxiesByScope.set(scope.id, (proxies = proxyVariables(scope, getters, aliases, fields)));
    return proxies;
  };
  reports.push(...macroProxyCalls(ctx, proxiesOf, traits, conns, fileTimed));
  return reports;
}

/** Proxy trait methods declared one-way: `#[zbus(no_reply)] fn notify(…)` (also `#[dbus_proxy(no_reply)]`). */
function noReplyMethods(file: FileFacts): Set<string> {
  const out = new Set<string>();
  const re =
    /#\[\s*(?:zbus|dbus_proxy)\s*\([^\]]*\bno_reply\b[^\]]*\]\s*(?:(?:#\[[^\]]*\]|\/\/\/[^\n]*)\s*)*(?:async\s+)?fn\s+(\w+)/g;
  for (const m of file.matches(re)) if (m[1]) out.add(m[1]);
  return out;
}

/** A proxy method called inside a macro's arguments: `println!("{}", proxy.version().await?)`, `dbg!(p.get_id()?)`. */
const MACRO_METHOD_CALL = /(?<![\w.])([a-z_]\w*)\s*\.\s*([a-z_]\w*)\s*(?:::<[^>]*>)?\s*\(/g;

function macroProxyCalls(
  ctx: RuleContext,
  proxiesOf: (scope: Node) => Map<string, string>,
  traits: Map<string, ProxyInfo>,
  conns: Connection[],
  fileTimed: boolean,
): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const macro of ctx.nodes('macro')) {
    // `tokio::select! { r = proxy.call() => …, _ = sleep(d) => … }` races the call against its timer arm.
    if (/(?:^|::)(?:select|select_biased|timeout)$/.test(macro.childForFieldName('macro')?.text ?? '')) continue;
    const tokens = macro.namedChildren.find((child) => child.type === 'token_tree');
    if (!tokens || !/\.\s*[a-z_]\w*\s*\(/.test(tokens.text)) continue;
    // Only a receiver the function binds (`let p`, `Some(p)`, a parameter `p:`) can be a proxy variable.
    const scope = ctx.scopeOf(macro);
    const receivers = [...tokens.text.matchAll(MACRO_METHOD_CALL)].map((m) => m[1] ?? '');
    if (
      !receivers.some((r) =>
        new RegExp(`\\b(?:let\\s+(?:mut\\s+)?${r}\\b|Some\\(\\s*${r}\\s*\\)|${r}\\s*:)`).test(scope.text),
      )
    )
      continue;
    const proxies = proxiesOf(scope);
    if (proxies.size === 0) continue;
    MACRO_METHOD_CALL.lastIndex = 0;
    for (let m = MACRO_METHOD_CALL.exec(tokens.text); m; m = MACRO_METHOD_CALL.exec(tokens.text)) {
      const [, receiver = '', method = ''] = m;
      const type = proxies.get(receiver);
      if (
        !type ||
        ZBUS_PROXY_LOCAL_METHODS.test(method) ||
        method === 'call_noreply' ||
        ctx.fact(noReplyMethods).has(method)
      )
        continue;
      if (boundedByTimer(macro, ctx)) continue;
      const local = localConnection(macro, conns, ctx);
      if (local ? local.timed : fileTimed) continue;
      const connection = local ?? conns.find((c) => !c.timed);
      const start = tokens.startIndex + m.index + m[0].indexOf(method, receiver.length);
      const nameNode = ctx.nodeAt(start, start + method.length);
      const info = traits.get(type) ?? ZBUS_FDO_PROXIES[type];
      const fix = connection ? methodTimeoutFix(connection) : undefined;
      reports.push({
        range: nodeRange(nameNode ?? macro),
        message: `\`${receiver}.${method}()\` (${type === 'proxy' ? 'a zbus proxy' : type}) can wait forever: ${ZBUS.timeoutDefault}${connection ? ` (connection made on line ${lineOf(connection.node)})` : ''}; set \`method_timeout\` on the connection builder or wrap the call in \`tokio::time::timeout\``,
        related: connection ? [related(connection.node, 'connection built here without `method_timeout`')] : [],
        data: {
          library: ZBUS.id,
          bus: connection?.bus,
          ...stripUndefined({
            destination: info?.destination,
            path: info?.path,
            interface: info?.interface,
            member: pascalCase(method),
          }),
        },
        fixes: fix ? [fix] : [],
      });
    }
  }
  return reports;
}
