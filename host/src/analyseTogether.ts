import type { Analyzer, AnalyzeOptions } from '../../core/src/index';
import { checkFile, type FileOutcome } from './checkFile';
import { resolveRustImports } from './rustModules';
import { resolveAmong, SummaryIndex } from './summaryIndex';
import { resolve } from 'node:path';

/** `x.js` → `x.d.ts` (`.mjs` → `.d.mts`, `.cjs` → `.d.cts`); undefined for what is not compiled JavaScript. */
export function declarationFileOf(file: string): string | undefined {
  const m = /\.(m|c)?js$/.exec(file);
  return m ? `${file.slice(0, -m[0].length)}.d.${m[1] ?? ''}ts` : undefined;
}

/** Rounds of re-analysis for summaries that change: a wrapper of a wrapper of … an untimed call, this deep. */
export const SUMMARY_ROUNDS = 4;

/**
 * A scan's files analysed together, after each was analysed alone (`outcomes`, in walk order): a file that imports
 * files with function summaries (core summaries.ts) is analysed again with them, and when that changes its own
 * summaries its importers are next — only the dependents of a change, on this thread (they are few next to the
 * scan). Returns the index, for a host that keeps it (the language server's workspace index).
 */
export async function analyseTogether(
  walked: readonly { index: number; file: string; path: string }[],
  outcomes: FileOutcome[],
  options: AnalyzeOptions,
  analyzer: () => Analyzer,
): Promise<SummaryIndex> {
  const index = new SummaryIndex();
  // By absolute path: imports resolve to absolute paths, whatever form the walk's paths have (`lib/x.js`, `./x.js`).
  const byFile = new Map(walked.map((entry) => [resolve(entry.file), entry]));
  // Imports resolve among the walked files: one outside the scan has no summary here anyway.
  const resolved = (file: string, specifiers: readonly string[]) =>
    file.endsWith('.rs')
      ? resolveRustImports(file, specifiers, (candidate) => byFile.has(candidate)).imports
      : specifiers.flatMap((specifier) => {
          const path = resolveAmong(file, specifier, (candidate) => byFile.has(candidate));
          return path ? [{ specifier, path }] : [];
        });
  // A compiled module's declaration file names the types of its parameters: `constructor(dBus: DBus)` in
  // proxy-object.d.ts imports ./d-bus.js, which proxy-object.js only receives. Its imports are the module's too.
  const importsOf = (file: string, outcome: FileOutcome & { kind: 'analysed' }) => {
    const declaration = byFile.get(declarationFileOf(file) ?? '');
    const typed = declaration && outcomes[declaration.index];
    return typed?.kind === 'analysed' ? [...new Set([...outcome.imports, ...typed.imports])] : outcome.imports;
  };
  for (const [file, entry] of byFile) {
    const outcome = outcomes[entry.index];
    if (outcome?.kind !== 'analysed') continue;
    const imports = importsOf(file, outcome);
    if (outcome.summaries.length > 0 || imports.length > 0) index.set(file, outcome.summaries, resolved(file, imports));
  }
  let todo = [...byFile.keys()].filter((file) => index.importedFor(file));
  let shared: Analyzer | undefined;
  for (let round = 0; round < SUMMARY_ROUNDS && todo.length > 0; round++) {
    const next = new Set<string>();
    for (const file of todo) {
      const entry = byFile.get(file)!;
      shared ??= analyzer();
      const outcome = await checkFile(shared, entry.file, entry.path, {
        ...options,
        imported: index.importedFor(file),
      });
      outcomes[entry.index] = outcome;
      if (outcome.kind !== 'analysed' || !index.set(file, outcome.summaries, resolved(file, importsOf(file, outcome))))
        continue;
      for (const dependent of index.dependents(file)) if (byFile.has(dependent)) next.add(dependent);
    }
    todo = [...next];
  }
  return index;
}
