// Function summaries within one JS/TS file for call-without-timeout: a function that sends a D-Bus call and
// returns (or awaits) its reply with no deadline makes every caller wait as it does. Without them a library's own
// `call()` (or a client's wrapper around it) hides every call made through it.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../facts';
import { NET_SOCKET } from '../../libraries/net-socket';
import { escapeRegExp } from '../../resolve';
import { enclosingFunction, isFunctionBoundary, lineOf, parentOf } from '../../syntax';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { mayPark, untimedPark } from './pending-promise';
import { boundedByTimer, raceFix, timeoutHelpers } from './shared';

/** Wrappers of wrappers are followed this deep: enough for the chains libraries write, bounded for cost. */
const MAX_DEPTH = 4;

/** Why calling a function can wait forever: the point inside it that waits, and the wait behind that. */
export interface Wait {
  /** The function that waits. */
  fn: Node;
  name: string;
  /** Where it waits: the call it returns or awaits, or where it parks the reply's resolver. */
  at: Node;
  /** What happens there, for messages ("parks its resolver in `pending`…"). */
  what: string;
  /** The callee's own wait, when `at` is a call to another waiting function. */
  next?: Wait;
}

/** Answers "does calling this same-file function wait, with no deadline, for a D-Bus reply?". */
export interface WaitSummaries {
  /** The wait of the function a call resolves to (`this.m(…)`, `self.m(…)`, `m(…)`), if it waits. */
  of(call: Node): Wait | undefined;
}

/** Summaries computed lazily, reading other items only through `ctx` (so the result's inputs are recorded). */
export function waitSummaries(ctx: RuleContext): WaitSummaries {
  const known = new Map<number, Wait | null>();
  const helpers = timeoutHelpers(ctx);

  const waitOfFunction = (fn: Node, name: string, depth: number): Wait | undefined => {
    const memo = known.get(fn.id);
    if (memo !== undefined) return memo ?? undefined;
    // A cycle (or a chain too long) says nothing: mark it while it is being summarised.
    known.set(fn.id, null);
    const park = untimedPark(fn);
    let wait: Wait | undefined = park && { fn, name, at: park.at, what: park.what };
    if (!wait && depth < MAX_DEPTH) {
      for (const call of fn.descendantsOfType('call_expression')) {
        // The shape first (cheap, and false for most calls), then the callee's own summary.
        const out = call && resultOut(call, fn);
        const next = out && resolve(call, depth + 1);
        if (!next || next.fn.id === fn.id || (out === 'bound' && !awaitedLater(bound(call), fn))) continue;
        if (boundedByTimer(call, ctx, helpers)) continue;
        wait = { fn, name, at: call, what: `\`${calleeText(call)}\``, next };
        break;
      }
    }
    known.set(fn.id, wait ?? null);
    return wait;
  };

  const named = new Map<string, Node[]>();
  const mayWait = new Set(ctx.fact(mayWaitNames));
  const resolve = (call: Node, depth: number): Wait | undefined => {
    // Most calls are of names no function that may wait is defined under: no tree walk for them.
    const callee = call.childForFieldName('function');
    const name = callee?.type === 'member_expression' ? callee.childForFieldName('property') : callee;
    if (!name || !mayWait.has(name.text)) return undefined;
    const target = localTarget(call, ctx);
    if (!target) return undefined;
    let definitions = named.get(target.name);
    if (!definitions) named.set(target.name, (definitions = definitionsNamed(ctx, target.name)));
    for (const fn of definitionsFor(definitions, call, target)) {
      const wait = waitOfFunction(fn, target.name, depth);
      if (wait) return wait;
    }
    return undefined;
  };

  return { of: (call) => resolve(call, 0) };
}

/** What a call runs: a plain function, or a method of this class (or of the named same-file class). */
interface Target {
  name: string;
  method: boolean;
  /** For `bus.m(…)` where `bus = new Bus(…)`: the class whose method runs. */
  className?: string;
}

