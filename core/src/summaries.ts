// Function summaries: what calling a function of this file does, for the files that import it. A function whose
// D-Bus call waits for its reply with no deadline, and that hands that wait to its caller (returns the call's
// promise, awaits it, or settles its own promise from it), makes every caller wait as long: the callers' files
// get the finding at their call sites (rules/timeouts/importedCalls.ts), linked back to the function.
import type { Node, Tree } from 'web-tree-sitter';
import { escapeRegExp } from './resolve';
import { nodeRange } from './rules/rule';
import { boundName, isFunctionBoundary, parentOf } from './syntax';
import type { Finding, LanguageId, Range } from './types';

/** A function of one file that can wait forever, as its importers see it. */
export interface FunctionSummary {
  /** The name callers use: the function's, the method's, or the property or export it is assigned to. */
  name: string;
  /** Its name where it is defined. */
  range: Range;
  /** The call inside it that waits. */
  waitRange: Range;
  /** What that call is (from its finding), e.g. "`this.bus.call()` (dbus-next)". */
  waits: string;
  library?: string;
  /** Rust: the type of the `impl` the function is in (`Client` for `impl Client { fn get(&self) }`). */
  owner?: string;
  /** Rust: it takes `self`, so `x.get()` may call it. */
  takesSelf?: boolean;
  /**
   * Rust: its declared return type, on one line (`Result<Vec<Item>>`, `Self`): what a caller's `let` holds, so
   * that a method called on that value is looked up on its type (`ss.get_default_collection()?.create_item(…)`).
   */
  returns?: string;
  /**
   * JS: the method throws (or returns) before it waits unless `property` of argument `param` of its class's
   * constructor is truthy (`waitsWhen: true`) or falsy: `if (!this.options.useProps) throw …` in the method,
   * `this.options = { ...DEFAULTS, ...options }` in the constructor. A caller whose instance was made with a
   * literal for that property is told whether the call can wait at all.
   */
  guard?: OptionGuard;
}

export interface OptionGuard {
  param: number;
  property: string;
  waitsWhen: boolean;
}

/** Another file this one imports, with what the host knows of its functions. */
export interface ImportedModule {
  /** The file as the host names it (a path or a uri): related locations point there. */
  file: string;
  /** How this file imports it (`./d-bus.js`), for messages. */
  specifier: string;
  summaries: readonly FunctionSummary[];
  /**
   * Rust: a module the file does not import itself, one that a module it imports imports (lib.rs's `mod
   * collection; pub use collection::Collection`). Its functions are called only on a value whose type is known to
   * be one of its types (`ss.get_default_collection()?` returns a `Collection`), never guessed by name or path.
   */
  indirect?: boolean;
}

/**
 * The relative module specifiers a JS/TS file imports (`import … from './x'`, `export … from './x'`,
 * `require('./x')`, `import('./x')`): the files of its own project whose summaries apply to it.
 */
export function relativeImports(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b(?:from|require\s*\(|import\s*\(|import)\s*['"](\.{1,2}\/[^'"\n]*|\.{1,2})['"]/g))
    out.add(m[1]);
  return [...out];
}

const FUNCTION_NAME_PARENTS = new Set([
  'variable_declarator',
  'assignment_expression',
  'pair',
  'public_field_definition',
  'field_definition',
]);

/** The name a function is called by: its own, or what it is bound to (`const f =`, `this.f =`, `X.prototype.f =`, `{ f: … }`). */
function functionName(fn: Node): Node | undefined {
  const own = fn.childForFieldName('name');
  if (own && fn.type !== 'function_expression' && fn.type !== 'function') return own;
  const parent = parentOf(fn);
  if (!parent || !FUNCTION_NAME_PARENTS.has(parent.type)) return own ?? undefined;
  const target =
    parent.childForFieldName('name') ??
    parent.childForFieldName('left') ??
    parent.childForFieldName('key') ??
    parent.childForFieldName('property');
  if (!target) return undefined;
  if (target.type === 'member_expression') return target.childForFieldName('property') ?? undefined;
  return target;
}

/**
 * Whether the wait of `call` becomes its function's: the call (or a chain on it) is returned or is an arrow's
 * body; or it is awaited (so the function's own promise waits); or it settles a `new Promise` that is itself
 * handed out so. A call fired and forgotten (`bus.call(m).then(log)` in a function that returns nothing) is not.
 * Returns the function whose caller waits, or undefined.
 */
