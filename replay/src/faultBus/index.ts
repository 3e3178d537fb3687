// The fault bus's public surface, for the CLI and tests.
export { FaultBusError } from './errors';
export { busAddressVariable, FaultBus, type FaultBusOptions, type UpstreamChoice } from './proxy';
export { FAULT_PAUSE_MS, FAULT_TABLE, FaultSpecError, faultLabel, parseFault, parseFaults, type Fault } from './faults';
export { callMatches, matchLabel, parseMatch, type CallMatch } from './match';
export { UNIX_FD_REFUSAL } from './saslRelay';
export type * from './recording';
export { connectionsPcap, messageLabel, sequenceLines } from './report';
export { ProgramStartError, runProgram, type ProgramEnd, type ProgramOutcome, type ProgramRun } from './programRun';