/** `this.m(…)`, `self.m(…)` (a local bound to `this`), `this.#m(…)`, `bus.m(…)` (`bus = new Bus(…)`), or `m(…)`. */
function localTarget(call: Node, ctx: RuleContext): Target | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return { name: fn.text, method: false };
  if (fn?.type !== 'member_expression') return undefined;
  const object = fn.childForFieldName('object');
  const property = fn.childForFieldName('property');
  if (!object || !property) return undefined;
  if (isSelf(object, call, ctx)) return { name: property.text, method: true };
  const className = instanceClass(object, call, ctx);
  return className ? { name: property.text, method: true, className } : undefined;
}

/** `this`, or a name bound to `this` in the enclosing functions (`const self = this`). */
function isSelf(object: Node, at: Node, ctx: RuleContext): boolean {
  if (object.type === 'this') return true;
  if (object.type !== 'identifier' || !ctx.fact(selfAliases).includes(object.text)) return false;
  const alias = new RegExp(`\\b(?:const|let|var)\\s+${object.text}\\s*=\\s*this\\s*[;\\n]`);
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) if (alias.test(fn.text)) return true;
  return false;
}

/** `const bus = new Bus(…)`, `this.bus = await new Bus(…)`: a variable (or `this.` property) holding an instance. */
const INSTANCE =
  /(?:\b(?:const|let|var)\s+|\bthis\s*\.\s*)([A-Za-z_$][\w$]*)\s*(?::[^=\n]*)?=\s*(?:await\s+)?new\s+([A-Za-z_$][\w$]*)\s*[<(]/g;

/**
 * The same-file class an object was made from, when every binding of its name in the file makes one class and one
 * of them is in scope of the call: a `this.` property in the same class, a local in an enclosing function, or a
 * top-level one.
 */
function instanceClass(object: Node, at: Node, ctx: RuleContext): string | undefined {
  const property = object.type === 'member_expression' && object.childForFieldName('object')?.type === 'this';
  const name = property ? object.childForFieldName('property')?.text : object.type === 'identifier' ? object.text : '';
  if (!name || !ctx.fact(instanceNames).includes(property ? `this.${name}` : name)) return undefined;
  const bindings = ctx
    .matches(INSTANCE)
    .filter((m) => m[1] === name && m[0].trimStart().startsWith('this') === property);
  const classes = new Set(bindings.map((m) => m[2]));
  if (classes.size !== 1 || bindings.length === 0) return undefined;
  const inScope = bindings.some((m) => {
    const node = ctx.nodeAt(m.index + m[0].length - 1);
    if (!node) return false;
    if (property) return enclosingClassBody(node)?.id === enclosingClassBody(at)?.id;
    const home = enclosingFunction(node);
    return !home || (home.startIndex <= at.startIndex && at.endIndex <= home.endIndex);
  });
  return inScope ? [...classes][0] : undefined;
}

/**
 * The same-file definitions a call may run: for `this.m(…)` inside a class, the class's own `m` (a method or a
 * field holding a function); for `bus.m(…)`, the method of `bus`'s class; elsewhere a method or a property
 * assigned a function; for `m(…)`, a function declaration or a variable holding one.
 */
function definitionsFor(named: Node[], call: Node, target: Target): Node[] {
  const definitions = named.filter((fn) => isMethodLike(fn) === target.method);
  if (!target.method) return definitions;
  const inClass = (fn: Node, body: Node | undefined): boolean =>
    !!body && (parentOf(fn)?.id === body.id || parentOf(parentOf(fn))?.id === body.id);
  if (target.className) return definitions.filter((fn) => nameOfClass(enclosingClassBody(fn)) === target.className);
  const classBody = enclosingClassBody(call);
  return classBody ? definitions.filter((fn) => inClass(fn, classBody)) : definitions;
}

/** `class Bus {…}`, `const Bus = class {…}`: the name a class body's class is known by. */
function nameOfClass(body: Node | undefined): string | undefined {
  const declaration = parentOf(body);
  if (!declaration) return undefined;
  const own = declaration.childForFieldName('name');
  if (own) return own.text;
  const holder = parentOf(declaration);
  return holder?.type === 'variable_declarator' ? holder.childForFieldName('name')?.text : undefined;
}

/**
 * Where a JS function or method may be defined, with its name: `function m(`, `m = (…) =>`, `m = function`,
 * a method header `m(…) {` (after modifiers, or a one-line comment such as bundlers print; its line ends in `{`,
 * or in `(`/`,` where the parameters go on, unlike a call statement). One scan of the file serves every name.
 */
function definitionPattern(functionName: string, name: string): RegExp {
  return new RegExp(
    `\\bfunction\\s*\\*?\\s*(${functionName})\\s*[<(]|(${name})\\s*(?::[^=\\n]*)?=\\s*(?:async\\s*)?(?:function\\b|\\([^)]*\\)\\s*(?::[^=\\n]*)?=>|[A-Za-z_$][\\w$]*\\s*=>)|^\\s*(?:\\/\\*[^\\n]*?\\*\\/\\s*)?(?:(?:private|public|protected|static|async|get|set)\\s+)*(${name})\\s*(?:<[^>]*>)?\\s*\\((?=[^\\n]*(?:[{(,]|=>)[ \\t\\r]*(?:\\/\\/[^\\n]*)?$)`,
    'gm',
  );
}
const DEFINITION = definitionPattern('[A-Za-z_$][\\w$]*', '#?[A-Za-z_$][\\w$]*');

/**
 * The definitions of one name: the pattern with the name in place of the identifier classes, so only the items
 * that hold the name are scanned (the pattern names a literal to look for). A match inside a longer identifier is
 * ruled out by the lookarounds; the tree then says whether the function there is really named so.
 */
function definitionsPattern(name: string): RegExp {
  const own = `(?<![\\w$#])${escapeRegExp(name)}(?![\\w$])`;
  return definitionPattern(own, own);
}

function definitionsNamed(ctx: RuleContext, name: string): Node[] {
  const index = ctx.matches(definitionsPattern(name));
  const out: Node[] = [];
  for (const m of index) {
    // The lookup is recorded on every check (it is the read of another item); the walk up from it is done once
    // per pass, as the pass hands every check the same node object for the same spot.
    const at = ctx.nodeAt(m.index + m[0].length - 1);
    if (!at) continue;
    let fn = definitionAt.get(at);
    if (fn === undefined) {
      let up: Node | null = at;
      while (up && !isFunctionBoundary(up)) up = parentOf(up);
      definitionAt.set(at, (fn = up && definedName(up) === name ? up : null));
    }
    if (fn && !out.some((known) => known.id === fn.id)) out.push(fn);
  }
  return out;
}

/** The function a definition match lies in (null: none, or one defined under another name), by looked-up node. */
const definitionAt = new WeakMap<Node, Node | null>();

function enclosingClassBody(node: Node): Node | undefined {
  for (let up = parentOf(node); up; up = parentOf(up)) if (up.type === 'class_body') return up;
  return undefined;
}

/** The name a function is defined under (`m(…) {…}`, `m = () => …`, `this.m = function`, `function m`). */
function definedName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name');
  if (own) return own.text;
  const parent = parentOf(fn);
  if (!parent) return undefined;
  if (parent.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    return left?.type === 'member_expression' ? left.childForFieldName('property')?.text : left?.text;
  }
  return (parent.childForFieldName('name') ?? parent.childForFieldName('property') ?? parent.childForFieldName('key'))
    ?.text;
}

