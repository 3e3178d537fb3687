import type { RuleId, Severity } from '../types';

/** Where rule docs are published; `docsPath` is relative to the repository root. */
export const DOCS_BASE_URL = 'https://example.invalid/dbus-lint/blob/main/';

export type FixKind = 'suppress' | 'add-method-timeout' | 'wrap-with-timeout' | 'finite-timeout';

export interface RuleMeta {
  id: RuleId;
  title: string;
  /** One line for rule lists, SARIF `shortDescription` and settings descriptions. */
  summary: string;
  defaultSeverity: Severity;
  /** Fallback message; rules normally build a message that names their evidence. */
  messageTemplate: string;
  docsPath: string;
  fixKinds: FixKind[];
}

/** The single source of truth for rules: diagnostics, hovers, SARIF, docs and package.json settings derive from it. */
export const RULES: readonly RuleMeta[] = [
  {
    id: 'single-read-receive',
    title: 'Single read taken as the complete reply',
    summary: 'After sending a call, one read (or one message) is taken as the whole reply; a signal such as NameAcquired can arrive first, and large replies span many reads.',
    defaultSeverity: 'warning',
    messageTemplate: 'the reply is taken from a single {receive} after {send}; keep reading until the complete reply arrives',
    docsPath: 'docs/rules/single-read-receive.md',
    fixKinds: ['suppress'],
  },
  {
    id: 'reply-serial-unchecked',
    title: 'Reply accepted without matching its REPLY_SERIAL',
    summary: 'A method return or error is accepted without comparing its REPLY_SERIAL header to the serial of the call that was sent.',
    defaultSeverity: 'warning',
    messageTemplate: 'the reply is accepted without comparing its REPLY_SERIAL to the serial of the call',
    docsPath: 'docs/rules/reply-serial-unchecked.md',
    fixKinds: ['suppress'],
  },
  {
    id: 'call-without-timeout',
    title: 'Method call that can wait forever',
    summary: 'A D-Bus method call with no timeout: if the peer never answers, the caller waits forever.',
    defaultSeverity: 'warning',
    messageTemplate: 'this D-Bus call has no timeout and can wait forever',
    docsPath: 'docs/rules/call-without-timeout.md',
    fixKinds: ['suppress', 'add-method-timeout', 'wrap-with-timeout', 'finite-timeout'],
  },
];

const BY_ID = new Map<string, RuleMeta>(RULES.map((rule) => [rule.id, rule]));

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

export function ruleMeta(id: RuleId): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown rule ${id}`);
  return meta;
}

export function ruleDocsUrl(id: RuleId): string {
  return DOCS_BASE_URL + ruleMeta(id).docsPath;
}
