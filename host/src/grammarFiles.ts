import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GrammarSource } from '../../core/src/index';

/** Reads grammars from a folder laid out like grammars/ (wasm files + queries/<lang>/*.scm). */
export function grammarFolder(dir: string): GrammarSource {
  return {
    wasm: async (file) => new Uint8Array(await readFile(join(dir, file))),
    query: async (folder, name) => {
      try {
        return await readFile(join(dir, 'queries', folder, `${name}.scm`), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/**
 * grammars/ next to the bundle (dist/../grammars) or, when running from source, at the repository root.
 * DBUS_LINT_GRAMMARS overrides both.
 */
export function defaultGrammarDir(): string {
  const candidates = [
    process.env.DBUS_LINT_GRAMMARS,
    join(__dirname, '..', 'grammars'),
    join(__dirname, '..', '..', 'grammars'),
  ].filter((dir): dir is string => !!dir);
  const found = candidates.find((dir) => existsSync(join(dir, 'web-tree-sitter.wasm')));
  if (!found) {
    throw new Error(
      `tree-sitter grammars not found (looked in ${candidates.join(', ')}); run \`npm run build\` to copy them into grammars/`,
    );
  }
  return found;
}

/** docs/rules next to the bundle (dist/../docs/rules, as in the vsix) or in the repository; undefined if absent. */
export function localDocsDir(): string | undefined {
  return [join(__dirname, '..', 'docs', 'rules'), join(__dirname, '..', '..', 'docs', 'rules')].find((dir) =>
    existsSync(join(dir, 'call-without-timeout.md')),
  );
}