/** A method, a class field, or a function assigned to a property: called through an object. */
function isMethodLike(fn: Node): boolean {
  const parent = parentOf(fn);
  if (fn.type === 'method_definition') return true;
  if (!parent) return false;
  if (['public_field_definition', 'field_definition', 'pair'].includes(parent.type)) return true;
  return parent.type === 'assignment_expression' && parent.childForFieldName('left')?.type === 'member_expression';
}

/**
 * Whether `fn` hands the call's reply to its own caller: it returns or awaits the call (or a `.then` chain on it),
 * directly or through a `new Promise` it returns whose executor chains on the call (true); or binds it to a variable
 * (`'bound'`: it does when it returns or awaits the variable later, which `awaitedLater` tells).
 */
function resultOut(call: Node, fn: Node): boolean | 'bound' {
  let current = call;
  for (;;) {
    const parent = parentOf(current);
    if (!parent) return false;
    if (parent.type === 'parenthesized_expression') {
      current = parent;
      continue;
    }
    // `call(…).then(…)`, `.catch(…)`, `.finally(…)`: the chain settles when the call does.
    const chained = parent.type === 'member_expression' ? parentOf(parent) : null;
    if (
      chained?.type === 'call_expression' &&
      /^(?:then|catch|finally)$/.test(parent.childForFieldName('property')?.text ?? '')
    ) {
      current = chained;
      continue;
    }
    if (parent.type === 'await_expression') return nearestFunction(parent)?.id === fn.id;
    if (parent.type === 'return_statement' || (parent.type === 'arrow_function' && isBody(parent, current))) {
      const home = nearestFunction(current);
      if (home?.id === fn.id) return true;
      return !!home && chainsInExecutor(home, fn);
    }
    if (parent.type === 'expression_statement') {
      const home = nearestFunction(current);
      return !!home && home.id !== fn.id && current.id !== call.id && chainsInExecutor(home, fn);
    }
    if (parent.type === 'variable_declarator') return nearestFunction(parent)?.id === fn.id ? 'bound' : false;
    return false;
  }
}

