// Function summaries: what calling a function of this file does, for the files that import it. A function whose
// D-Bus call waits for its reply with no deadline, and that hands that wait to its caller (returns the call's
// promise, awaits it, or settles its own promise from it), makes every caller wait as long: the callers' files
// get the finding at their call sites (rules/timeouts/importedCalls.ts), linked back to the function.
import type { Node, Tree } from 'web-tree-sitter';
import { nodeRange } from './rules/rule';
import { isFunctionBoundary, parentOf } from './syntax';
import type { Finding, LanguageId, Range } from './types';

/** A function of one file that can wait forever, as its importers see it. */
export interface FunctionSummary {
  /** The name callers use: the function's, the method's, or the property or export it is assigned to. */
  name: string;
  /** Its name where it is defined. */
  range: Range;
  /** The call inside it that waits. */
  waitRange: Range;
  /** What that call is (from its finding), e.g. "`this.bus.call()` (dbus-next)". */
  waits: string;
  library?: string;
}

/** Another file this one imports, with what the host knows of its functions. */
export interface ImportedModule {
  /** The file as the host names it (a path or a uri): related locations point there. */
  file: string;
  /** How this file imports it (`./d-bus.js`), for messages. */
  specifier: string;
  summaries: readonly FunctionSummary[];
}

/**
 * The relative module specifiers a JS/TS file imports (`import … from './x'`, `export … from './x'`,
 * `require('./x')`, `import('./x')`): the files of its own project whose summaries apply to it.
 */
export function relativeImports(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\b(?:from|require\s*\(|import\s*\(|import)\s*['"](\.{1,2}\/[^'"\n]*|\.{1,2})['"]/g))
    out.add(m[1]);
  return [...out];
}

const FUNCTION_NAME_PARENTS = new Set([
  'variable_declarator',
  'assignment_expression',
  'pair',
  'public_field_definition',
  'field_definition',
]);

/** The name a function is called by: its own, or what it is bound to (`const f =`, `this.f =`, `X.prototype.f =`, `{ f: … }`). */
function functionName(fn: Node): Node | undefined {
  const own = fn.childForFieldName('name');
  if (own && fn.type !== 'function_expression' && fn.type !== 'function') return own;
  const parent = parentOf(fn);
  if (!parent || !FUNCTION_NAME_PARENTS.has(parent.type)) return own ?? undefined;
  const target =
    parent.childForFieldName('name') ??
    parent.childForFieldName('left') ??
    parent.childForFieldName('key') ??
    parent.childForFieldName('property');
  if (!target) return undefined;
  if (target.type === 'member_expression') return target.childForFieldName('property') ?? undefined;
  return target;
}

/**
 * Whether the wait of `call` becomes its function's: the call (or a chain on it) is returned or is an arrow's
 * body; or it is awaited (so the function's own promise waits); or it settles a `new Promise` that is itself
 * handed out so. A call fired and forgotten (`bus.call(m).then(log)` in a function that returns nothing) is not.
 * Returns the function whose caller waits, or undefined.
 */
function handedOut(call: Node): Node | undefined {
  let awaited = false;
  for (let current = parentOf(call), child: Node = call; current; child = current, current = parentOf(current)) {
    if (current.type === 'return_statement') awaited = true;
    if (current.type === 'await_expression') awaited = true;
    if (!isFunctionBoundary(current)) continue;
    const isArrowBody = current.type === 'arrow_function' && current.childForFieldName('body')?.id === child.id;
    // A `new Promise((resolve, reject) => …)` executor: the promise waits on what the executor waits on.
    const args = parentOf(current);
    const created = args?.type === 'arguments' ? parentOf(args) : undefined;
    if (created?.type === 'new_expression' && created.childForFieldName('constructor')?.text === 'Promise') {
      current = created;
      awaited = false;
      continue;
    }
    if (isArrowBody || awaited) return current;
    return undefined;
  }
  return undefined;
}

/** The summaries of a file's functions, from its tree and the findings of its analysis. */
export function summarize(tree: Tree, findings: readonly Finding[], language: LanguageId): FunctionSummary[] {
  if (language === 'rust') return [];
  const out = new Map<string, FunctionSummary>();
  for (const finding of findings) {
    if (finding.ruleId !== 'call-without-timeout' || finding.kind || finding.suppression) continue;
    let call: Node | null = tree.rootNode.descendantForPosition({
      row: finding.range.start.line,
      column: finding.range.start.character,
    });
    while (call && call.type !== 'call_expression' && call.type !== 'new_expression') call = parentOf(call) ?? null;
    if (!call) continue;
    const fn = handedOut(call);
    const name = fn && functionName(fn);
    if (!fn || !name || name.text === 'constructor' || out.has(name.text)) continue;
    out.set(name.text, {
      name: name.text,
      range: nodeRange(name),
      waitRange: finding.range,
      waits: /^(`[^`]+`(?: \([^)]*\))?)/.exec(finding.message)?.[1] ?? 'a D-Bus call',
      ...(finding.data.library ? { library: finding.data.library } : {}),
    });
  }
  return [...out.values()];
}
