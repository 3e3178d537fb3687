// One replay, host-independent: the editor command and the CLI both run a call through a backend
// (the embedded D-Bus client in production, fakes in tests) and get the same result.
import type { CallRecording, DetailedRecording, StressSummary } from '../../wire/src/index';
import type { BusChoice, ReplayCall } from './call';
import { naiveVerdict, type NaiveVerdict } from './naive';

export const DEFAULT_TIMEOUT_MS = 5000;

export interface MethodDescription {
  signature: string;
  argNames: string[];
}

export interface ReplayBackend {
  record(call: ReplayCall, timeoutMs: number): Promise<DetailedRecording>;
  stress(
    call: ReplayCall,
    runs: number,
    timeoutMs: number,
    onProgress: (done: number) => void,
    signal: AbortSignal,
  ): Promise<StressSummary>;
  /** In-arguments of a method from introspecting the destination; null when it cannot be introspected or has no such method. */
  describeMethod(
    bus: BusChoice,
    destination: string,
    path: string,
    iface: string,
    member: string,
    timeoutMs: number,
  ): Promise<MethodDescription | null>;
}

export interface ReplayResult {
  call: ReplayCall;
  recording: DetailedRecording;
  verdict: NaiveVerdict;
  /** Wall time of the recording: connect, auth, Hello, the call and its reply. */
  elapsedMs: number;
}

export async function runReplay(
  call: ReplayCall,
  backend: ReplayBackend,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<ReplayResult> {
  const started = performance.now();
  const recording = await backend.record(call, timeoutMs);
  const elapsedMs = performance.now() - started;
  return { call, recording, verdict: naiveVerdict(recording), elapsedMs };
}

/** The recording in the shape `dbus-lint call --format json` prints ("Save as JSON"). */
export function toCallRecording(recording: DetailedRecording): CallRecording {
  const { messages, reads, reply, error } = recording;
  return { messages, reads, reply, error };
}
