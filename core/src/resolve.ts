// Static resolution of the values a finding's CallData carries: literals, same-file constants and
// variables, object literals. Each lookup is a text search (a file fact) plus one node lookup, never a tree walk.
import type { Node } from 'web-tree-sitter';
import type { FileLookup } from './rules/rule';
import type { CallData } from './types';
import { stringValue, parentOf } from './syntax';

export function escapeRegExp(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The value node a same-file `const`/`static`/`let`/`var` binding of `name` was given (the first one). */
export function bindingValue(file: FileLookup, name: string): Node | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return undefined;
  const binding = file.matches(
    new RegExp(`\\b(?:const|static|let|var)\\s+(?:mut\\s+)?${escapeRegExp(name)}\\b\\s*(?::[^=;]*)?=\\s*`, 'g'),
  )[0];
  if (!binding) return undefined;
  const node = file.nodeAt(binding.index + binding[0].length);
  if (!node) return undefined;
  // descendantForIndex lands on the innermost token: climb to the whole value expression.
  let value: Node = node;
  for (
    let parent = parentOf(value);
    parent &&
    parent.type !== 'let_declaration' &&
    parent.type !== 'const_item' &&
    parent.type !== 'static_item' &&
    parent.type !== 'variable_declarator';
    parent = parentOf(value)
  ) {
    value = parent;
    if (value.startIndex < binding.index) return undefined;
  }
  return value;
}

/** A string a node stands for: a literal, `Some("…")`, or a same-file constant/variable holding one. */
export function resolveString(node: Node | null | undefined, file: FileLookup, depth = 0): string | undefined {
  if (!node || depth > 3) return undefined;
  const direct = stringValue(node);
  if (direct !== undefined) return direct;
  if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'Some') {
    return resolveString(node.childForFieldName('arguments')?.namedChildren[0], file, depth + 1);
  }
  if (node.type === 'reference_expression' || node.type === 'try_expression' || node.type === 'await_expression') {
    return resolveString(node.childForFieldName('value') ?? node.namedChildren[0], file, depth + 1);
  }
  if (node.type === 'call_expression') {
    // `"…".try_into()?`, `"…".to_string()`, `ObjectPath::try_from("…")`, `String::from("…")`.
    const fn = node.childForFieldName('function');
    const args = node.childForFieldName('arguments')?.namedChildren ?? [];
    if (fn?.type === 'field_expression') return resolveString(fn.childForFieldName('value'), file, depth + 1);
    if (args.length === 1) return resolveString(args[0], file, depth + 1);
  }
  if (node.type === 'identifier' || node.type === 'scoped_identifier') {
    const name = node.type === 'scoped_identifier' ? node.childForFieldName('name')?.text : node.text;
    return name ? resolveString(bindingValue(file, name), file, depth + 1) : undefined;
  }
  return undefined;
}

/** A literal JSON-able value (string, number, boolean) or undefined. */
export function literalValue(node: Node | null | undefined, file: FileLookup): unknown {
  if (!node) return undefined;
  const s = resolveString(node, file);
  if (s !== undefined) return s;
  if (node.type === 'number' || node.type === 'integer_literal' || node.type === 'float_literal') {
    const n = Number(node.text.replace(/_/g, '').replace(/(?:u|i)(?:8|16|32|64|128|size)$|f(?:32|64)$/, ''));
    return Number.isFinite(n) ? n : undefined;
  }
  if (node.type === 'true' || node.type === 'false' || node.type === 'boolean_literal') return node.text === 'true';
  return undefined;
}

/** The properties of a JS object literal (or of a same-file variable holding one), by key. */
export function objectProperties(node: Node | null | undefined, file: FileLookup): Map<string, Node> | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return objectProperties(bindingValue(file, node.text), file);
  if (node.type === 'new_expression')
    return objectProperties(node.childForFieldName('arguments')?.namedChildren[0], file);
  if (node.type !== 'object') return undefined;
  const props = new Map<string, Node>();
  for (const child of node.namedChildren) {
    if (child?.type === 'pair') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (key && value) props.set(stringValue(key) ?? key.text, value);
    } else if (child?.type === 'shorthand_property_identifier') {
      const value = bindingValue(file, child.text);
      if (value) props.set(child.text, value);
    }
  }
  return props;
}

/** Literal elements of a JS array literal or a Rust tuple/array; undefined when any element is not literal. */
export function literalList(node: Node | null | undefined, file: FileLookup): unknown[] | undefined {
  if (!node) return undefined;
  let list = node;
  if (list.type === 'reference_expression') list = list.childForFieldName('value') ?? list;
  if (!['array', 'array_expression', 'tuple_expression', 'unit_expression'].includes(list.type)) return undefined;
  const values = list.namedChildren
    .filter((c): c is Node => !!c && c.type !== 'comment')
    .map((c) => literalValue(c, file));
  return values.every((v) => v !== undefined) ? values : undefined;
}

/** CallData without the fields nothing could be resolved for. */
export function stripUndefined(data: CallData): CallData {
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

/**
 * The call a message literal describes: `{ destination, path, interface, member, signature, body }`, as dbus-next's
 * `new Message({...})` and dbus-native's `invoke({...})` take it. Parts that are not static come back undefined.
 */
export function messageObjectCall(
  props: Map<string, Node> | undefined,
  file: FileLookup,
): Pick<CallData, 'destination' | 'path' | 'interface' | 'member' | 'signature' | 'args'> {
  const prop = (key: string) => resolveString(props?.get(key), file);
  return {
    destination: prop('destination'),
    path: prop('path'),
    interface: prop('interface'),
    member: prop('member'),
    signature: prop('signature'),
    args: literalList(props?.get('body'), file),
  };
}
