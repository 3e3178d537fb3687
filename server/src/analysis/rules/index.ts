import { callWithoutTimeout } from './call-without-timeout';
import { replySerialUnchecked } from './reply-serial-unchecked';
import type { Rule } from './rule';
import { singleReadReceive } from './single-read-receive';

/** Rule implementations, one per registry entry (a test checks the two lists agree). */
export const RULE_IMPLEMENTATIONS: readonly Rule[] = [singleReadReceive, replySerialUnchecked, callWithoutTimeout];
