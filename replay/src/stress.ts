// The seed's stress test: N fresh connections, each auth → Hello → the call, summarised with what a
// single-read client would have got wrong in each run.
import { naiveCounts } from './naive';
import { outcomeOf, recordCall, type RecordCallOptions, type StressSummary } from '../../wire/src/index';

export interface StressProgress {
  done: number;
  summary: StressSummary;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] * 1000) / 1000;
}

/**
 * Runs `runs` recorded calls one after another. Latency is per run: from the start of connecting to
 * the matched reply. A run that cannot connect stops the runs with the reason in `stopped` (the bus is
 * gone: every later run would fail at once), except on the first run, where it is thrown. Stops early
 * (with what it has) on `signal`.
 */
export async function stress(
  options: RecordCallOptions & { runs: number },
  onProgress?: (progress: StressProgress) => void,
  signal?: AbortSignal,
): Promise<StressSummary> {
  const summary: StressSummary = {
    runs: 0,
    ok: 0,
    failed: 0,
    timeouts: 0,
    latencyMs: { p50: null, p99: null },
    naive: { firstMessageWrong: 0, noReplyInFirstRead: 0 },
  };
  const latencies: number[] = [];
  const percentileEvery = Math.max(1, Math.floor(options.runs / 200));
  for (let run = 0; run < options.runs && !signal?.aborted; run++) {
    summary.runs++;
    try {
      // Step-by-step auth (wait for OK, then BEGIN + Hello), like the hand-written clients this test is
      // about, unless the caller chose otherwise: pipelining lets Hello's reply and NameAcquired
      // arrive together more often, which hides how often a single read would have split them.
      const recording = await recordCall({ pipelineAuth: false, ...options });
      const outcome = outcomeOf(recording);
      if (outcome === 'reply') {
        summary.ok++;
        latencies.push(recording.messages[recording.reply!].atMs);
      } else if (outcome === 'timeout') summary.timeouts++;
      else summary.failed++;
      const naive = naiveCounts(recording);
      if (naive?.firstMessageWrong) summary.naive.firstMessageWrong++;
      if (naive?.noReplyInFirstRead) summary.naive.noReplyInFirstRead++;
    } catch (error) {
      // A first run that cannot even connect is a setup problem (address, auth): say so instead of counting.
      if (run === 0) throw error;
      summary.failed++;
      summary.stopped = `the bus went away after ${run} run${run === 1 ? '' : 's'}: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (onProgress) {
      // Percentiles need a sort: refresh them about 200 times per stress run, not after every run.
      if (run % percentileEvery === 0 || run === options.runs - 1) {
        const sorted = [...latencies].sort((a, b) => a - b);
        summary.latencyMs = { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
      }
      onProgress({
        done: run + 1,
        summary: { ...summary, latencyMs: { ...summary.latencyMs }, naive: { ...summary.naive } },
      });
    }
    if (summary.stopped) break;
  }
  latencies.sort((a, b) => a - b);
  summary.latencyMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  return summary;
}