function handedOut(call: Node): Node | undefined {
  let awaited = false;
  for (let current = parentOf(call), child: Node = call; current; child = current, current = parentOf(current)) {
    if (current.type === 'return_statement') awaited = true;
    if (current.type === 'await_expression') awaited = true;
    if (!isFunctionBoundary(current)) continue;
    const isArrowBody = current.type === 'arrow_function' && current.childForFieldName('body')?.id === child.id;
    // A `new Promise((resolve, reject) => …)` executor: the promise waits on what the executor waits on.
    const args = parentOf(current);
    const created = args?.type === 'arguments' ? parentOf(args) : undefined;
    if (created?.type === 'new_expression' && created.childForFieldName('constructor')?.text === 'Promise') {
      current = created;
      awaited = false;
      continue;
    }
    if (isArrowBody || awaited) return current;
    return undefined;
  }
  return undefined;
}

/**
 * dbus-rs calls whose finding is of the proxy they make (its timeout), not of a wait: the function waits only
 * when it also calls through that proxy (`conn.with_proxy(…, Duration::MAX).method_call(…)`, `p.method_call(…)`).
 */
const RUST_PROXY_MAKERS = new Set(['new', 'with_proxy']);

/**
 * `poll(fd, -1)`: a wait on a file descriptor, not on a reply; whose fd it is, and what is awaited (a reply, a
 * client's handshake on a server, room to write), only each caller knows, so a helper around it has no summary.
 */
const FD_WAITS = new Set(['poll', 'ppoll']);

function callsThroughProxy(maker: Node, fn: Node): boolean {
  let call: Node | undefined = maker;
  while (call && call.type !== 'call_expression') call = parentOf(call) ?? undefined;
  if (!call) return false;
  const chained = parentOf(call);
  if (chained?.type === 'field_expression' && parentOf(chained)?.type === 'call_expression') return true;
  const name = boundName(call);
  if (!name || !/^\w+$/.test(name)) return false;
  const after = fn.text.slice(call.endIndex - fn.startIndex);
  return new RegExp(`\\b${name}\\s*\\.\\s*\\w+\\s*(?:::<[^>]*>)?\\(`).test(after);
}

/**
 * The Rust function whose caller waits as the finding's call does: the `fn` the call is in, free or in an `impl`
 * (a blocking call blocks its caller; an awaited one makes its future wait; a returned future is the caller's to
 * bound). A call inside a closure or an async block (a spawned task, a callback) is not the caller's wait, and a
 * function in an inline `mod` or a trait's default method is not named by a path this summary could carry.
 */
function rustWaitingFunction(
  at: Node,
): { fn: Node; name: Node; owner?: string; takesSelf: boolean; returns?: string } | undefined {
  let fn: Node | undefined;
  for (let current = parentOf(at); current; current = parentOf(current)) {
    if (current.type === 'closure_expression' || current.type === 'async_block') return undefined;
    if (current.type === 'function_item') {
      fn = current;
      break;
    }
  }
  const name = fn?.childForFieldName('name');
  if (!fn || !name) return undefined;
  const body = parentOf(fn);
  const holder = body?.type === 'declaration_list' ? parentOf(body) : undefined;
  if (holder && holder.type !== 'impl_item') return undefined;
  if (body?.type !== 'source_file' && !holder) return undefined;
  return { fn, name, ...rustFnSignature(fn) };
}

/**
 * What a Rust `fn`'s callers see of it: the type of the `impl` it is in (`Client` for `impl<T> a::Client<T>`),
 * whether it takes `self`, and its declared return type on one line.
 */
export function rustFnSignature(fn: Node): { owner?: string; takesSelf: boolean; returns?: string } {
  const body = parentOf(fn);
  const holder = body?.type === 'declaration_list' ? parentOf(body) : undefined;
  const owner =
    holder?.type === 'impl_item'
      ? holder
          .childForFieldName('type')
          ?.text.replace(/<[\s\S]*$/, '')
          .replace(/^.*::/, '')
      : undefined;
  const takesSelf = !!fn.childForFieldName('parameters')?.namedChildren.some((p) => p?.type === 'self_parameter');
  const returns = fn.childForFieldName('return_type')?.text.replace(/\s+/g, ' ');
  return { ...(owner ? { owner } : {}), takesSelf, ...(returns ? { returns } : {}) };
}