/** The variable declarator a call's value is bound to (`const reply = this.call(m)`). */
function bound(call: Node): Node {
  let current = call;
  while (parentOf(current) && parentOf(current)?.type !== 'variable_declarator') current = parentOf(current) ?? current;
  return parentOf(current) ?? call;
}

function isBody(arrow: Node, node: Node): boolean {
  return arrow.childForFieldName('body')?.id === node.id;
}

function nearestFunction(node: Node): Node | undefined {
  for (let up = parentOf(node); up; up = parentOf(up)) if (isFunctionBoundary(up)) return up;
  return undefined;
}

/** `executor` is a `new Promise` executor whose promise `fn` returns or awaits. */
function chainsInExecutor(executor: Node, fn: Node): boolean {
  const promise = parentOf(parentOf(executor));
  if (promise?.type !== 'new_expression' || promise.childForFieldName('constructor')?.text !== 'Promise') return false;
  const out = resultOut(promise, fn);
  return out === true || (out === 'bound' && awaitedLater(bound(promise), fn));
}

/** `const reply = this.call(m); … return reply` (or `await reply`) in the same function. */
function awaitedLater(declarator: Node, fn: Node): boolean {
  const name = declarator.childForFieldName('name');
  if (name?.type !== 'identifier') return false;
  return fn
    .descendantsOfType('identifier')
    .some(
      (use) =>
        !!use &&
        use.text === name.text &&
        use.startIndex > declarator.endIndex &&
        ['await_expression', 'return_statement'].includes(parentOf(use)?.type ?? '') &&
        nearestFunction(use)?.id === fn.id,
    );
}

function calleeText(call: Node): string {
  return `${call.childForFieldName('function')?.text ?? 'call'}()`;
}

/** "`_addMatch` (line 12) waits on `this.call()` (line 40); `call` (line 30) parks …". */
function describe(wait: Wait): string {
  const hops: string[] = [];
  for (let w: Wait | undefined = wait; w; w = w.next)
    hops.push(`\`${w.name}\` (line ${lineOf(w.fn)}) ${w.next ? `waits on ${w.what}` : w.what} (line ${lineOf(w.at)})`);
  return hops.join('; ');
}

function relatedHops(wait: Wait): RuleReport['related'] {
  const out = [];
  for (let w: Wait | undefined = wait; w; w = w.next)
    out.push(
      related(w.at, w.next ? `\`${w.name}\` waits here on ${w.what}` : `\`${w.name}\` ${w.what}: the call that waits`),
    );
  return out;
}

/**
 * Calls to same-file functions that wait for a reply with no deadline: each caller waits too. A caller bounded by a
 * timer (`Promise.race`, a timeout helper) is not a finding.
 */
