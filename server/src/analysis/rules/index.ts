import { callWithoutTimeout } from './call-without-timeout';
import type { Rule } from './rule';

/** Rule implementations, one per registry entry (a test checks the two lists agree). */
export const RULE_IMPLEMENTATIONS: readonly Rule[] = [callWithoutTimeout];
