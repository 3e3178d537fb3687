// The closed set of messages between the replay webview and the extension. Anything else the webview
// posts is dropped: the webview renders bus data, so it is treated as untrusted input.
import type { StressSummary } from '../../wire/src/index';

export const MAX_STRESS_RUNS = 100_000;
export const DEFAULT_STRESS_RUNS = 1000;

export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'replayAgain' }
  | { type: 'runStress'; runs: number }
  | { type: 'cancelStress' }
  | { type: 'savePcap' }
  | { type: 'saveJson' }
  | { type: 'copyCommand'; tool: 'busctl' | 'dbus-send' };

export type ExtensionToWebview =
  | { type: 'stressProgress'; done: number; total: number }
  | { type: 'stressDone'; summary: StressSummary; cancelled: boolean }
  | { type: 'stressFailed'; message: string }
  | { type: 'notice'; text: string };

/** The message if it is one of the closed set with valid fields, else null. */
export function parseWebviewMessage(value: unknown): WebviewToExtension | null {
  if (!value || typeof value !== 'object') return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'replayAgain':
    case 'cancelStress':
    case 'savePcap':
    case 'saveJson':
      return { type: message.type };
    case 'runStress': {
      const runs = message.runs;
      return typeof runs === 'number' && Number.isInteger(runs) && runs >= 1 && runs <= MAX_STRESS_RUNS
        ? { type: 'runStress', runs }
        : null;
    }
    case 'copyCommand':
      return message.tool === 'busctl' || message.tool === 'dbus-send'
        ? { type: 'copyCommand', tool: message.tool }
        : null;
    default:
      return null;
  }
}
