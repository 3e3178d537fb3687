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
  /** True when the client registers RUN_WITH_FAULTS_COMMAND, so the server may offer "Prove it with the fault bus". */
  faultBusCommand?: boolean;
}

/**
 * Server-side command: applies every fix that needs no choice to a document (the fix-all plan), through
 * `workspace/applyEdit`. Argument: FixAllRequest. Any LSP client can run it; VS Code's
 * "D-Bus Lint: Fix All in File" does.
 */
export const APPLY_ALL_FIXES_COMMAND = 'dbusLint.applyAllFixes';

/** Client-side command (the palette's "Fix All in File"): runs APPLY_ALL_FIXES_COMMAND on the active editor. */
export const FIX_ALL_IN_FILE_COMMAND = 'dbusLint.fixAllInFile';

/** The code action kind of fix all, for `"editor.codeActionsOnSave": {"source.fixAll.dbusLint": "explicit"}`. */
export const FIX_ALL_KIND = 'source.fixAll.dbusLint';

export interface FixAllRequest {
  uri: string;
  /** The version the caller saw; the fixes are made for the current one either way. */
  version?: number;
}

export function isFixAllRequest(value: unknown): value is FixAllRequest {
  return !!value && typeof value === 'object' && typeof (value as { uri?: unknown }).uri === 'string';
}

/** Client-side command (the VS Code extension registers it): runs a program against the fault bus. */
export const RUN_WITH_FAULTS_COMMAND = 'dbusLint.runWithFaults';

/** The argument of RUN_WITH_FAULTS_COMMAND from "Prove it with the fault bus": the faults to preselect. */
export interface FaultRunRequest {
  ruleId?: RuleId;
  /** Fault kinds (`late-signal`, `split`, …) the rule's bug shows under. */
  faults: string[];
}

export function isFaultRunRequest(value: unknown): value is FaultRunRequest {
  if (!value || typeof value !== 'object') return false;
  const { faults, ruleId } = value as { faults?: unknown; ruleId?: unknown };
  return (
    Array.isArray(faults) &&
    faults.every((fault) => typeof fault === 'string') &&
    (ruleId === undefined || typeof ruleId === 'string')
  );
}
