// Calls a library makes for you: `bus.requestName(name)` sends RequestName and waits for the reply as a call the
// program wrote would. What each library makes, and what bounds it, is data in its model (`callsMadeForYou`).
import type { Node } from 'web-tree-sitter';
import type { CallMadeForYou, LibraryModel } from '../../libraries/model';
import { bindingValue, resolveString, stripUndefined } from '../../resolve';
import { callArguments, isFunctionBoundary, parentOf, unwrapExpression } from '../../syntax';
import type { CallData } from '../../types';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer, functionDefinitions, ignoredDeadlines, raceFix, timeoutHelpers } from './shared';

/** Whether something waits on the call's value: `await bus.invoke(m)`, `bus.invoke(m).then(…)`, `return bus.invoke(m)`. */
export function awaited(call: Node): boolean {
  const parent = parentOf(call);
  if (!parent) return false;
  if (parent.type === 'await_expression' || parent.type === 'return_statement' || parent.type === 'arrow_function')
    return true;
  return (
    parent.type === 'member_expression' &&
    /^(?:then|catch|finally)$/.test(parent.childForFieldName('property')?.text ?? '')
  );
}

/** The model's entry for `method` called with `count` arguments. */
export function callMadeForYou(library: LibraryModel, method: string, count: number): CallMadeForYou | undefined {
  return library.callsMadeForYou?.find(
    (entry) =>
      entry.method === method &&
      count >= (entry.args?.min ?? 0) &&
      count <= (entry.args?.max ?? Number.POSITIVE_INFINITY),
  );
}

/** Whether the caller waits for the reply: a callback handed over, or the returned promise used (not dropped). */
function waits(entry: CallMadeForYou, call: Node, args: Node[]): boolean {
  if (entry.callback !== undefined && args.length > entry.callback) return true;
  if (entry.callback !== undefined) return awaited(call);
  const parent = parentOf(call);
  return (
    parent?.type !== 'expression_statement' && !(parent?.type === 'unary_expression' && parent.text.startsWith('void'))
  );
}

/**
 * The library's own implementation calling itself, which the serial-keyed table checkers look at, not a use of
 * it: `this.requestName(…)` in a file that defines `requestName` (`this.requestName = function …`), or a call
 * inside a definition of the same method (`this.getObject = function (path, name, cb) { … service.getObject(name, cb) }`).
 */
function ownImplementation(call: Node, receiver: Node, method: string, ctx: RuleContext): boolean {
  if (/^(?:this|self|that|_this)$/.test(receiver.text) && functionDefinitions(ctx, method).length > 0) return true;
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (isFunctionBoundary(current) && definedName(current) === method) return true;
  }
  return false;
}

/**
 * The name a function is defined under: `x.name = function …`, `name = (…) => …`, `name(…) { … }`, also through
 * a wrapping call (`this.name = promisify(function …)`).
 */
function definedName(fn: Node): string | undefined {
  if (fn.type === 'method_definition') return fn.childForFieldName('name')?.text;
  let parent = parentOf(fn);
  if (parent?.type === 'arguments' && parentOf(parent)?.type === 'call_expression') parent = parentOf(parentOf(parent));
  if (parent?.type === 'assignment_expression') return parent.childForFieldName('left')?.text.split('.').at(-1);
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  return undefined;
}

/** How a message names the call: `bus.requestName()`, or `….getInterface()` behind a long or multi-line receiver. */
function callName(receiver: Node, method: string): string {
  const text = receiver.text;
  return /\n/.test(text) || text.length > 40 ? `….${method}()` : `${text}.${method}()`;
}

/**
 * What a library's bus (or service) object looks like at a call: named so (`bus`, `this._bus`, `dbus`, `service`,
 * `connection`), or bound to such an expression (`const svc = bus.getService(…)`). The names the libraries give
 * these methods (`getObject`, `getId`, `listNames`) are common words; on some other object they are not D-Bus.
 */
const BUS_LIKE = /bus|service|conn|client/i;

function busLike(receiver: Node, ctx: RuleContext): boolean {
  if (BUS_LIKE.test(receiver.text)) return true;
  return receiver.type === 'identifier' && BUS_LIKE.test(bindingValue(ctx, receiver.text)?.text ?? '');
}

function argumentValue(value: string | number | undefined, args: Node[], ctx: RuleContext): string | undefined {
  return typeof value === 'number' ? resolveString(args[value], ctx) : value;
}

export interface LibraryCallOptions {
  /** The bus a receiver is connected to, where the file says. */
  busOf: (receiver: Node) => CallData['bus'];
  /** The destination a receiver stands for, where the call's destination is the receiver's (a dbus-native service). */
  destinationOf?: (receiver: Node) => string | undefined;
}

/** Findings for the calls `library` makes on the program's behalf, in the checked item, that nothing bounds. */
export function checkCallsMadeForYou(
  ctx: RuleContext,
  library: LibraryModel,
  options: LibraryCallOptions,
): RuleReport[] {
  if (!library.callsMadeForYou?.length) return [];
  const helpers = timeoutHelpers(ctx);
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    if (!c?.receiver) continue;
    const args = callArguments(call);
    const entry = callMadeForYou(library, c.name, args.length);
    if (!entry || !waits(entry, call, args) || !busLike(c.receiver, ctx)) continue;
    if (ownImplementation(call, c.receiver, c.name, ctx)) continue;
    if (boundedByTimer(call, ctx, helpers)) continue;
    const { sends } = entry;
    const member = `${sends.interface}.${sends.member}`;
    const ignored = ignoredDeadlines(call, ctx);
    const promise = entry.callback === undefined || args.length <= entry.callback;
    const usable = unwrapExpression(call) !== call || awaited(call) || parentOf(call)?.type === 'variable_declarator';
    reports.push({
      range: nodeRange(c.nameNode),
      message: `\`${callName(c.receiver, c.name)}\` sends ${member} and can wait forever for the reply: ${entry.bound}; bound it with a timer${ignored.note}`,
      related: ignored.related,
      data: stripUndefined({
        library: library.id,
        bus: options.busOf(c.receiver),
        destination:
          sends.destination === undefined
            ? options.destinationOf?.(c.receiver)
            : argumentValue(sends.destination, args, ctx),
        path: argumentValue(sends.path, args, ctx),
        interface: sends.interface,
        member: sends.member,
      }),
      fixes: promise && usable ? [raceFix(call, ctx.language, `\`${callName(c.receiver, c.name)}\``)] : [],
    });
  }
  return reports;
}
