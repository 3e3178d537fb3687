import { constantTruth } from '../../reachability';
import { JS_LOCAL_METHODS } from '../../libraries/dbus-next';
import {
  crateIdentifier,
  expandPath,
  mergeModuleRefs,
  rustModuleRefs,
  type ModulePath,
  type RustModuleRefs,
} from '../../rustModules';
import { rustFnSignature, type FunctionSummary, type ImportedModule, type OptionGuard } from '../../summaries';
import type { Node } from 'web-tree-sitter';
import { bindingValue, escapeRegExp } from '../../resolve';
import { parentOf, stringValue, unwrapExpression, type Callee } from '../../syntax';
import { reachingValue } from '../../values';
import type { FileFacts } from '../../facts';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { pathQualifier, receiverType } from './rustValueTypes';
import { boundedByTimer, functionDefinitions, raceFix, timeoutHelpers } from './shared';

/**
 * A test that replaces modules with stand-ins (jest, vitest): what its imports do on a bus is not what their
 * sources say, down the whole chain, so their summaries do not apply.
 */
const MOCKS_MODULES = /\b(?:jest|vi)\.(?:do)?[mM]ock\s*\(\s*['"`]/;

interface ImportedWait {
  module: ImportedModule;
  summary: FunctionSummary;
}
type ImportedWaits = ReadonlyMap<string, ImportedWait>;

const NONE: ImportedWaits = new Map();
/** The name table of each `imported` list (fixed for a document's life), built once rather than per check. */
const tables = new WeakMap<readonly ImportedModule[], ImportedWaits>();

/** The summarised functions of the files this one imports, by the name a call uses. */
export function importedWaits(file: FileFacts): ImportedWaits {
  const imported = file.imported;
  if (!imported?.length || file.has(MOCKS_MODULES)) return NONE;
  let table = tables.get(imported);
  if (!table) {
    const out = new Map<string, ImportedWait>();
    for (const module of imported)
      for (const summary of module.summaries)
        if (!out.has(summary.name) && (summary.owner !== undefined || !JS_LOCAL_METHODS.test(summary.name)))
          out.set(summary.name, { module, summary });
    tables.set(imported, (table = out));
  }
  return table;
}

/**
 * A receiver the file builds with `new C(…)` from a class it does not import from the summarised module: its
 * method is C's, not the module's function of the same name (`dBus.disconnect()` on a `new SystemDBus()` is not
 * the imported `Device.disconnect`).
 */
function madeByOtherModule(receiver: Node, module: ImportedModule, ctx: RuleContext): boolean {
  if (receiver.type !== 'identifier') return false;
  const value = bindingValue(ctx, receiver.text);
  const created = value && unwrapExpression(value);
  if (created?.type !== 'new_expression') return false;
  const ctor = created.childForFieldName('constructor')?.text.split('.')[0];
  if (!ctor || !/^[A-Za-z_$][\w$]*$/.test(ctor)) return false;
  const fromModule = new RegExp(
    `\\b${escapeRegExp(ctor)}\\b[^;]*?\\bfrom\\s*['"]${escapeRegExp(module.specifier)}['"]|\\b${escapeRegExp(ctor)}\\b[^;]*?=\\s*require\\s*\\(\\s*['"]${escapeRegExp(module.specifier)}['"]`,
  );
  return !ctx.has(fromModule);
}

/**
 * Whether the receiver was made, in the calling function, with a literal for the guarded option that makes the
 * method leave before it waits (`new BusHelper(bus, …, { useProps: false })` then `helper.props()`, which throws
 * "props not available" without a call). Anything else — no literal, a spread after it, another binding — may wait.
 */
function leavesFirst(receiver: Node, guard: OptionGuard, at: Node): boolean {
  if (receiver.type !== 'identifier') return false;
  const value = reachingValue(receiver.text, at);
  const created = typeof value === 'object' ? unwrapExpression(value) : undefined;
  if (created?.type !== 'new_expression') return false;
  const options = created.childForFieldName('arguments')?.namedChildren[guard.param];
  if (options?.type !== 'object') return false;
  const members = options.namedChildren;
  let index = -1;
  members.forEach((m, i) => {
    const key = m?.type === 'pair' ? m.childForFieldName('key') : null;
    if (key && (stringValue(key) ?? key.text) === guard.property) index = i;
  });
  if (index < 0 || members.slice(index + 1).some((m) => m?.type === 'spread_element')) return false;
  const truthy = constantTruth(members[index]?.childForFieldName('value'));
  return truthy !== undefined && truthy !== guard.waitsWhen;
}

function fileName(file: string): string {
  return file.replace(/^.*[\\/]/, '');
}

/**
 * Calls of an imported function that waits for a D-Bus reply with no deadline (its file's summary says so): the
 * caller waits as long, unless it bounds the call with a timer itself. The finding names the path: the function
 * in the other file and the call inside it that waits.
 */
export function checkImportedCalls(ctx: RuleContext): RuleReport[] {
  if (ctx.language === 'rust') return checkImportedRustCalls(ctx);
  const waits = importedWaits(ctx);
  if (waits.size === 0) return [];
  const helpers = timeoutHelpers(ctx);
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    const found = c && waits.get(c.name);
    if (!c || !found || boundedByTimer(call, ctx, helpers)) continue;
    // `this.m()` is the class's own method, whatever an import of the same name does.
    if (c.receiver?.text === 'this' || c.receiver?.text === 'self') continue;
    const { module, summary } = found;
    if (c.receiver && madeByOtherModule(c.receiver, module, ctx)) continue;
    if (summary.guard && c.receiver && leavesFirst(c.receiver, summary.guard, call)) continue;
    const where = `${fileName(module.file)}:${summary.range.start.line + 1}`;
    const awaited: boolean =
      unwrapExpression(call) !== call ||
      parentOf(call)?.type === 'return_statement' ||
      parentOf(call)?.type === 'variable_declarator';
    reports.push({
      range: nodeRange(c.nameNode),
      message: `\`${c.path}()\` can wait forever: \`${summary.name}\` (${where}, imported from '${module.specifier}') waits on ${summary.waits}, which has no deadline; bound the call with a timer (Promise.race) or give \`${summary.name}\` a timeout`,
      related: [
        {
          file: module.file,
          range: summary.range,
          message: `\`${summary.name}\` hands its caller a wait with no deadline`,
        },
        { file: module.file, range: summary.waitRange, message: `the call that waits: ${summary.waits}` },
      ],
      data: summary.library ? { library: summary.library } : {},
      fixes: awaited ? [raceFix(call, ctx.language, `\`${c.path}()\``)] : [],
    });
  }
  return reports;
}

/** The file's `use` and `mod` declarations and path calls (rustModules.ts), read item by item. */
function moduleRefs(file: FileFacts): RustModuleRefs {
  return mergeModuleRefs(file.eachItem(rustModuleRefs));
}

/** The imported module a path starts with (the longest), and what the path names inside it. */
function inModule(path: ModulePath, imported: readonly ImportedModule[]): ImportedWait | undefined {
  let best: { module: ImportedModule; length: number } | undefined;
  for (const module of imported) {
    const prefix = module.specifier.split('::');
    if (prefix.length >= path.length || prefix.some((segment, i) => path[i] !== segment)) continue;
    if (!best || prefix.length > best.length) best = { module, length: prefix.length };
  }
  if (!best) return undefined;
  const rest = path.slice(best.length);
  // `f` is a free function of the module; `Type::f` a function of an `impl Type` there.
  const [owner, name] = rest.length === 2 ? rest : [undefined, rest[0]];
  if (rest.length > 2 || !name) return undefined;
  const summary = best.module.summaries.find((s) => s.name === name && s.owner === owner);
  return summary && { module: best.module, summary };
}

/**
 * The declared return type of the file's own `fn` a call runs: `x.m()` on a value of `receiver`'s type is the `m`
 * of an `impl` of that type, `Type::m()` that type's, `m()` a free function. Undefined when the file says nothing
 * or more than one function could be meant.
 */
function ownReturnType(
  ctx: RuleContext,
  c: Callee,
  receiver: () => string | undefined,
): { returns: string; owner?: string } | undefined {
  const owner = c.receiver ? receiver() : pathQualifier(c);
  if (c.receiver && !owner) return undefined;
  const found = functionDefinitions(ctx, c.name).flatMap((fn) => {
    const { owner: implType, returns } = rustFnSignature(fn);
    return returns && implType === owner ? [{ returns, ...(owner ? { owner } : {}) }] : [];
  });
  return found.length === 1 ? found[0] : undefined;
}

/** How many calls deep a receiver's type is followed (`a.b()?.c()?.d()`). */
const MAX_TARGET_DEPTH = 4;

/**
 * The imported function a Rust call runs, when the file's paths say which: `helper()` bound by `use
 * crate::client::helper`, `client::helper()`, `crate::client::helper()`, `Client::connect()` bound by `use`;
 * `x.get()` on the type `x`'s value has when where it came from says (rustValueTypes.ts: `let c =
 * ss.get_default_collection()?` holds the `Collection` that summary returns), else only when one imported method
 * has that name, its type is imported by name and the file defines no `get` of its own (a wrong guess is a false
 * finding, a miss only a missed one).
 */
function rustTarget(
  c: Callee,
  ctx: RuleContext,
  imported: readonly ImportedModule[],
  depth = 0,
): ImportedWait | undefined {
  if (depth > MAX_TARGET_DEPTH) return undefined;
  const refs = ctx.fact(moduleRefs);
  // `use app::client::helper` in the package's main.rs, a test or an example: its library by name.
  const own = crateIdentifier(ctx.project?.name);
  // Modules reached through another's imports are for typed receivers only.
  const direct = imported.filter((module) => !module.indirect);
  const expand = (segments: readonly string[]) => expandPath(segments, refs, own);
  if (c.receiver) {
    if (/^(?:self|Self)$/.test(c.receiver.text)) return undefined;
    // Only a method some imported summary names can be a wait: no type is worked out for the others.
    if (!imported.some((module) => module.summaries.some((s) => s.name === c.name))) return undefined;
    // Where the receiver came from names its type: the method of that type, or none.
    const type = receiverType(c.receiver, (inner, innerReceiver) => {
      const summary = rustTarget(inner, ctx, imported, depth + 1)?.summary;
      if (summary?.returns) return { returns: summary.returns, owner: summary.owner };
      return ownReturnType(ctx, inner, innerReceiver);
    });
    if (type) {
      const typed = imported.flatMap((module) =>
        module.summaries
          .filter((s) => s.name === c.name && s.owner === type && s.takesSelf)
          .map((summary) => ({ module, summary })),
      );
      return typed.length === 1 ? typed[0] : undefined;
    }
    const named = direct.flatMap((module) =>
      module.summaries.filter((s) => s.name === c.name).map((summary) => ({ module, summary })),
    );
    const [only] = named;
    if (named.length !== 1 || !only.summary.takesSelf || !only.summary.owner) return undefined;
    const typePath = [...only.module.specifier.split('::'), only.summary.owner].join('::');
    const typeImported =
      [...refs.bindings.values()].some((path) => expand(path)?.join('::') === typePath) ||
      refs.globs.some((glob) => expand(glob)?.join('::') === only.module.specifier);
    return typeImported &&
      functionDefinitions(ctx, c.name).length === 0 &&
      mayBeOfType(c.receiver, only.summary.owner, ctx)
      ? only
      : undefined;
  }
  const segments = c.path.split('::').map((s) => s.trim());
  if (segments.length > 1) {
    const path = expand(segments);
    return path && inModule(path, direct);
  }
  // A plain name: what a `use` binds it to, else what a glob brings, unless the file defines it itself.
  if (functionDefinitions(ctx, c.name).length > 0) return undefined;
  const bound = refs.bindings.get(c.name);
  if (bound) {
    const path = expand(bound);
    return path && inModule(path, direct);
  }
  const found = refs.globs.flatMap((glob) => {
    const path = expand(glob);
    const hit = path && inModule([...path, c.name], direct);
    return hit ? [hit] : [];
  });
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Whether the receiver of `x.get()` may be a value of `owner`: false when what it is bound to says it is another
 * type — a parameter or `let` typed without `owner` (`p: &DaemonProxy<'_>`), a `let` made by another type's
 * constructor (`let p = DaemonProxy::new(…)`), a `self.` field declared with another type. An unknown binding (a
 * getter's result) may be.
 */
function mayBeOfType(receiver: Node, owner: string, ctx: RuleContext): boolean {
  const mentions = (type: string) => new RegExp(`\\b${escapeRegExp(owner)}\\b`).test(type);
  const field = /^self\s*\.\s*([a-z_]\w*)$/.exec(receiver.text)?.[1];
  if (field) {
    const declared = ctx
      .matches(FIELD_DECLARATION)
      .filter((m) => m[1] === field)
      .map((m) => m[2] ?? '');
    return declared.length === 0 || declared.some(mentions);
  }
  if (!/^[a-z_]\w*$/.test(receiver.text)) return true;
  const name = escapeRegExp(receiver.text);
  const scope = ctx.scopeOf(receiver).text;
  const typed = [
    ...scope.matchAll(new RegExp(`(?:\\blet\\s+(?:mut\\s+)?|[(,]\\s*(?:mut\\s+)?)${name}\\s*:\\s*([^,)=;{]+)`, 'g')),
  ].map((m) => m[1] ?? '');
  if (typed.length > 0) return typed.some(mentions);
  const made = [
    ...scope.matchAll(
      new RegExp(
        `\\blet\\s+(?:mut\\s+)?${name}\\s*=\\s*(?:[a-z_]\\w*::)*([A-Z]\\w*)\\s*(?:<[^>]*>\\s*)?(?:::|\\{)`,
        'g',
      ),
    ),
  ].map((m) => m[1] ?? '');
  return made.length === 0 || made.some(mentions);
}

/** A struct field and its type: `proxy: DaemonProxy<'static>,`. */
const FIELD_DECLARATION = /(?:^|[{,(])\s*(?:pub(?:\s*\([^)]*\))?\s+)?([a-z_]\w*)\s*:\s*([^,}\n]+)/gm;

/** Rust calls of imported functions that wait forever, unless bounded where they are called (`tokio::time::timeout`). */
function checkImportedRustCalls(ctx: RuleContext): RuleReport[] {
  const imported = ctx.imported;
  if (!imported?.length) return [];
  const reports: RuleReport[] = [];
  for (const call of ctx.nodes('call')) {
    const c = ctx.callee(call);
    const found = c && rustTarget(c, ctx, imported);
    if (!c || !found || boundedByTimer(call, ctx)) continue;
    const { module, summary } = found;
    const where = `${fileName(module.file)}:${summary.range.start.line + 1}`;
    const shown = summary.owner ? `${summary.owner}::${summary.name}` : summary.name;
    reports.push({
      range: nodeRange(c.nameNode),
      message: `\`${c.path.length <= 40 ? c.path : c.name}()\` can wait forever: \`${shown}\` (${where}, from \`${module.specifier}\`) waits on ${summary.waits}, which has no deadline; wrap the call in \`tokio::time::timeout\` or give \`${summary.name}\` a timeout`,
      related: [
        {
          file: module.file,
          range: summary.range,
          message: `\`${shown}\` hands its caller a wait with no deadline`,
        },
        { file: module.file, range: summary.waitRange, message: `the call that waits: ${summary.waits}` },
      ],
      data: summary.library ? { library: summary.library } : {},
      fixes: [],
    });
  }
  return reports;
}
