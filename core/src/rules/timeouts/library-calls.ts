// Calls a library makes for you: `bus.requestName(name)` sends RequestName and waits for the reply as a call the
// program wrote would. What each library makes, and what bounds it, is data in its model (`callsMadeForYou`).
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../facts';
import type { CallMadeForYou, LibraryModel, SentField } from '../../libraries/model';
import { bindingValue, escapeRegExp, objectProperties, resolveString, stripUndefined } from '../../resolve';
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

/** The model's entries for `method` called with `count` arguments, in the model's order. */
function entriesFor(library: LibraryModel, method: string, count: number): CallMadeForYou[] {
  return (library.callsMadeForYou ?? []).filter(
    (entry) =>
      entry.method === method &&
      count >= (entry.args?.min ?? 0) &&
      count <= (entry.args?.max ?? Number.POSITIVE_INFINITY),
  );
}

/** `class Adapter extends ProxyObject`: each class the file declares with a superclass, and that superclass. */
const CLASS_EXTENDS = /\bclass\s+([A-Za-z_$][\w$]*)\s*(?:<[^>{]*>\s*)?extends\s+([A-Za-z_$][\w$.]*)/g;

function superclasses(file: FileFacts): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of file.matches(CLASS_EXTENDS)) if (m[1] && m[2]) out.set(m[1], m[2].split('.').at(-1)!);
  return out;
}

/** A class and the superclasses the file declares for it, nearest first (a cycle or a long chain stops). */
function lineage(name: string, ctx: RuleContext): string[] {
  const parents = ctx.fact(superclasses);
  const out = [name];
  for (let next = parents.get(name); next && out.length < 8 && !out.includes(next); next = parents.get(next)) {
    out.push(next);
  }
  return out;
}

const CLASS_NODES = new Set(['class_declaration', 'class', 'abstract_class_declaration']);

/**
 * The classes a receiver is an instance of (or, called on a class, that class), as far as the file shows: `this`
 * in a class and what it extends, a binding to `new C(…)`, a name typed `C`, the class itself. Undefined when
 * the file does not say.
 */
function receiverClasses(receiver: Node, ctx: RuleContext): string[] | undefined {
  const node = unwrapExpression(receiver);
  if (node.type === 'this') {
    let cls = parentOf(node);
    while (cls && !CLASS_NODES.has(cls.type)) cls = parentOf(cls);
    if (!cls) return undefined;
    const own = cls.childForFieldName('name')?.text;
    const heritage = /\bextends\s+([A-Za-z_$][\w$.]*)/.exec(
      cls.namedChildren.find((c) => c?.type === 'class_heritage')?.text ?? '',
    )?.[1];
    const inherited = heritage ? lineage(heritage.split('.').at(-1)!, ctx) : [];
    return own ? [own, ...inherited] : inherited;
  }
  // `this.adapter`: a field, typed where it is declared (`private readonly adapter: ProxyObject`).
  if (node.type === 'member_expression' && node.childForFieldName('object')?.type === 'this') {
    const field = node.childForFieldName('property')?.text;
    return field ? typedAs(field, ctx) : undefined;
  }
  if (node.type !== 'identifier') return undefined;
  const name = node.text;
  if (/^[A-Z]/.test(name) && (ctx.fact(superclasses).has(name) || !bindingValue(ctx, name))) return lineage(name, ctx);
  const value = bindingValue(ctx, name);
  const created = value && unwrapExpression(value);
  if (created?.type === 'new_expression') {
    const ctor = created.childForFieldName('constructor')?.text.split('.').at(-1);
    if (ctor) return lineage(ctor, ctx);
  }
  return typedAs(name, ctx);
}

/** The class a name is declared with (`adapter: ProxyObject`, a parameter, a field, a variable), and its lineage. */
function typedAs(name: string, ctx: RuleContext): string[] | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const typed = ctx.matches(
    new RegExp(`(?<![\\w$.])${escapeRegExp(name)}\\s*[?!]?\\s*:\\s*(?:[\\w$]+\\.)?([A-Z][\\w$]*)\\b`, 'g'),
  )[0]?.[1];
  return typed ? lineage(typed, ctx) : undefined;
}

/**
 * The entry a call stands for, and whether its receiver was recognised by its class (then it is a use of the
 * library's class, not the library calling itself).
 */
export function matchingEntry(
  library: LibraryModel,
  method: string,
  args: Node[],
  receiver: Node,
  ctx: RuleContext,
): { entry: CallMadeForYou; byClass: boolean } | undefined {
  const entries = entriesFor(library, method, args.length);
  if (entries.length === 0) return undefined;
  const classes = entries.some((entry) => entry.on) ? receiverClasses(receiver, ctx) : undefined;
  for (const entry of entries) {
    if (!entry.on) {
      if (busLike(receiver, ctx)) return { entry, byClass: false };
    } else if (classes) {
      if (classes.some((name) => entry.on!.includes(name))) return { entry, byClass: true };
    } else if (entry.on.some((name) => BUS_LIKE.test(name)) && busLike(receiver, ctx)) {
      return { entry, byClass: false };
    }
  }
  return undefined;
}

