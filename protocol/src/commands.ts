import type { CallData, RuleId } from '../../core/src/index';

export type { CallData, RuleId };

/** Server-side command: opens a rule's docs through `window/showDocument`, so it works in any LSP client. */
export const SHOW_DOCUMENTATION_COMMAND = 'dbusLint.showRuleDocumentation';

/** Client-side command (the VS Code extension registers it): replays a call live, asking for missing parts. */
export const REPLAY_CALL_COMMAND = 'dbusLint.replayCall';

/** The argument of REPLAY_CALL_COMMAND: what the "Replay this call on the bus" code action passes. */
export interface ReplayRequest {
  call: CallData;
  ruleId?: RuleId;
}

/** Checks a command argument's shape (it crossed a process boundary as JSON). */
export function isReplayRequest(value: unknown): value is ReplayRequest {
  if (!value || typeof value !== 'object') return false;
  const { call, ruleId } = value as { call?: unknown; ruleId?: unknown };
  return isCallData(call) && (ruleId === undefined || typeof ruleId === 'string');
}

/** A diagnostic's call data as it comes back from the client: an object, every part optional. */
export function isCallData(value: unknown): value is CallData {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** What the client tells the server in `initializationOptions`. */
export interface InitializationOptions {
  /** The `dbusLint` settings section, for clients without `workspace/configuration`. */
  settings?: unknown;
  /** True when the client registers REPLAY_CALL_COMMAND, so the server may offer "Replay this call on the bus". */
  replayCommand?: boolean;
}
