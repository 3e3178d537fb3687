// Values within one function: where an expression's value is stored (a local, a destructured part), where that
// local is used later, which value reaches a use of a local (the last binding or assignment before it), and the
// access path a receiver stands for (`self.item_proxy` however the chain is broken over lines, whatever `?`,
// `.await`, `&` or `.unwrap()` sit in it). Rules ask these questions instead of matching the text around a call.
// Every walk stays inside the function (or item) holding the node: the incremental machinery lets a rule read
// its own item freely.
import type { Node, Tree } from 'web-tree-sitter';
import { descendantsOfType, enclosingFunction, isFunctionBoundary, parentOf } from './syntax';

/** A local a value was stored in: its name and the identifier that binds it. */
export interface Binding {
  name: string;
  /** The identifier in the pattern (or on the left of an assignment). */
  at: Node;
  /** The `let`/`const` declaration or assignment statement that binds it. */
  statement: Node;
}

/** Wrappers that leave a value what it was: `?`, `.await`, `await`, parentheses, `&`, `*`, `!` (non-null). */
const TRANSPARENT = new Set([
  'try_expression',
  'await_expression',
  'parenthesized_expression',
  'non_null_expression',
  'reference_expression',
]);

/**
 * Methods that hand back the value they are called on (or its content): a proxy stays a proxy, a connection
 * a connection. `.clone()` of an `Arc` is the same object; `.lock()`/`.read()` give its guard.
 */
const PASS_THROUGH =
  /^(?:unwrap|expect|clone|as_ref|as_mut|as_deref|borrow|borrow_mut|lock|read|write|get_ref|get_mut|deref|to_owned|into)$/;

/** Node kinds that bind names in a pattern. */
const PATTERN_NAMES = ['identifier', 'shorthand_field_identifier', 'shorthand_property_identifier_pattern'];

/**
 * The expression a chain of transparent wrappers and pass-through methods was applied to:
 * `self.conn.lock().unwrap()` → `self.conn`, `(await bus).iface` stays, `&mut *x?` → `x`.
 */
export function strip(node: Node): Node {
  let current = node;
  for (;;) {
    if (TRANSPARENT.has(current.type) || (current.type === 'unary_expression' && current.text.startsWith('*'))) {
      const inner =
        current.childForFieldName('value') ?? current.namedChildren.find((c) => c?.type !== 'mutable_specifier');
      if (!inner) return current;
      current = inner;
      continue;
    }
    if (current.type === 'call_expression') {
      const fn = current.childForFieldName('function');
      const method =
        fn?.type === 'field_expression'
          ? fn.childForFieldName('field')?.text
          : fn?.type === 'member_expression'
            ? fn.childForFieldName('property')?.text
            : undefined;
      const receiver = fn?.childForFieldName(fn.type === 'field_expression' ? 'value' : 'object');
      const args = current.childForFieldName('arguments')?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
      if (method && receiver && PASS_THROUGH.test(method) && (args.length === 0 || method === 'expect')) {
        current = receiver;
        continue;
      }
    }
    return current;
  }
}

/**
 * The access path an expression stands for, as one line: `self` / `.item_proxy` over three lines is
 * `self.item_proxy`; `&self.conn.lock().unwrap()` is `self.conn`; `this.#bus` is `this.#bus`. Undefined for
 * anything that is not a name, a field chain or `self`/`this`.
 */
