import type { Node, Tree } from 'web-tree-sitter';
import { AnalysisTimeoutError } from './types';

const FUNCTION_BOUNDARIES = new Set([
  // Rust
  'function_item',
  'closure_expression',
  // TypeScript / JavaScript
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'generator_function',
]);

const LOOPS = new Set([
  // Rust
  'loop_expression',
  'while_expression',
  'for_expression',
  // TypeScript / JavaScript
  'for_statement',
  'for_in_statement',
  'while_statement',
  'do_statement',
]);

/** What the walks over one tree have learnt, and the budget of the pass running over it. */
interface TreeWalks {
  parents: Map<number, Node | null>;
  deadline: number;
  limitMs: number;
  steps: number;
  /** The node last returned, and how many unknown parents in a row the walk through it has asked for. */
  lastId: number;
  run: number;
}

// Keyed by the tree object, which lives as long as its analysis: a node id is a subtree's address, and a
// reparse reuses subtrees, so ids are only unique within one tree.
const walks = new WeakMap<Tree, TreeWalks>();

function walksOf(tree: Tree): TreeWalks {
  let found = walks.get(tree);
  if (!found)
    walks.set(
      tree,
      (found = { parents: new Map(), deadline: Infinity, limitMs: Infinity, steps: 0, lastId: -1, run: 0 }),
    );
  return found;
}

/** Steps between two looks at the clock: a look costs about as much as a hundred steps. */
const STEPS_PER_CLOCK_READ = 1024;

/**
 * A walk that has asked for this many unknown parents in a row is deep: the rest of it is found by one
 * descent. Below it, `Node.parent` (its descent runs inside wasm) is cheaper than a descent made of one
 * call a level from here: a keystroke's walks are a few levels each.
 */
const NATIVE_RUN = 64;

/**
 * The parent of `node`, remembered for the tree. web-tree-sitter's `Node.parent` descends from the root on
 * every call, so a walk up d levels through it costs d² steps (10 s for a call inside 20,000 parentheses).
 * A deep walk switches to one descent to its node, which records the parent of every node on the way: every
 * walk through those nodes is then a step a level. Counts towards the analysis budget of the pass running on
 * the tree (AnalysisTimeoutError past it).
 */
export function parentOf(node: Node | null | undefined): Node | null {
  if (!node) return null;
  const state = walksOf(node.tree);
  if (++state.steps % STEPS_PER_CLOCK_READ === 0) checkBudget(state);
  let parent = state.parents.get(node.id);
  if (parent === undefined) {
    state.run = state.lastId === node.id ? state.run + 1 : 0;
    parent = state.run < NATIVE_RUN ? node.parent : descend(state, node);
    state.parents.set(node.id, parent);
  }
  state.lastId = parent?.id ?? -1;
  return parent;
}

/** The parent of `node`, found by descending from the root; records the parent of every node on the way. */
function descend(state: TreeWalks, node: Node): Node | null {
  let parent: Node | null = null;
  for (let current: Node | null = node.tree.rootNode; current && current.id !== node.id;) {
    state.parents.set(current.id, parent);
    parent = current;
    current = current.childWithDescendant(node);
    if (++state.steps % STEPS_PER_CLOCK_READ === 0) checkBudget(state);
  }
  return parent;
}

function checkBudget(state: TreeWalks): void {
  if (performance.now() > state.deadline) throw new AnalysisTimeoutError(state.limitMs);
}

/**
 * Runs `work` (a pass over `tree`) within `limitMs`: walks and `withinBudget` checks throw
 * AnalysisTimeoutError once it is spent.
 */
export function withBudget<T>(tree: Tree, limitMs: number, work: () => T): T {
  const state = walksOf(tree);
  state.deadline = performance.now() + limitMs;
  state.limitMs = limitMs;
  try {
    return work();
  } finally {
    state.deadline = Infinity;
  }
}

/** Throws AnalysisTimeoutError when the budget of the pass running on `tree` is spent. */
export function withinBudget(tree: Tree): void {
  checkBudget(walksOf(tree));
}

export function isFunctionBoundary(node: Node): boolean {
  return FUNCTION_BOUNDARIES.has(node.type);
}

/** Ancestors of `node` up to (not past) the enclosing function or closure. */
export function* ancestorsInFunction(node: Node): Generator<Node> {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    yield current;
    if (FUNCTION_BOUNDARIES.has(current.type)) return;
  }
}

/** The nearest enclosing function or closure, if any. */
export function enclosingFunction(node: Node): Node | undefined {
  for (const ancestor of ancestorsInFunction(node)) if (FUNCTION_BOUNDARIES.has(ancestor.type)) return ancestor;
  return undefined;
}

/** The nearest loop around `node` inside its function (a loop outside a closure does not repeat the closure body). */
export function enclosingLoop(node: Node): Node | undefined {
  for (const ancestor of ancestorsInFunction(node)) if (LOOPS.has(ancestor.type)) return ancestor;
  return undefined;
}

/**
 * The outermost function containing text offset `index` inside the top-level item `top` (or, outside
 * functions, the item itself), found by descending from the item: `Node.parent` re-descends from the root
 * on every call, which costs a scan of the root's children each time in a large file.
 */
