import { UsageError } from './usage';

/** The options `call` and `replay` share: which bus, and which method on which object (node:util parseArgs shape). */
export const CALL_TARGET_OPTIONS = {
  session: { type: 'boolean' },
  system: { type: 'boolean' },
  address: { type: 'string' },
  dest: { type: 'string' },
  path: { type: 'string' },
  interface: { type: 'string' },
  method: { type: 'string' },
  signature: { type: 'string' },
} as const;

export interface BusFlags {
  session?: boolean;
  system?: boolean;
  address?: string;
}

/** --session, --system and --address exclude each other. */
export function checkOneBusFlag(values: BusFlags): void {
  if ([values.session, values.system, values.address !== undefined].filter(Boolean).length > 1) {
    throw new UsageError('choose one of --session, --system and --address');
  }
}

/** A flag's value as a positive integer, or undefined when the flag is absent. */
export function positiveInteger(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive integer, not "${text}"`);
  return value;
}

/** The largest delay Node's timers take (2^31 − 1 ms, about 24.8 days); a larger one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A --timeout value in ms: a positive integer no larger than the timers support. */
export function timeoutFlag(name: string, text: string | undefined): number | undefined {
  const value = positiveInteger(name, text);
  if (value !== undefined && value > MAX_TIMEOUT_MS)
    throw new UsageError(`${name} ${text} is over the largest supported value, ${MAX_TIMEOUT_MS} ms (about 24.8 days)`);
  return value;
}
