// Code that never runs (JS/TS): a statement after an `if` whose condition is decided without running the program
// and whose taken branch always returns or throws. A call there sends nothing and waits for nothing, so no rule
// reports it. What counts as decided is kept small and sound: literals, `!`, and an own-property test whose key
// is a plain object (which becomes the key '[object Object]').
import type { Node } from 'web-tree-sitter';
import { descendantsOfType, isFunctionBoundary, parentOf } from './syntax';

/** Whether `node` (JS/TS) lies where its function never gets: after a statement that always leaves, or in a branch never taken. */
export function neverRuns(node: Node): boolean {
  for (let child = node, parent = parentOf(node); parent; child = parent, parent = parentOf(parent)) {
    if (isFunctionBoundary(parent)) return false;
    if (parent.type === 'statement_block') {
      for (let before = child.previousNamedSibling; before; before = before.previousNamedSibling)
        if (alwaysLeaves(before)) return true;
    } else if (parent.type === 'if_statement') {
      const truth = constantTruth(parent.childForFieldName('condition'));
      if (truth === false && child.id === parent.childForFieldName('consequence')?.id) return true;
      if (truth === true && child.type === 'else_clause') return true;
    }
  }
  return false;
}

/** Whether running `statement` always ends in a `return` or `throw` (of the function it is in). */
function alwaysLeaves(statement: Node): boolean {
  switch (statement.type) {
    case 'return_statement':
    case 'throw_statement':
      return true;
    case 'statement_block':
      // Sequentially: a `break` or `continue` met first leaves the block without leaving the function.
      for (const child of statement.namedChildren) {
        if (!child || child.type === 'break_statement' || child.type === 'continue_statement') return false;
        if (alwaysLeaves(child)) return true;
      }
      return false;
    case 'else_clause': {
      const body = statement.namedChildren[0];
      return !!body && alwaysLeaves(body);
    }
    case 'if_statement': {
      const consequence = statement.childForFieldName('consequence');
      const alternative = statement.childForFieldName('alternative');
      const truth = constantTruth(statement.childForFieldName('condition'));
      const thenLeaves = !!consequence && alwaysLeaves(consequence);
      const elseLeaves = !!alternative && alwaysLeaves(alternative);
      return truth === true ? thenLeaves : truth === false ? elseLeaves : thenLeaves && elseLeaves;
    }
    default:
      return false;
  }
}

/** How a literal converts to a boolean. */
const LITERAL_TRUTH: Record<string, boolean> = { true: true, false: false, null: false, undefined: false };

/**
 * What `expression` (JS/TS) is as a boolean when that needs no run of the program: literals, `!`, parentheses, and
 * an own-property test whose key is a plain object (`Object.prototype.hasOwnProperty.call(rule, this.rules)` with
 * its arguments swapped): the object becomes the key '[object Object]', which no object holds unless code writes it
 * literally. Undefined when it is not known.
 */
export function constantTruth(expression: Node | null | undefined): boolean | undefined {
  if (!expression) return undefined;
  switch (expression.type) {
    case 'parenthesized_expression':
      return constantTruth(expression.namedChildren[expression.namedChildren.length - 1]);
    case 'true':
    case 'false':
    case 'null':
    case 'undefined':
      return LITERAL_TRUTH[expression.type];
    case 'number': {
      // A bigint (`0n`) or anything Number() does not read is left undecided.
      const value = Number(expression.text.replace(/_/g, ''));
      return Number.isNaN(value) ? undefined : value !== 0;
    }
    case 'string':
      return expression.text.length > 2;
    case 'unary_expression': {
      if (expression.childForFieldName('operator')?.text !== '!') return undefined;
      const inner = constantTruth(expression.childForFieldName('argument'));
      return inner === undefined ? undefined : !inner;
    }
    case 'call_expression': {
      const key = ownPropertyKey(expression);
      return key && isPlainObject(key) ? false : undefined;
    }
    default:
      return undefined;
  }
}

/** The key an own-property test asks about: `Object.prototype.hasOwnProperty.call(o, k)`, `Object.hasOwn(o, k)`, `o.hasOwnProperty(k)`. */
function ownPropertyKey(call: Node): Node | undefined {
  const fn = call.childForFieldName('function')?.text.replace(/\s+/g, '');
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  if (!fn || args.some((arg) => arg?.type === 'spread_element')) return undefined;
  if (/^(?:Object\.prototype|\{\})\.hasOwnProperty\.call$|^Object\.hasOwn$/.test(fn)) return args[1] ?? undefined;
  if (/\.hasOwnProperty$/.test(fn) && args.length === 1) return args[0] ?? undefined;
  return undefined;
}

/**
 * Whether `node` is a plain object: an object literal that defines no conversion of its own, or `this.f` where
 * every assignment to `this.f` in the class is one.
 */
function isPlainObject(node: Node): boolean {
  if (node.type === 'object') return plainLiteral(node);
  const field = /^this\.([A-Za-z_$][\w$]*)$/.exec(node.text)?.[1];
  if (node.type !== 'member_expression' || !field) return false;
  let classBody = parentOf(node);
  while (classBody && classBody.type !== 'class_body') classBody = parentOf(classBody);
  if (!classBody) return false;
  const values: Node[] = [];
  for (const assignment of descendantsOfType(classBody, ['assignment_expression', 'augmented_assignment_expression'])) {
    const left = assignment.childForFieldName('left');
    if (left?.text.replace(/\s+/g, '') !== `this.${field}`) continue;
    const right = assignment.childForFieldName('right');
    if (assignment.type !== 'assignment_expression' || !right) return false;
    values.push(right);
  }
  for (const definition of descendantsOfType(classBody, ['field_definition', 'public_field_definition'])) {
    const name = definition.childForFieldName('property') ?? definition.childForFieldName('name');
    if (name?.text !== field) continue;
    const value = definition.childForFieldName('value');
    if (!value) return false;
    values.push(value);
  }
  return values.length > 0 && values.every((value) => value.type === 'object' && plainLiteral(value));
}

/** An object literal without computed keys, spreads or a conversion (`toString`, `valueOf`, `Symbol.toPrimitive`) of its own. */
function plainLiteral(object: Node): boolean {
  return object.namedChildren.every((member) => {
    if (!member || member.type === 'spread_element') return false;
    const key = member.childForFieldName('key') ?? member.childForFieldName('name') ?? member;
    return key.type !== 'computed_property_name' && !/^['"]?(?:toString|valueOf)['"]?$/.test(key.text);
  });
}