export function checkWaitingCalls(ctx: RuleContext): RuleReport[] {
  const summaries = waitSummaries(ctx);
  const helpers = timeoutHelpers(ctx);
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const wait = summaries.of(call);
    // A function calling itself (a retry) is summarised by its own wait, not by this call.
    if (!wait || (call.startIndex >= wait.fn.startIndex && call.endIndex <= wait.fn.endIndex)) continue;
    if (boundedByTimer(call, ctx, helpers)) continue;
    const name =
      call.childForFieldName('function')?.childForFieldName('property') ?? call.childForFieldName('function');
    const parent = parentOf(call);
    const fixable = ['await_expression', 'return_statement', 'variable_declarator', 'arrow_function'].includes(
      parent?.type ?? '',
    );
    reports.push({
      range: nodeRange(name ?? call),
      message: `\`${calleeText(call)}\` can wait forever: ${describe(wait)}; nothing bounds it here: bound the call with \`Promise.race\` and a timer (or a timeout helper)`,
      related: relatedHops(wait),
      data: { library: NET_SOCKET.id },
      fixes: fixable ? [raceFix(call, ctx.language, `\`${calleeText(call)}\``)] : [],
    });
  }
  return reports;
}

/** `const self = this`: a name calls go through as through `this`. */
const SELF_ALIAS = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*this\s*[;\n]/g;

function selfAliases(file: FileFacts): string[] {
  return [...new Set(file.matches(SELF_ALIAS).map((m) => m[1] ?? ''))].filter((n) => n !== '').sort();
}

/** Variables and `this.` properties holding an instance made with `new`. */
function instanceNames(file: FileFacts): string[] {
  const names = file
    .matches(INSTANCE)
    .map((m) => (m[0].trimStart().startsWith('this') ? `this.${m[1]}` : (m[1] ?? '')));
  return [...new Set(names)].filter((n) => n !== '').sort();
}

/** Calls a summary can follow: `this.m(`, `this.#m(`, and plain `m(` (not `obj.m(`). */
const LOCAL_CALL = /(?:\bthis\s*\.\s*|(?<![\w$.#]))(#?[A-Za-z_$][\w$]*)\s*\(/g;
const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'catch',
  'function',
  'return',
  'typeof',
  'await',
  'super',
  'constructor',
]);

/** One function of a top-level item as the anchors see it: its name, the names it calls, whether it parks a call. */
interface FunctionOutline {
  name: string;
  calls: Set<string>;
  parks: boolean;
}

/**
 * Where the function whose definition match spans [start, from) ends in `text`: past its parameter list, the body's
 * matching `}` (an expression-bodied arrow: the end of its line), skipping strings and comments. The end of the
 * text when it cannot tell: a function read too long only costs anchors, one read too short could lose a call.
 */
function functionEnd(text: string, start: number, from: number): number {
  let depth = 0;
  let opened = false;
  let parens = text[from - 1] === '(' ? 1 : 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'" || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i);
      if (eol < 0) return text.length;
      i = eol;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return text.length;
      i = close + 1;
      continue;
    }
    if (parens > 0) {
      if (ch === '(') parens++;
      else if (ch === ')') parens--;
      continue;
    }
    if (ch === '(' && !opened) parens = 1;
    else if (ch === '{') {
      depth++;
      opened = true;
    } else if (ch === '}') {
      if (--depth <= 0 && opened) return i + 1;
      if (depth < 0) return i;
    } else if (ch === '\n' && !opened && text.slice(start, i).includes('=>')) return i;
  }
  return text.length;
}

/** One top-level item as the anchors first see it: whether it parks a call at all. */
interface ItemOutline {
  text: string;
  parks: boolean;
}

function outline(text: string): ItemOutline {
  return { text, parks: mayPark(text) };
}

/** Each item's functions, worked out only for items that park or call a name that may wait, once per item text. */
const functionsByOutline = new WeakMap<ItemOutline, FunctionOutline[]>();

/**
 * The functions one top-level item defines, each with the names it calls (`this.m(`, `m(`) and whether it parks a
 * call by serial. Per function, not per item: in a class with one method that parks, only that method (and what
 * calls it) may wait, not every method of the class.
 */
