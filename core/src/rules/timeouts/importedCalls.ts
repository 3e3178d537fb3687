import { JS_LOCAL_METHODS } from '../../libraries/dbus-next';
import type { FunctionSummary, ImportedModule } from '../../summaries';
import type { Node } from 'web-tree-sitter';
import { bindingValue, escapeRegExp } from '../../resolve';
import { parentOf, unwrapExpression } from '../../syntax';
import type { FileFacts } from '../../facts';
import { nodeRange, type RuleContext, type RuleReport } from '../rule';
import { boundedByTimer, raceFix, timeoutHelpers } from './shared';

/**
 * A test that replaces modules with stand-ins (jest, vitest): what its imports do on a bus is not what their
 * sources say, down the whole chain, so their summaries do not apply.
 */
const MOCKS_MODULES = /\b(?:jest|vi)\.(?:do)?[mM]ock\s*\(\s*['"`]/;

type ImportedWaits = ReadonlyMap<string, { module: ImportedModule; summary: FunctionSummary }>;

const NONE: ImportedWaits = new Map();
/** The name table of each `imported` list (fixed for a document's life), built once rather than per check. */
const tables = new WeakMap<readonly ImportedModule[], ImportedWaits>();

/** The summarised functions of the files this one imports, by the name a call uses. */
export function importedWaits(file: FileFacts): ImportedWaits {
  const imported = file.imported;
  if (!imported?.length || file.has(MOCKS_MODULES)) return NONE;
  let table = tables.get(imported);
  if (!table) {
    const out = new Map<string, { module: ImportedModule; summary: FunctionSummary }>();
    for (const module of imported)
      for (const summary of module.summaries)
        if (!out.has(summary.name) && !JS_LOCAL_METHODS.test(summary.name)) out.set(summary.name, { module, summary });
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

function fileName(file: string): string {
  return file.replace(/^.*[\\/]/, '');
}

/**
 * Calls of an imported function that waits for a D-Bus reply with no deadline (its file's summary says so): the
 * caller waits as long, unless it bounds the call with a timer itself. The finding names the path: the function
 * in the other file and the call inside it that waits.
 */
export function checkImportedCalls(ctx: RuleContext): RuleReport[] {
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