export function outermostScopeIn(top: Node, index: number): Node | undefined {
  // Outside functions, the item inside an impl/trait/mod body or a class body (a doc comment, a field, a
  // `const`) rather than the whole impl or class: a word in a method's doc comment must not make the
  // whole impl one scope, hiding the functions in it from their own scopes.
  let item: Node | undefined;
  let parent: Node | undefined;
  for (let node: Node | null = top; node && node.startIndex <= index; node = node.firstChildForIndex(index)) {
    if (FUNCTION_BOUNDARIES.has(node.type)) return node;
    if (parent && ITEM_CONTAINERS.has(parent.type)) item = node;
    parent = node;
  }
  return item ?? (top.startIndex <= index ? top : undefined);
}

/** Bodies whose children are items of their own: Rust impl/trait/mod bodies, class bodies. */
const ITEM_CONTAINERS = new Set(['declaration_list', 'class_body']);

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** What a call expression calls: the last name, the receiver (for method calls) and the whole callee. */
export interface Callee {
  name: string;
  /** The node holding the name (tight range for findings). */
  nameNode: Node;
  /** `stream` in `stream.read(…)`, `obj.iface` in `obj.iface.Get(…)`. */
  receiver?: Node;
  /** `nix::sys::socket::recvmsg` for a path call, `stream.read` for a method call. */
  path: string;
}

export function callee(call: Node): Callee | undefined {
  let fn = call.childForFieldName('function');
  if (!fn) return undefined;
  // Rust turbofish: `recvmsg::<()>(…)`.
  if (fn.type === 'generic_function') fn = fn.childForFieldName('function') ?? fn;
  if (fn.type === 'field_expression') {
    const field = fn.childForFieldName('field');
    const value = fn.childForFieldName('value');
    if (!field) return undefined;
    return { name: field.text, nameNode: field, receiver: value ?? undefined, path: fn.text };
  }
  if (fn.type === 'member_expression') {
    const property = fn.childForFieldName('property');
    const object = fn.childForFieldName('object');
    if (!property) return undefined;
    return { name: property.text, nameNode: property, receiver: object ?? undefined, path: fn.text };
  }
  if (fn.type === 'scoped_identifier') {
    const name = fn.childForFieldName('name');
    if (!name) return undefined;
    return { name: name.text, nameNode: name, path: fn.text };
  }
  if (fn.type === 'identifier') return { name: fn.text, nameNode: fn, path: fn.text };
  return undefined;
}

export function callArguments(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment') ?? [];
}

/** Methods that pass a value through a Result/Option: `recv(…).map_err(…)?` is still the read's count. */
const RESULT_ADAPTERS = new Set([
  'unwrap',
  'expect',
  'unwrap_or_default',
  'map_err',
  'context',
  'with_context',
  'wrap_err',
  'ok',
  'into',
]);

/** Strips `?`, `.await`, `await`, parentheses and `.unwrap()`/`.expect(…)` around an expression. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  for (;;) {
    const parent = parentOf(current);
    if (!parent) return current;
    if (
      parent.type === 'try_expression' ||
      parent.type === 'await_expression' ||
      parent.type === 'parenthesized_expression' ||
      parent.type === 'non_null_expression'
    ) {
      current = parent;
      continue;
    }
    const grandparent = parent.type === 'field_expression' ? parentOf(parent) : null;
    if (grandparent?.type === 'call_expression') {
      const method = parent.childForFieldName('field')?.text;
      if (method && RESULT_ADAPTERS.has(method)) {
        current = grandparent;
        continue;
      }
    }
    return current;
  }
}

/** The variable an expression's value is bound to: `let n = <expr>` / `const n = <expr>` / `n = <expr>`. */
export function boundName(expression: Node): string | undefined {
  const outer = unwrapExpression(expression);
  const parent = parentOf(outer);
  if (!parent) return undefined;
  if (parent.type === 'let_declaration') {
    const pattern = parent.childForFieldName('pattern');
    return pattern?.type === 'identifier' ? pattern.text : pattern?.text.replace(/^mut\s+/, '');
  }
  if (parent.type === 'variable_declarator') {
    const name = parent.childForFieldName('name');
    return name?.type === 'identifier' ? name.text : undefined;
  }
  if (parent.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  return undefined;
}

/** The value of a string literal (Rust `"…"`/raw strings, JS quotes and plain template strings), else undefined. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string_literal' || node.type === 'raw_string_literal' || node.type === 'string') {
    const content = node.namedChildren.filter((c) => c?.type === 'string_content' || c?.type === 'string_fragment');
    if (node.namedChildren.some((c) => c?.type === 'escape_sequence')) {
      try {
        return JSON.parse(node.text.replace(/^'|'$/g, '"')) as string;
      } catch {
        return undefined;
      }
    }
    return content.map((c) => c?.text ?? '').join('');
  }
  if (node.type === 'template_string' && !node.namedChildren.some((c) => c?.type === 'template_substitution')) {
    return node.text.slice(1, -1);
  }
  return undefined;
}

/** Descendants of `root` whose type is in `types`, by a bounded walk (used only on small subtrees). */
export function descendantsOfType(root: Node, types: string | string[]): Node[] {
  return root.descendantsOfType(types).filter((n): n is Node => !!n);
}

export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}