export function accessPath(node: Node): string | undefined {
  const value = strip(node);
  switch (value.type) {
    case 'identifier':
    case 'self':
    case 'this':
    case 'shorthand_property_identifier':
      return value.text;
    case 'field_expression': {
      const base = value.childForFieldName('value');
      const field = value.childForFieldName('field');
      const root = base ? accessPath(base) : undefined;
      return root && field ? `${root}.${field.text}` : undefined;
    }
    case 'member_expression': {
      const base = value.childForFieldName('object');
      const property = value.childForFieldName('property');
      const root = base ? accessPath(base) : undefined;
      return root && property ? `${root}.${property.text}` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The local an expression's value (or truth, for a test) is stored in: `let is_final = a == b || c;`,
 * `const reply = await bus.call(m)`, `done = type === 2`. Climbs through transparent wrappers, pass-through
 * methods and boolean operators; undefined when the value goes anywhere else (an argument, a condition).
 */
export function bindingOf(expression: Node): Binding | undefined {
  let current = expression;
  for (let parent = parentOf(current); parent; current = parent, parent = parentOf(current)) {
    if (TRANSPARENT.has(parent.type)) continue;
    if (parent.type === 'binary_expression' && /^(?:\|\||&&)$/.test(parent.childForFieldName('operator')?.text ?? ''))
      continue;
    if (parent.type === 'unary_expression' && parent.text.startsWith('!')) continue;
    if (parent.type === 'field_expression' || parent.type === 'member_expression') {
      const call = parentOf(parent);
      if (call?.type === 'call_expression' && strip(call).id === current.id) {
        parent = call;
        continue;
      }
      return undefined;
    }
    return bindingIn(parent, current);
  }
  return undefined;
}

/** The name `parent` binds `value` to, when it is a declaration or an assignment of it. */
function bindingIn(parent: Node, value: Node): Binding | undefined {
  const named = (at: Node | null, statement: Node): Binding | undefined => {
    if (!at) return undefined;
    const id = at.type === 'identifier' ? at : at.namedChildren.find((c) => c?.type === 'identifier');
    // `let mut x`: the identifier after `mut`; a destructuring pattern binds several names, none of them the whole value.
    return id && (at.type === 'identifier' || at.type === 'mut_pattern')
      ? { name: id.text, at: id, statement }
      : undefined;
  };
  if (parent.type === 'let_declaration' && parent.childForFieldName('value')?.id === value.id)
    return named(parent.childForFieldName('pattern'), parent);
  if (parent.type === 'variable_declarator' && parent.childForFieldName('value')?.id === value.id)
    return named(parent.childForFieldName('name'), parent);
  if (parent.type === 'assignment_expression' && parent.childForFieldName('right')?.id === value.id)
    return named(parent.childForFieldName('left'), parent);
  return undefined;
}

/** Per tree, per function node id: its names (identifiers and pattern shorthands) by text, in source order. */
const namesByHome = new WeakMap<Tree, Map<number, Map<string, Node[]>>>();

/** The names read or bound in `home`, by text: one walk per function and tree, however many questions follow. */
function namesIn(home: Node): Map<string, Node[]> {
  let byHome = namesByHome.get(home.tree);
  if (!byHome) namesByHome.set(home.tree, (byHome = new Map<number, Map<string, Node[]>>()));
  let names = byHome.get(home.id);
  if (!names) {
    names = new Map<string, Node[]>();
    for (const id of descendantsOfType(home, PATTERN_NAMES)) {
      const list = names.get(id.text);
      if (list) list.push(id);
      else names.set(id.text, [id]);
    }
    byHome.set(home.id, names);
  }
  return names;
}

/** The function (or, outside functions, the outermost node) a node's locals live in. */
function homeOf(node: Node): Node {
  const fn = enclosingFunction(node);
  if (fn) return fn;
  let top = node;
  for (let parent = parentOf(top); parent; parent = parentOf(parent)) top = parent;
  return top;
}

/** True when `id` (an identifier) is where a name is bound rather than read: a pattern, a declarator's name, an assignment's left side. */
function isDefinition(id: Node): boolean {
  const parent = parentOf(id);
  if (!parent) return false;
  if (parent.type === 'let_declaration' || parent.type === 'let_condition')
    return parent.childForFieldName('pattern')?.id === id.id;
  if (parent.type === 'variable_declarator') return parent.childForFieldName('name')?.id === id.id;
  if (parent.type === 'assignment_expression') return parent.childForFieldName('left')?.id === id.id;
  return /pattern$/.test(parent.type) || parent.type === 'parameter' || parent.type === 'required_parameter';
}

/**
 * Where a local is read after it was bound, in its function, until a new `let`/`const` of the same name
 * shadows it (an assignment is a new value of the same local: its reads count as reads of the local). Reads
 * inside closures defined in the function count: a closure sees the local.
 */
export function usesOf(binding: Binding): Node[] {
  const home = homeOf(binding.statement);
  const out: Node[] = [];
  for (const id of namesIn(home).get(binding.name) ?? []) {
    if (id.type !== 'identifier' || id.startIndex < binding.statement.endIndex) continue;
    if (isDefinition(id)) {
      const statement = parentOf(id);
      if (statement?.type === 'let_declaration' || statement?.type === 'variable_declarator') break;
      continue;
    }
    out.push(id);
  }
  return out;
}

/**
 * The expression whose value reaches a read of `name` at `at`: the last `let`/`const` or assignment of the name
 * before it in its function, through destructuring of tuples, arrays, structs and objects (`let (tx, rx) = (a, b)`
 * gives `b` for `rx`; `let Self { conn, .. } = self` gives the field path `self.conn`). A parameter has none.
 */
export function reachingValue(name: string, at: Node): Node | string | undefined {
  const home = homeOf(at);
  let found: Node | string | undefined;
  for (const id of namesIn(home).get(name) ?? []) {
    if (id.startIndex >= at.startIndex) break;
    if (!isDefinition(id) || id.id === at.id) continue;
    // A binding inside a closure or a nested function is not this function's.
    if (!sameHome(id, home)) continue;
    const value = destructuredValue(id);
    if (value !== null) found = value;
  }
  return found;
}

function sameHome(node: Node, home: Node): boolean {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.id === home.id) return true;
    if (isFunctionBoundary(current)) return false;
  }
  return true;
}

/**
 * The value an identifier in a pattern is bound to, following the pattern down from its declaration; a field
 * path (string) when it names a field of a value that is not a literal. Null when the identifier is not bound
 * by a declaration or assignment.
 */
function destructuredValue(id: Node): Node | string | undefined | null {
  const steps: (number | string)[] = [];
  let child = id;
  for (let parent = parentOf(id); parent; child = parent, parent = parentOf(parent)) {
    switch (parent.type) {
      case 'mut_pattern':
      case 'reference_pattern':
        continue;
      case 'tuple_pattern':
      case 'array_pattern':
      case 'slice_pattern':
      case 'tuple_struct_pattern': {
        // `Some(p)` / `Ok(p)`: the content of the value, which is the value as far as its kind goes.
        if (
          parent.type === 'tuple_struct_pattern' &&
          /^(?:Some|Ok)$/.test(parent.childForFieldName('type')?.text ?? '')
        )
          continue;
        const elements = parent.namedChildren.filter(
          (c) =>
            c &&
            c.type !== 'comment' &&
            !(parent.type === 'tuple_struct_pattern' && c.id === parent.childForFieldName('type')?.id),
        );
        steps.unshift(elements.findIndex((c) => c?.id === child.id));
        continue;
      }
      case 'field_pattern':
        steps.unshift(parent.childForFieldName('name')?.text ?? child.text);
        continue;
      case 'struct_pattern':
      case 'object_pattern':
        if (child.type === 'shorthand_field_identifier' || child.type === 'shorthand_property_identifier_pattern')
          steps.unshift(child.text);
        continue;
      case 'pair_pattern':
        steps.unshift(parent.childForFieldName('key')?.text ?? '');
        continue;
      case 'let_declaration':
      case 'let_condition':
      case 'variable_declarator':
      case 'assignment_expression': {
        const value = parent.childForFieldName(parent.type === 'assignment_expression' ? 'right' : 'value');
        return value ? follow(value, steps) : undefined;
      }
      default:
        return null;
    }
  }
  return null;
}

/** The part of `value` that `steps` (tuple indices, field names) pick; a field path when it is not written out. */
function follow(value: Node, steps: readonly (number | string)[]): Node | string | undefined {
  let current: Node = value;
  for (const [i, step] of steps.entries()) {
    const inner = strip(current);
    if (typeof step === 'number') {
      if (!['tuple_expression', 'array_expression', 'array'].includes(inner.type)) return undefined;
      const element = inner.namedChildren.filter((c) => c && c.type !== 'comment')[step];
      if (!element) return undefined;
      current = element;
      continue;
    }
    const field = inner.namedChildren.find(
      (c) =>
        (c?.type === 'field_initializer' && c.childForFieldName('field')?.text === step) ||
        (c?.type === 'shorthand_field_initializer' && c.text === step) ||
        (c?.type === 'pair' && c.childForFieldName('key')?.text === step),
    );
    if (field) {
      current = field.childForFieldName('value') ?? field;
      continue;
    }
    // `let Self { conn, .. } = self`: the field of a value that is not a literal is its path.
    const root = accessPath(inner);
    return root ? [root, ...steps.slice(i)].join('.') : undefined;
  }
  return current;
}

/**
 * The access path a receiver stands for once its locals are followed back to where their value came from:
 * `let p = &self.item_proxy; … p.get_secret()` → `self.item_proxy`; `let Self { conn, .. } = self` → `self.conn`.
 * The path as written when its root is a parameter, a field or an expression that is not a path.
 */
export function resolvedPath(node: Node, depth = 0): string | undefined {
  const path = accessPath(node);
  if (!path || depth > 4) return path;
  const [root = '', ...rest] = path.split('.');
  if (root === 'self' || root === 'this') return path;
  const value = reachingValue(root, strip(node));
  if (value === undefined) return path;
  const base = typeof value === 'string' ? value : resolvedPath(value, depth + 1);
  return base ? [base, ...rest].join('.') : path;
}

/** Names a deadline goes by: `timeout`, `_timeout`, `timeout_ms`, `deadline`, `ms`. */
const DEADLINE_NAME = /time_?out|deadline|^_?(?:ms|millis|duration)$/i;

/** The parameters of a function, as the identifiers that bind them (Rust `parameter`, JS formal parameters). */
export function parameterNames(fn: Node): Node[] {
  const list = fn.childForFieldName('parameters');
  if (!list) return [];
  const out: Node[] = [];
  for (const parameter of list.namedChildren) {
    if (!parameter) continue;
    const pattern =
      parameter.type === 'identifier'
        ? parameter
        : (parameter.childForFieldName('pattern') ?? parameter.childForFieldName('left') ?? parameter.namedChildren[0]);
    const id = pattern?.type === 'identifier' ? pattern : pattern?.namedChildren.find((c) => c?.type === 'identifier');
    if (id) out.push(id);
  }
  return out;
}

/**
 * A deadline the function is given and never reads: a parameter named for a timeout that is `_`-prefixed or has
 * no read in the body (`fn send_with_reply_and_block(&self, msg: Message, _timeout: Duration)`).
 */
export function ignoredDeadline(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  return parameterNames(fn).find(
    (id) =>
      DEADLINE_NAME.test(id.text) &&
      (id.text.startsWith('_') ||
        !(namesIn(fn).get(id.text) ?? []).some(
          (use) => use.type === 'identifier' && use.startIndex >= body.startIndex && use.endIndex <= body.endIndex,
        )),
  );
}
