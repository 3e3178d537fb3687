// Matching findings against a baseline (an earlier SARIF output): a finding whose rule and fingerprint are in
// it is baselined. The same file comes first; an entry of another file matches what is left, which is how a
// renamed file with the same content keeps its baseline. Each entry matches one finding at most.

export interface BaselineEntry {
  ruleId: string;
  /** The file as the baseline names it (relative to where it was written, `/` separators). */
  path: string;
  fingerprint: string;
}

export interface BaselineCandidate {
  ruleId: string;
  path: string;
  fingerprint: string;
}

/** For each candidate, whether a baseline entry matches it. */
export function matchBaseline(entries: readonly BaselineEntry[], candidates: readonly BaselineCandidate[]): boolean[] {
  const unused = new Map<string, BaselineEntry[]>();
  for (const entry of entries) {
    const key = `${entry.ruleId}\0${entry.fingerprint}`;
    const list = unused.get(key);
    if (list) list.push(entry);
    else unused.set(key, [entry]);
  }
  const matched = candidates.map(() => false);
  const take = (index: number, samePath: boolean): void => {
    const candidate = candidates[index];
    const list = unused.get(`${candidate.ruleId}\0${candidate.fingerprint}`);
    const at = list?.findIndex((entry) => !samePath || entry.path === candidate.path) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    matched[index] = true;
  };
  candidates.forEach((_, index) => take(index, true));
  candidates.forEach((_, index) => {
    if (!matched[index]) take(index, false);
  });
  return matched;
}

/** A baseline that cannot be used; the message names the file's problem and what to do. */
export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselineError';
  }
}

interface SarifShape {
  runs?: {
    originalUriBaseIds?: Record<string, { uri?: string }>;
    results?: {
      ruleId?: string;
      partialFingerprints?: Record<string, string>;
      locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[];
    }[];
  }[];
}

/** A result's file: a relative URI as written, a file: URI as its path. */
function uriToPath(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : decodeURIComponent(uri);
}

/** The entries of a SARIF log written by `dbus-lint check --format sarif` (or `--write-baseline`). */
export function parseBaseline(text: string, fingerprintKey: string, source: string): BaselineEntry[] {
  let log: SarifShape;
  try {
    log = JSON.parse(text) as SarifShape;
  } catch (error) {
    throw new BaselineError(
      `${source} is not JSON (${(error as Error).message}); write a baseline with \`dbus-lint check --write-baseline ${source} PATH…\``,
    );
  }
  if (!Array.isArray(log?.runs))
    throw new BaselineError(
      `${source} is not a SARIF log (no "runs"); write one with \`dbus-lint check --write-baseline\``,
    );
  const entries: BaselineEntry[] = [];
  let unfingerprinted = 0;
  for (const run of log.runs) {
    for (const result of run.results ?? []) {
      const fingerprint = result.partialFingerprints?.[fingerprintKey];
      if (typeof result.ruleId !== 'string' || typeof fingerprint !== 'string') {
        unfingerprinted++;
        continue;
      }
      const uri = result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
      entries.push({ ruleId: result.ruleId, path: uriToPath(uri), fingerprint });
    }
  }
  if (entries.length === 0 && unfingerprinted > 0)
    throw new BaselineError(
      `${source} has ${unfingerprinted} results but none with a "${fingerprintKey}" fingerprint (an older dbus-lint wrote it); write it again with \`dbus-lint check --write-baseline\``,
    );
  return entries;
}
