// The rule registry: the single source of truth for rules. Diagnostics, hovers, SARIF `driver.rules`, the
// settings in package.json, the README's rules table and each doc's header derive from it (`npm run generate`).
// A new rule is one rule file (metadata and check), its docs body and its fixtures, plus its entry here.
import { callWithoutTimeout } from './call-without-timeout';
import { replySerialUnchecked } from './reply-serial-unchecked';
import type { Rule } from './rule';
import { singleReadReceive } from './single-read-receive';

export const RULES = [singleReadReceive, replySerialUnchecked, callWithoutTimeout] as const;

export type RuleId = (typeof RULES)[number]['id'];

/** What hosts read of a rule: everything but its check. */
export type RuleMeta = Omit<Rule<RuleId>, 'languages' | 'mayApply' | 'anchors' | 'scopeFilter' | 'check'>;

/** The project's home; the docs, the SARIF `informationUri` and package.json's URLs derive from it. */
export const PROJECT_URL = 'https://example.invalid/dbus-lint';

/** Where rule docs are published: a rule's page is `docs/rules/<id>.md` below it. */
export const DOCS_BASE_URL = `${PROJECT_URL}/blob/main/`;

const BY_ID = new Map<string, Rule<RuleId>>(RULES.map((rule) => [rule.id, rule]));

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

export function ruleMeta(id: RuleId): RuleMeta {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown rule ${id}`);
  return rule;
}

/** The rule's docs page, relative to the repository root (and to the extension's folder, which ships docs/). */
export function ruleDocsPath(id: RuleId): string {
  return `docs/rules/${id}.md`;
}

export function ruleDocsUrl(id: RuleId): string {
  return DOCS_BASE_URL + ruleDocsPath(id);
}
