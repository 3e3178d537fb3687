import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRuleId, ruleDocsUrl, ruleMeta, RULES, type RuleId } from '../../core/src/index';
import { localDocsDir } from '../../host/src/index';
import { UsageError, type Command } from './usage';

export const EXPLAIN_USAGE = `Usage: dbus-lint explain RULE-ID

Prints the rule's documentation: what it catches, why it matters, how to fix and how to suppress it.
Rules: ${RULES.map((rule) => rule.id).join(', ')}.`;

/** The generated header's marker comments are for `npm run generate`, not for a reader in a terminal. */
function withoutMarkers(markdown: string): string {
  return markdown.replace(/^<!--.*-->\n/gm, '');
}

/** The docs page shipped next to the CLI, or the registry's text and the page's URL when it is absent. */
export function ruleDocumentation(id: RuleId, docsDir = localDocsDir()): string {
  if (docsDir) {
    try {
      return withoutMarkers(readFileSync(join(docsDir, `${id}.md`), 'utf8'));
    } catch {
      // Fall through to the registry: the rule exists even if its page was not shipped.
    }
  }
  const rule = ruleMeta(id);
  return `# ${id}\n\n**${rule.title}.** ${rule.description}\n\nDefault severity: ${rule.defaultSeverity}.\n\nFull documentation: ${ruleDocsUrl(id)}\n`;
}

export const explainCommand: Command = (args, io) => {
  const [id, ...extra] = args;
  if (id === '--help' || id === '-h') {
    io.stdout(EXPLAIN_USAGE + '\n');
    return Promise.resolve(0);
  }
  if (!id || extra.length > 0) throw new UsageError(`explain takes one RULE-ID\n${EXPLAIN_USAGE}`);
  if (!isRuleId(id)) throw new UsageError(`unknown rule "${id}"; rules: ${RULES.map((rule) => rule.id).join(', ')}`);
  io.stdout(ruleDocumentation(id));
  return Promise.resolve(0);
};