function functionsOf(item: ItemOutline): FunctionOutline[] {
  const known = functionsByOutline.get(item);
  if (known) return known;
  const { text } = item;
  const out: { name: string; start: number; end: number; calls: Set<string> }[] = [];
  DEFINITION.lastIndex = 0;
  for (let m = DEFINITION.exec(text); m; m = DEFINITION.exec(text)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (!name || KEYWORDS.has(name)) continue;
    const end = functionEnd(text, m.index, m.index + m[0].length);
    out.push({ name, start: m.index, end, calls: new Set() });
  }
  LOCAL_CALL.lastIndex = 0;
  for (let m = LOCAL_CALL.exec(text); m; m = LOCAL_CALL.exec(text)) {
    const called = m[1];
    if (!called || KEYWORDS.has(called)) continue;
    // A call belongs to every function around it: a nested closure's wait is its enclosing method's too.
    for (const fn of out) if (fn.start <= m.index && m.index < fn.end && fn.name !== called) fn.calls.add(called);
  }
  const functions = out.map((fn) => ({
    name: fn.name,
    calls: fn.calls,
    parks: item.parks && mayPark(text.slice(fn.start, fn.end)),
  }));
  functionsByOutline.set(item, functions);
  return functions;
}

/**
 * Whether an item calls one of a round's names (`this.m(`, `m(`), remembered per item outline (kept while its text
 * is) and round: the rounds of the next version are mostly the same names, so a keystroke asks again only for the
 * item it edited.
 */
class CallsOf {
  private readonly key: string;
  private pattern: RegExp | undefined;

  constructor(private readonly names: readonly string[]) {
    this.key = names.join('\0');
  }

  calledBy(item: ItemOutline): boolean {
    let answers = callsByOutline.get(item);
    if (!answers) callsByOutline.set(item, (answers = new Map<string, boolean>()));
    const known = answers.get(this.key);
    if (known !== undefined) return known;
    // A text search first: most items mention none of the names, and need no scan for their calls.
    this.pattern ??= new RegExp(
      `(?:\\bthis\\s*\\.\\s*|(?<![\\w$.#]))(?:${this.names.map(escapeRegExp).join('|')})\\s*\\(`,
    );
    const calls = this.names.some((name) => item.text.includes(name)) && this.pattern.test(item.text);
    // Few rounds per file: a bound keeps an item whose neighbours' names keep changing from collecting them.
    if (answers.size >= 16) answers.clear();
    answers.set(this.key, calls);
    return calls;
  }
}

const callsByOutline = new WeakMap<ItemOutline, Map<string, boolean>>();

/**
 * The names of functions that may wait, read from the items' text: those of functions that park a call, then
 * those of functions that call one of them (`this.m(`, `m(`), as deep as summaries follow. The anchors and the
 * summaries follow only these names, so a large file is queried and walked only where a wait may be; a chain that
 * goes on only through an alias or an instance (`self.m(`, `bus.m(`) is followed for its last call alone. Only the
 * items that park or call such a name are split into functions.
 */
function mayWaitNames(file: FileFacts): string[] {
  const items = file.eachItem(outline);
  const names = new Set(
    items
      .filter((item) => item.parks)
      .flatMap((item) =>
        functionsOf(item)
          .filter((fn) => fn.parks)
          .map((fn) => fn.name),
      ),
  );
  // Each round looks only for the names the last one found: an item that calls an older one was seen already.
  let fresh = [...names];
  for (let depth = 0; depth < MAX_DEPTH && fresh.length > 0; depth++) {
    const found: string[] = [];
    const round = new CallsOf(fresh);
    for (const item of items) {
      if (!round.calledBy(item)) continue;
      for (const fn of functionsOf(item))
        if (!names.has(fn.name) && fresh.some((c) => fn.calls.has(c))) {
          names.add(fn.name);
          found.push(fn.name);
        }
    }
    fresh = found;
  }
  return [...names].sort();
}

/**
 * Anchor words for calls that may reach a waiting function: `this.m(…)` (or through an alias of `this`) and `m(…)`
 * for the names that may wait. Only files that park a call by serial ask for them.
 */
export function waitingCallAnchors(file: FileFacts): string[] {
  const names = file.fact(mayWaitNames);
  if (names.length === 0) return [];
  const receivers = ['this', ...file.fact(selfAliases), ...file.fact(instanceNames)].map(escapeRegExp).join('|');
  const alternatives = names.map(escapeRegExp).join('|');
  return [`(?:\\b(?:${receivers})\\s*\\.\\s*|(?<![\\w$.#]))(?:${alternatives})\\s*\\(`];
}
