// Function summaries within one JS/TS file for call-without-timeout: a function that sends a D-Bus call and
// returns (or awaits) its reply with no deadline makes every caller wait as it does. Without them a library's own
// `call()` (or a client's wrapper around it) hides every call made through it.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../facts';
import { NET_SOCKET } from '../../libraries/net-socket';
import { escapeRegExp } from '../../resolve';
import { enclosingFunction, isFunctionBoundary, lineOf, parentOf } from '../../syntax';
import { nodeRange, related, type RuleContext, type RuleReport } from '../rule';
import { untimedPark } from './pending-promise';
import { boundedByTimer, functionDefinitions, raceFix, timeoutHelpers } from './shared';

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
        if (!call || !passesResultOut(call, fn)) continue;
        const next = resolve(call, depth + 1);
        if (!next || next.fn.id === fn.id || boundedByTimer(call, ctx, helpers)) continue;
        wait = { fn, name, at: call, what: `\`${calleeText(call)}\``, next };
        break;
      }
    }
    known.set(fn.id, wait ?? null);
    return wait;
  };

  const resolve = (call: Node, depth: number): Wait | undefined => {
    const target = localTarget(call);
    if (!target) return undefined;
    for (const fn of definitionsFor(ctx, call, target)) {
      const wait = waitOfFunction(fn, target.name, depth);
      if (wait) return wait;
    }
    return undefined;
  };

  return { of: (call) => resolve(call, 0) };
}

/** `this.m(…)`, `self.m(…)` (a local bound to `this`), `this.#m(…)`, or a plain `m(…)`. */
function localTarget(call: Node): { name: string; method: boolean } | undefined {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return { name: fn.text, method: false };
  if (fn?.type !== 'member_expression') return undefined;
  const object = fn.childForFieldName('object');
  const property = fn.childForFieldName('property');
  if (!object || !property || !isSelf(object, call)) return undefined;
  return { name: property.text, method: true };
}

/** `this`, or a name bound to `this` in the enclosing functions (`const self = this`). */
function isSelf(object: Node, at: Node): boolean {
  if (object.type === 'this') return true;
  if (object.type !== 'identifier') return false;
  const alias = new RegExp(`\\b(?:const|let|var)\\s+${object.text}\\s*=\\s*this\\s*[;\\n]`);
  for (let fn = enclosingFunction(at); fn; fn = enclosingFunction(fn)) if (alias.test(fn.text)) return true;
  return false;
}

/**
 * The same-file definitions a call may run: for `this.m(…)` inside a class, the class's own `m` (a method or a
 * field holding a function); elsewhere a method or a property assigned a function; for `m(…)`, a function
 * declaration or a variable holding one.
 */
function definitionsFor(ctx: RuleContext, call: Node, target: { name: string; method: boolean }): Node[] {
  const definitions = functionDefinitions(ctx, target.name).filter((fn) => {
    const defined = definedName(fn);
    return defined === target.name && isMethodLike(fn) === target.method;
  });
  if (!target.method) return definitions;
  const classBody = enclosingClassBody(call);
  return classBody
    ? definitions.filter((fn) => parentOf(fn)?.id === classBody.id || parentOf(parentOf(fn))?.id === classBody.id)
    : definitions;
}

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
 * True when `fn` hands the call's reply to its own caller: it returns or awaits the call (or a `.then` chain on
 * it), directly or through a `new Promise` it returns whose executor chains on the call.
 */
export function passesResultOut(call: Node, fn: Node): boolean {
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
    if (parent.type === 'variable_declarator') return awaitedLater(parent, fn);
    return false;
  }
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
  return passesResultOut(promise, fn);
}

/** `const reply = this.call(m); … return reply` (or `await reply`) in the same function. */
function awaitedLater(declarator: Node, fn: Node): boolean {
  const name = declarator.childForFieldName('name');
  if (name?.type !== 'identifier' || nearestFunction(declarator)?.id !== fn.id) return false;
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

/** `function m(`, `const m = (…) =>`, `const m = async function`: the file's plain functions, callable as `m(…)`. */
const PLAIN_FUNCTION =
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[<(]|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]*)?=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*(?::[^=\n]*)?=>|[A-Za-z_$][\w$]*\s*=>)/g;
/** `const self = this`: a name calls go through as through `this`. */
const SELF_ALIAS = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*this\s*[;\n]/g;

function callableNames(file: FileFacts): string[] {
  const names = new Set<string>();
  for (const m of file.matches(PLAIN_FUNCTION)) names.add(m[1] ?? m[2] ?? '');
  names.delete('');
  return [...names].sort();
}

function selfAliases(file: FileFacts): string[] {
  return [...new Set(file.matches(SELF_ALIAS).map((m) => m[1] ?? ''))].filter((n) => n !== '').sort();
}

/**
 * Anchor words for calls that may reach a waiting function: method calls on `this` (or an alias of it) and calls
 * of the file's plain functions. Only files that park a call by serial ask for them.
 */
export function waitingCallAnchors(file: FileFacts): string[] {
  const words = ['\\bthis\\s*\\.\\s*#?[\\w$]+\\s*\\('];
  const aliases = file.fact(selfAliases);
  if (aliases.length > 0) words.push(`\\b(?:${aliases.map(escapeRegExp).join('|')})\\s*\\.\\s*[\\w$]+\\s*\\(`);
  const plain = file.fact(callableNames);
  if (plain.length > 0) words.push(`(?<![\\w$.])(?:${plain.map(escapeRegExp).join('|')})\\s*\\(`);
  return words;
}
