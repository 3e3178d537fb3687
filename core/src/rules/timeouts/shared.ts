// What every library checker of call-without-timeout shares: "is this call bounded by a timer?",
// the timeout fixes, and the finding shape.
import type { Node } from 'web-tree-sitter';
import { JS_TIMEOUT_WRAPPERS } from '../../libraries/dbus-next';
import { RUST_TIMEOUT_WRAPPERS } from '../../libraries/zbus';
import { escapeRegExp } from '../../resolve';
import { callee, isFunctionBoundary, parentOf } from '../../syntax';
import type { Fix, LanguageId, RelatedLocation } from '../../types';
import { ignoredDeadline } from '../../values';
import { nodeRange, related, type RuleContext } from '../rule';

/** The timeout the quick fixes insert. */
export const FIX_SECONDS = 25;

/** Code that arms a timer a pending call can be rejected by. */
export const TIMER = /setTimeout|AbortSignal\.timeout|\btimeout\s*\(|\.timeout\s*=|withDeadline/;

/** Answers "does this same-file function bound its argument with a timer?", looking a name up only when asked. */
export interface TimeoutHelpers {
  has(name: string): boolean;
}

const NO_HELPERS: TimeoutHelpers = { has: () => false };

/**
 * Same-file JS helpers that bound a promise with a timer: a function whose body arms a `setTimeout`
 * (or `AbortSignal.timeout`) and races or rejects (what counts is documented in docs/rules/call-without-timeout.md).
 */
export function timeoutHelpers(ctx: RuleContext): TimeoutHelpers {
  if (ctx.language === 'rust') return NO_HELPERS;
  const known = new Map<string, boolean>();
  return {
    has(name) {
      let answer = known.get(name);
      if (answer === undefined) known.set(name, (answer = isTimeoutHelper(ctx, name)));
      return answer;
    },
  };
}

function isTimeoutHelper(ctx: RuleContext, name: string): boolean {
  return functionDefinitions(ctx, name).some(
    (fn) => TIMER.test(fn.text) && /race|reject|abort|clearTimeout/.test(fn.text),
  );
}

/**
 * The same-file functions and methods named `name` (Rust `fn name`, JS declarations, arrows, methods, `#private`
 * methods; a method may follow a one-line comment such as `/** @internal *\/`, as bundlers print them).
 */
export function functionDefinitions(ctx: RuleContext, name: string): Node[] {
  if (!/^#?[A-Za-z_$][\w$]*$/.test(name)) return [];
  const id = escapeRegExp(name);
  const definition =
    ctx.language === 'rust'
      ? new RegExp(`\\bfn\\s+${id}\\s*[<(]`, 'g')
      : new RegExp(
          `\\bfunction\\s*\\*?\\s*${id}\\s*[<(]|\\b${id}\\s*(?::[^=\\n]*)?=\\s*(?:async\\s*)?(?:function\\b|\\([^)]*\\)\\s*(?::[^=\\n]*)?=>|[A-Za-z_$][\\w$]*\\s*=>)|^\\s*(?:\\/\\*[^\\n]*?\\*\\/\\s*)?(?:(?:private|public|protected|static|override|async)\\s+)*${id}\\s*(?:<[^>]*>)?\\s*\\(`,
          'gm',
        );
  const out: Node[] = [];
  for (const m of ctx.matches(definition)) {
    let fn: Node | null = ctx.nodeAt(m.index + m[0].length - 1);
    while (fn && !isFunctionBoundary(fn)) fn = parentOf(fn);
    if (fn) out.push(fn);
  }
  return out;
}

/**
 * The deadline parameter a same-file function named like a timeout wrapper never reads
 * (`fn with_timeout<F>(fut: F, _limit: Duration) -> F::Output { block_on(fut) }`): calls through it are not bounded.
 */
function ignoringWrapper(call: Node, ctx: RuleContext): Node | undefined {
  const c = callee(call);
  if (!c || c.path.includes('::') || (c.receiver && !/^(?:self|this)$/.test(c.receiver.text))) return undefined;
  const definitions = functionDefinitions(ctx, c.name);
  if (definitions.length === 0) return undefined;
  const ignored = definitions.map(ignoredDeadline);
  return ignored.every((p) => p !== undefined) ? ignored[0] : undefined;
}

function isTimeoutCall(call: Node, ctx: RuleContext, helpers: TimeoutHelpers): boolean {
  const c = callee(call);
  if (!c) return false;
  const named =
    ctx.language === 'rust'
      ? RUST_TIMEOUT_WRAPPERS.test(c.name) || /\btime::timeout$/.test(c.path)
      : JS_TIMEOUT_WRAPPERS.test(c.name) || helpers.has(c.name);
  return named && !ignoringWrapper(call, ctx);
}

/**
 * Deadlines a finding's call was meant to have and that nothing reads: a wrapper around the call that takes a
 * timeout and ignores it, or the enclosing function's own timeout parameter. As related locations, with a note
 * for the message ("" when there are none).
 */
export function ignoredDeadlines(call: Node, ctx: RuleContext): { note: string; related: RelatedLocation[] } {
  const out: RelatedLocation[] = [];
  const notes: string[] = [];
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (current.type === 'call_expression') {
      const parameter = ignoringWrapper(current, ctx);
      const name = callee(current)?.name;
      if (parameter && name) {
        notes.push(`\`${name}\` takes \`${parameter.text}\` and never reads it, so it bounds nothing`);
        out.push(related(parameter, `\`${name}\` is given a timeout here and never reads it`));
      }
    }
    if (!isFunctionBoundary(current)) continue;
    const parameter = ignoredDeadline(current);
    if (parameter) {
      notes.push(`this function takes \`${parameter.text}\` and never reads it`);
      out.push(related(parameter, 'the caller passes a timeout here; nothing reads it'));
    }
    break;
  }
  return { note: notes.length > 0 ? ` (${notes.join('; ')})` : '', related: out };
}

/**
 * True when a caller bounds `call` with a timer: `tokio::time::timeout(d, call)`, `call.timeout(d)`,
 * `Promise.race([call, timer])`, a same-file timeout helper, or a `new Promise` executor that arms a timer.
 */
export function boundedByTimer(call: Node, ctx: RuleContext, helpers: TimeoutHelpers = NO_HELPERS, depth = 0): boolean {
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (current.type === 'call_expression' && isTimeoutCall(current, ctx, helpers)) return true;
    if (
      current.type === 'macro_invocation' &&
      /^(?:select|timeout)$/.test(current.childForFieldName('macro')?.text ?? '')
    )
      return true;
    if (!isFunctionBoundary(current)) continue;
    // A `new Promise((resolve, reject) => …)` executor: bounded if it arms a timer, else look at who awaits the promise.
    const promise = parentOf(parentOf(current));
    if (promise?.type === 'new_expression' && promise.childForFieldName('constructor')?.text === 'Promise') {
      if (TIMER.test(current.text)) return true;
      current = promise;
      continue;
    }
    // A local helper (`const call = async (…) => bus.call(…)`) every use of which is raced against a timer.
    if (ctx.language !== 'rust' && depth < 3 && everyUseBounded(current, ctx, helpers, depth)) return true;
    break;
  }
  // `const reply = iface.Get(…); … await Promise.race([reply, timer])`. An awaited call has waited by the time
  // its name is used: `const m = await bus.getInterface(…); … Promise.race([m.Reload(), timer])` bounds only Reload.
  const binding = parentOf(call);
  // JS `const reply = iface.Get(…)`; Rust `let fut = proxy.ping();` (the future, not yet awaited).
  if (
    binding?.type === 'variable_declarator' ||
    (binding?.type === 'let_declaration' && parentOf(call)?.type === 'let_declaration')
  ) {
    const name = binding
      .childForFieldName(binding.type === 'let_declaration' ? 'pattern' : 'name')
      ?.text.replace(/^mut\s+/, '');
    let fn: Node | null = binding;
    while (fn && !isFunctionBoundary(fn)) fn = parentOf(fn);
    if (name && fn) {
      // A later use of the name inside a timeout wrapper's arguments (not merely after one, in code without semicolons).
      for (const use of fn.descendantsOfType('identifier')) {
        if (!use || use.text !== name || use.startIndex < binding.endIndex) continue;
        for (let up = parentOf(use); up && up.id !== fn.id; up = parentOf(up)) {
          if (up.type === 'call_expression' && isTimeoutCall(up, ctx, helpers)) return true;
          if (
            up.type === 'macro_invocation' &&
            /(?:^|::)(?:select|select_biased|timeout)$/.test(up.childForFieldName('macro')?.text ?? '')
          )
            return true;
          if (
            isFunctionBoundary(up) ||
            ['expression_statement', 'lexical_declaration', 'let_declaration'].includes(up.type)
          )
            break;
        }
      }
    }
  }
  return false;
}

