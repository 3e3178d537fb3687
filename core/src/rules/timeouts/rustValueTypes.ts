// The type a Rust value has, as far as the file and the summaries of the files it imports say: followed from
// where the value came from (a `let` of an imported function's result, an element of a `Vec` it returned, a
// `Type::new(…)`), so that `collection.create_item(…)` is looked up on `Collection` when `collection` came from
// `ss.get_default_collection()?` and its summary says it returns `Result<Collection>`. No inference beyond that:
// an unknown value has no type here, and the caller falls back to guessing by the method's name.
import type { Node } from 'web-tree-sitter';
import { callee, type Callee } from '../../syntax';
import { reachingValue, strip } from '../../values';

/** Types whose value a caller reaches through `?`, `.unwrap()`, `.await` or a deref: `Result<T>` holds a `T`. */
const WRAPPERS = new Set(['Result', 'Option', 'Box', 'Arc', 'Rc', 'RefCell', 'Mutex', 'RwLock', 'Pin', 'Cow']);
/** Collections whose element `.get(i)`, `.first()`, `[i]` or an iterator's `.next()` gives. */
const COLLECTIONS = new Set(['Vec', 'VecDeque', 'HashSet', 'BTreeSet', 'LinkedList', 'BinaryHeap']);
const ELEMENT_ACCESS =
  /^(?:get|get_mut|first|first_mut|last|last_mut|pop|pop_front|pop_back|remove|swap_remove|next|next_back|nth)$/;
/** Calls that keep the collection's element type (`.iter().next()` is an element). */
const ITERATORS = /^(?:iter|iter_mut|into_iter|drain|rev|skip|take)$/;
/** `Type::new(…)` and its kin return the type itself (or a Result of it) when no summary says otherwise. */
const CONSTRUCTORS = /^(?:new|try_new|default|connect|open|from\w*|with_\w+|create)$/;
/** How many bindings and calls are followed back from one receiver. */
const MAX_DEPTH = 6;

interface ParsedType {
  name: string;
  args: string[];
}

/** `&'a mut crate::x::Vec<Item<'a>, A>` → `Vec` with `Item<'a>`, `A`; `[Item]` → `Vec` of `Item`. */
function parseType(text: string): ParsedType | undefined {
  const t = text
    .trim()
    .replace(/^->\s*/, '')
    .replace(/^(?:&\s*(?:'\w+\s+)?(?:mut\s+)?|(?:dyn|impl)\s+)+/, '')
    .trim();
  const slice = /^\[\s*([\s\S]+?)\s*(?:;[^\]]*)?\]$/.exec(t);
  if (slice?.[1]) return { name: 'Vec', args: [slice[1]] };
  const m = /^((?:\w+\s*::\s*)*)(\w+)\s*(?:<([\s\S]*)>)?$/.exec(t);
  if (!m?.[2]) return undefined;
  return { name: m[2], args: m[3] === undefined ? [] : topLevelArgs(m[3]) };
}

/** The comma-separated arguments of a generic list, not splitting inside nested `<…>`, `(…)` or `[…]`. */
function topLevelArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '<' || ch === '(' || ch === '[') depth++;
    else if (ch === '>' || ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((a) => a.trim()).filter((a) => a && !a.startsWith("'"));
}

/** The type inside every wrapper: `Result<Arc<Collection>>` → `Collection`. */
function unwrapped(text: string): ParsedType | undefined {
  let parsed = parseType(text);
  for (let i = 0; parsed && WRAPPERS.has(parsed.name) && parsed.args[0] && i < 8; i++) {
    parsed = parseType(parsed.args[0]);
  }
  return parsed;
}

/** The element type of a collection (inside its wrappers): `Result<Vec<Item>>` → `Item`. */
function elementOf(text: string | undefined): string | undefined {
  const parsed = text === undefined ? undefined : unwrapped(text);
  return parsed && COLLECTIONS.has(parsed.name) ? parsed.args[0] : undefined;
}

/**
 * The declared return type of the function a call runs, and the type `Self` stands for there: from an imported
 * function's summary, or from the file's own `fn`. `receiver` works out the type the method's receiver holds, if
 * known; only a lookup that needs it pays for it.
 */
export type ReturnTypeOf = (
  c: Callee,
  receiver: () => string | undefined,
) => { returns: string; owner?: string } | undefined;

/**
 * The name of the type `receiver` holds (`Collection`, `Item`), when where it came from says; undefined when
 * nothing does.
 */
export function receiverType(receiver: Node, returnTypeOf: ReturnTypeOf): string | undefined {
  return typeName(typeOf(receiver, returnTypeOf, 0));
}

/** The name of the type a type's text holds inside its wrappers; undefined for a collection or nothing. */
function typeName(text: string | undefined): string | undefined {
  const parsed = text === undefined ? undefined : unwrapped(text);
  return parsed && !WRAPPERS.has(parsed.name) && !COLLECTIONS.has(parsed.name) ? parsed.name : undefined;
}

function typeOf(node: Node, returnTypeOf: ReturnTypeOf, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const value = strip(node);
  if (value.type === 'identifier') {
    if (value.text === 'self') return undefined;
    const reaching = reachingValue(value.text, value);
    return reaching && typeof reaching !== 'string' ? typeOf(reaching, returnTypeOf, depth + 1) : undefined;
  }
  if (value.type === 'index_expression') {
    const collection = value.namedChildren[0];
    return collection ? elementOf(typeOf(collection, returnTypeOf, depth + 1)) : undefined;
  }
  if (value.type === 'struct_expression') {
    return value.childForFieldName('name')?.text;
  }
  if (value.type !== 'call_expression') return undefined;
  const c = callee(value);
  if (!c) return undefined;
  const receiver = value.childForFieldName('function')?.type === 'field_expression' ? c.receiver : undefined;
  if (receiver) {
    if (ELEMENT_ACCESS.test(c.name)) return elementOf(typeOf(receiver, returnTypeOf, depth + 1));
    if (ITERATORS.test(c.name)) return typeOf(receiver, returnTypeOf, depth + 1);
  }
  const declared = returnTypeOf(c, () => (receiver ? typeName(typeOf(receiver, returnTypeOf, depth + 1)) : undefined));
  if (declared) return declared.owner ? declared.returns.replace(/\bSelf\b/g, declared.owner) : declared.returns;
  // `Type::new(…)` with no summary of its own: the type it is named on.
  const type = pathQualifier(c);
  return !c.receiver && type && /^[A-Z]/.test(type) && CONSTRUCTORS.test(c.name) ? type : undefined;
}

/** What a path call is named on, without generics: `Collection` for `a::Collection::new(…)`. */
export function pathQualifier(c: Callee): string | undefined {
  const segments = c.path.split('::').map((s) => s.trim().replace(/<[\s\S]*$/, ''));
  return segments.length > 1 ? segments.at(-2) : undefined;
}