function rustSummaries(tree: Tree, findings: readonly Finding[], text: string): FunctionSummary[] {
  const out = new Map<string, FunctionSummary>();
  for (const finding of findings) {
    if (finding.ruleId !== 'call-without-timeout' || finding.kind || finding.suppression) continue;
    const at = tree.rootNode.descendantForPosition({
      row: finding.range.start.line,
      column: finding.range.start.character,
    });
    if (!at || FD_WAITS.has(at.text)) continue;
    const found = rustWaitingFunction(at);
    // Only a dbus-rs proxy maker's finding is of the proxy; any other call named `new` (an imported `Session::new`) waits.
    const makesProxy = finding.data.library === 'dbus-rs' && RUST_PROXY_MAKERS.has(at.text);
    if (!found || (makesProxy && !callsThroughProxy(at, found.fn))) continue;
    const key = `${found.owner ?? ''}::${found.name.text}`;
    if (out.has(key)) continue;
    out.set(key, {
      name: found.name.text,
      range: nodeRange(found.name),
      waitRange: finding.range,
      waits: waitsOf(finding),
      ...(finding.data.library ? { library: finding.data.library } : {}),
      ...(found.owner ? { owner: found.owner } : {}),
      ...(found.takesSelf ? { takesSelf: true } : {}),
      ...(found.returns ? { returns: found.returns } : {}),
    });
  }
  if (out.size > 0) sameFileWrappers(tree, text, out);
  return [...out.values()];
}

/** Same-file wrappers are followed this deep (`get_default_collection` → `get_collection_by_alias` → the call). */
const RUST_WRAPPER_ROUNDS = 3;

/**
 * The Rust functions that wait through a summarised function of the same file: `self.m(…)` or `Self::m(…)` in
 * the same `impl` type, `Type::m(…)`, or a free `m(…)`, called outside closures and async blocks and not inside a
 * `timeout(…)`. Their callers in other files wait as long (`ss.get_default_collection()` waits in `read_alias`).
 * Found from the text first: only the spots naming a summarised function are looked up in the tree.
 */
function sameFileWrappers(tree: Tree, text: string, out: Map<string, FunctionSummary>): void {
  let fresh = [...out.values()];
  for (let round = 0; round < RUST_WRAPPER_ROUNDS && fresh.length > 0; round++) {
    const byName = new Map<string, FunctionSummary[]>();
    for (const summary of fresh) byName.set(summary.name, [...(byName.get(summary.name) ?? []), summary]);
    const pattern = new RegExp(
      `\\b(${[...byName.keys()].map(escapeRegExp).join('|')})\\s*(?:::\\s*<[^>]*>\\s*)?\\(`,
      'g',
    );
    const found: FunctionSummary[] = [];
    for (const m of text.matchAll(pattern)) {
      const at = tree.rootNode.descendantForIndex(m.index, m.index + (m[1]?.length ?? 0));
      if (!at) continue;
      const call = parentOf(at)?.type === 'call_expression' ? parentOf(at) : parentOf(parentOf(at));
      if (call?.type !== 'call_expression' || insideTimeout(call)) continue;
      const caller = rustWaitingFunction(at);
      if (!caller) continue;
      const callee = (byName.get(m[1] ?? '') ?? []).find((summary) => calls(call, summary, caller.owner));
      const key = `${caller.owner ?? ''}::${caller.name.text}`;
      if (!callee || out.has(key)) continue;
      const summary: FunctionSummary = {
        name: caller.name.text,
        range: nodeRange(caller.name),
        waitRange: nodeRange(at),
        waits: `\`${callee.owner ? `${callee.owner}::` : ''}${callee.name}()\` (${callee.waits})`,
        ...(callee.library ? { library: callee.library } : {}),
        ...(caller.owner ? { owner: caller.owner } : {}),
        ...(caller.takesSelf ? { takesSelf: true } : {}),
        ...(caller.returns ? { returns: caller.returns } : {}),
      };
      out.set(key, summary);
      found.push(summary);
    }
    fresh = found;
  }
}

/** Whether `call` runs the summarised `callee`: a method of the caller's own type through `self`/`Self`, a path naming its type, or a free function. */
function calls(call: Node, callee: FunctionSummary, callerOwner: string | undefined): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'field_expression') {
    const receiver = fn.childForFieldName('value')?.text;
    return receiver === 'self' && !!callee.takesSelf && callee.owner === callerOwner;
  }
  if (fn.type === 'scoped_identifier') {
    const path = fn.childForFieldName('path')?.text.replace(/<[\s\S]*$/, '');
    return !!callee.owner && (path === callee.owner || (path === 'Self' && callee.owner === callerOwner));
  }
  return fn.type === 'identifier' && callee.owner === undefined;
}

/** Inside `tokio::time::timeout(…)`, `async_std::future::timeout(…)` or a `.timeout(…)` chain: bounded there. */
function insideTimeout(call: Node): boolean {
  for (let up = parentOf(call); up && up.type !== 'function_item'; up = parentOf(up)) {
    if (up.type !== 'call_expression') continue;
    const fn = up.childForFieldName('function');
    const name = fn?.type === 'field_expression' ? fn.childForFieldName('field')?.text : fn?.text.replace(/^.*::/, '');
    if (name === 'timeout') return true;
  }
  return false;
}