/** Whether the caller waits for the reply: a callback handed over, or the returned promise used (not dropped). */
export function waits(entry: CallMadeForYou, call: Node, args: Node[]): boolean {
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

/** `this.m(…)` in a file that defines its own `m`: a subclass's override, not the library class's method. */
function thisOverride(receiver: Node, method: string, ctx: RuleContext): boolean {
  return receiver.type === 'this' && functionDefinitions(ctx, method).length > 0;
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

function argumentValue(value: SentField | undefined, args: Node[], ctx: RuleContext): string | undefined {
  return typeof value === 'number' ? resolveString(args[value], ctx) : value;
}

/** The call an entry sends, as far as the arguments show: its fields, or the message object's. */
export function sentCall(
  entry: CallMadeForYou,
  args: Node[],
  ctx: RuleContext,
): Pick<CallData, 'destination' | 'path' | 'interface' | 'member'> {
  const { sends } = entry;
  const field = (key: 'destination' | 'path' | 'interface' | 'member'): string | undefined => {
    if (!sends.message) return argumentValue(sends[key], args, ctx);
    const props = objectProperties(args[sends.message.argument], ctx);
    const given = resolveString(props?.get(sends.message.fields?.[key] ?? key), ctx);
    // A field the message sets to something unknown is not the library's default.
    return given ?? (props?.has(sends.message.fields?.[key] ?? key) ? undefined : argumentValue(sends[key], args, ctx));
  };
  return {
    destination: field('destination'),
    path: field('path'),
    interface: field('interface'),
    member: field('member'),
  };
}

/**
 * The destination, path and interface an instance's constructor arguments name (the model's `constructs`): those of
 * `new ProxyObject(dBus, dest, path, iface)` bound to the receiver, or, for `this`, of the `super(…)` call in the
 * enclosing class (`super(dBus, 'org.bluez', objectPath, Adapter.interfaceName)`).
 */
function constructedCall(
  receiver: Node,
  library: LibraryModel,
  ctx: RuleContext,
): Pick<CallData, 'destination' | 'path' | 'interface'> {
  const constructs = library.constructs;
  if (!constructs) return {};
  const classes = receiverClasses(receiver, ctx);
  const target = classes?.find((name) => constructs[name]);
  if (!target) return {};
  let args: Node[] | undefined;
  const node = unwrapExpression(receiver);
  if (node.type === 'this') {
    let cls = parentOf(node);
    while (cls && !CLASS_NODES.has(cls.type)) cls = parentOf(cls);
    // Only a direct subclass's `super(…)` passes the library class its arguments.
    const direct = cls && classes?.indexOf(target) === (cls.childForFieldName('name') ? 1 : 0);
    const superCall = direct
      ? cls!.descendantsOfType('call_expression').find((call) => call?.childForFieldName('function')?.type === 'super')
      : undefined;
    if (superCall) args = callArguments(superCall);
  } else if (node.type === 'identifier') {
    const value = bindingValue(ctx, node.text);
    const created = value && unwrapExpression(value);
    if (
      created?.type === 'new_expression' &&
      created.childForFieldName('constructor')?.text.split('.').at(-1) === target
    )
      args = callArguments(created);
  }
  if (!args) return {};
  const fields = constructs[target];
  return stripUndefined({
    destination: argumentValue(fields.destination, args, ctx),
    path: argumentValue(fields.path, args, ctx),
    interface: argumentValue(fields.interface, args, ctx),
  });
}

/** How a message names the call sent: `org.freedesktop.DBus.RequestName`, `StartDiscovery`, or a method call. */
function sentName(call: Pick<CallData, 'interface' | 'member'>): string {
  if (call.interface && call.member) return `${call.interface}.${call.member}`;
  return call.member ?? 'a method call';
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
    const match = matchingEntry(library, c.name, args, c.receiver, ctx);
    if (!match || !waits(match.entry, call, args)) continue;
    const { entry, byClass } = match;
    // `this.callMethod(…)` in a subclass that defines its own `callMethod` calls that one.
    if (byClass ? thisOverride(c.receiver, c.name, ctx) : ownImplementation(call, c.receiver, c.name, ctx)) continue;
    if (boundedByTimer(call, ctx, helpers)) continue;
    const sent = sentCall(entry, args, ctx);
    const constructed = constructedCall(c.receiver, library, ctx);
    const ignored = ignoredDeadlines(call, ctx);
    const promise = entry.callback === undefined || args.length <= entry.callback;
    const usable = unwrapExpression(call) !== call || awaited(call) || parentOf(call)?.type === 'variable_declarator';
    reports.push({
      range: nodeRange(c.nameNode),
      message: `\`${callName(c.receiver, c.name)}\` sends ${sentName({ ...constructed, ...stripUndefined(sent) })} and can wait forever for the reply: ${entry.bound}; bound it with a timer${ignored.note}`,
      related: ignored.related,
      data: stripUndefined({
        library: library.id,
        bus: options.busOf(c.receiver),
        ...constructed,
        ...stripUndefined(sent),
        destination: sent.destination ?? options.destinationOf?.(c.receiver) ?? constructed.destination,
      }),
      fixes: promise && usable ? [raceFix(call, ctx.language, `\`${callName(c.receiver, c.name)}\``)] : [],
    });
  }
  return reports;
}