/**
 * `const call = async (…) => { … }` (or `function call(…)`) declared inside a function: true when it is called at
 * least once there and every call is bounded by a timer, directly or through another such helper.
 */
function everyUseBounded(fn: Node, ctx: RuleContext, helpers: TimeoutHelpers, depth: number): boolean {
  const declarator = parentOf(fn)?.type === 'variable_declarator' ? parentOf(fn) : undefined;
  const name = (declarator ?? (fn.type === 'function_declaration' ? fn : undefined))?.childForFieldName('name')?.text;
  if (!name) return false;
  let scope: Node | null = parentOf(declarator ?? fn);
  while (scope && !isFunctionBoundary(scope)) scope = parentOf(scope);
  if (!scope) return false;
  let uses = 0;
  for (const use of scope.descendantsOfType('call_expression')) {
    if (!use || use.childForFieldName('function')?.text !== name) continue;
    if (use.startIndex >= fn.startIndex && use.endIndex <= fn.endIndex) continue;
    if (!boundedByTimer(use, ctx, helpers, depth + 1)) return false;
    uses++;
  }
  return uses > 0;
}

/** Wraps a promise-valued call in `Promise.race` against a 25 s timer (TS gets `Promise<never>` so the type stays the call's). */
export function raceFix(expression: Node, language: LanguageId, what: string): Fix {
  const typeArgument = language === 'javascript' ? '' : '<never>';
  const timer = `new Promise${typeArgument}((_, reject) => setTimeout(() => reject(new Error('D-Bus call timed out after ${FIX_SECONDS} s')), ${FIX_SECONDS}_000))`;
  const { start, end } = nodeRange(expression);
  return {
    title: `Bound ${what} with a ${FIX_SECONDS} s timeout (Promise.race)`,
    edits: [
      { range: { start, end: start }, newText: 'Promise.race([' },
      { range: { start: end, end }, newText: `, ${timer}])` },
    ],
  };
}