/** What the finding's call is, from its message: "`this.bus.call()` (dbus-next)". */
function waitsOf(finding: Finding): string {
  return /^(`[^`]+`(?: \([^)]*\))?)/.exec(finding.message)?.[1] ?? 'a D-Bus call';
}

/** The summaries of a file's functions, from its tree and the findings of its analysis. */
export function summarize(
  tree: Tree,
  findings: readonly Finding[],
  language: LanguageId,
  text: string,
): FunctionSummary[] {
  if (language === 'rust') return rustSummaries(tree, findings, text);
  const out = new Map<string, FunctionSummary>();
  for (const finding of findings) {
    if (finding.ruleId !== 'call-without-timeout' || finding.kind || finding.suppression) continue;
    let call: Node | null = tree.rootNode.descendantForPosition({
      row: finding.range.start.line,
      column: finding.range.start.character,
    });
    while (call && call.type !== 'call_expression' && call.type !== 'new_expression') call = parentOf(call) ?? null;
    if (!call) continue;
    const fn = handedOut(call);
    const name = fn && functionName(fn);
    if (!fn || !name || name.text === 'constructor' || out.has(name.text)) continue;
    const guard = optionGuard(fn, call);
    out.set(name.text, {
      name: name.text,
      range: nodeRange(name),
      waitRange: finding.range,
      waits: waitsOf(finding),
      ...(finding.data.library ? { library: finding.data.library } : {}),
      ...(guard ? { guard } : {}),
    });
  }
  return [...out.values()];
}

/**
 * The guard of a method that leaves before it waits, on one of its instance's options (`if (!this.options.x)
 * throw …` or `return …`, a statement of the method's body before the one that waits), when the constructor
 * fills `this.options` from one of its parameters (`this.options = options` or `{ ...DEFAULTS, ...options }`, the
 * parameter spread last) and nothing else in the class assigns it.
 */
function optionGuard(fn: Node, wait: Node): OptionGuard | undefined {
  const body = fn.type === 'method_definition' ? fn.childForFieldName('body') : undefined;
  const classBody = parentOf(fn);
  if (!body || classBody?.type !== 'class_body') return undefined;
  for (const statement of body.namedChildren) {
    if (!statement || statement.startIndex >= wait.startIndex) break;
    if (statement.type !== 'if_statement' || statement.childForFieldName('alternative')) continue;
    let leaves = statement.childForFieldName('consequence');
    if (leaves?.type === 'statement_block' && leaves.namedChildCount === 1) leaves = leaves.namedChildren[0] ?? null;
    if (leaves?.type !== 'throw_statement' && leaves?.type !== 'return_statement') continue;
    let test = statement.childForFieldName('condition');
    if (test?.type === 'parenthesized_expression') test = test.namedChildren[0] ?? null;
    const negated = test?.type === 'unary_expression' && test.text.startsWith('!');
    const read = negated ? test?.childForFieldName('argument') : test;
    const path = read && /^this\.([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)$/.exec(read.text.replace(/\s+/g, ''));
    if (!path?.[1] || !path[2]) continue;
    const param = optionsParameter(classBody, path[1]);
    if (param !== undefined) return { param, property: path[2], waitsWhen: negated };
  }
  return undefined;
}

/** Which constructor parameter `this.<field>` is filled from, when the constructor alone assigns it. */
function optionsParameter(classBody: Node, field: string): number | undefined {
  const assigned = classBody.text.match(
    new RegExp(`\\bthis\\s*\\.\\s*${escapeRegExp(field)}(?![\\w$])(?:\\s*\\.\\s*[\\w$]+)?\\s*=(?!=)`, 'g'),
  );
  if (assigned?.length !== 1) return undefined;
  const constructor = classBody.namedChildren.find(
    (m) => m?.type === 'method_definition' && m.childForFieldName('name')?.text === 'constructor',
  );
  const params = constructor?.childForFieldName('parameters')?.namedChildren ?? [];
  const names = params.map((p) => (p?.type === 'assignment_pattern' ? p.childForFieldName('left') : p)?.text);
  for (const assignment of constructor?.descendantsOfType('assignment_expression') ?? []) {
    if (assignment?.childForFieldName('left')?.text.replace(/\s+/g, '') !== `this.${field}`) continue;
    const value = assignment.childForFieldName('right');
    let source = value?.type === 'identifier' ? value.text : undefined;
    if (value?.type === 'object') {
      const last = value.namedChildren.at(-1);
      if (last?.type === 'spread_element') source = last.namedChildren[0]?.text;
    }
    const index = source === undefined ? -1 : names.indexOf(source);
    return index >= 0 ? index : undefined;
  }
  return undefined;
}
