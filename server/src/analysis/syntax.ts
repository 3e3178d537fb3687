import type { Node } from 'web-tree-sitter';

const FUNCTION_BOUNDARIES = new Set([
  // Rust
  'function_item',
  'closure_expression',
  // TypeScript / JavaScript
  'function_declaration',
  'function_expression',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
]);

/** Ancestors of `node` up to (not past) the enclosing function or closure. */
export function* ancestorsInFunction(node: Node): Generator<Node> {
  for (let current = node.parent; current; current = current.parent) {
    yield current;
    if (FUNCTION_BOUNDARIES.has(current.type)) return;
  }
}

/** The name of a call's callee, last path segment only: `tokio::time::timeout` → `timeout`, `a.b.race` → `race`. */
export function calleeName(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const last = fn.childForFieldName('property') ?? fn.childForFieldName('field') ?? fn.childForFieldName('name') ?? fn;
  return last.text;
}
