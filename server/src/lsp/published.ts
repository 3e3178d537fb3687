// The findings last published per document, for hovers and fix all. Fix all on save must fix the text being
// saved: a caller can wait for the analysis of a version to be published, with a bound.
import type { Finding } from '../../../core/src/index';

export interface Published {
  version: number;
  /** The findings shown as diagnostics (baselined ones included unless hidden). */
  findings: Finding[];
  /** Parallel to `findings`: the ones the baseline holds, shown as hints. */
  baselined: boolean[];
}

export class PublishedFindings {
  private readonly byUri = new Map<string, Published>();
  private readonly waiters = new Map<string, { version: number; resolve: (p: Published | undefined) => void }[]>();

  get(uri: string): Published | undefined {
    return this.byUri.get(uri);
  }

  set(uri: string, published: Published): void {
    this.byUri.set(uri, published);
    const waiting = this.waiters.get(uri) ?? [];
    const ready = waiting.filter((w) => w.version <= published.version);
    this.waiters.set(
      uri,
      waiting.filter((w) => w.version > published.version),
    );
    for (const waiter of ready) waiter.resolve(waiter.version === published.version ? published : undefined);
  }

  /** Forgets a document (closed); whoever waits for it gets undefined. */
  delete(uri: string): void {
    this.byUri.delete(uri);
    for (const waiter of this.waiters.get(uri) ?? []) waiter.resolve(undefined);
    this.waiters.delete(uri);
  }

  /** The findings of `version` once published; undefined if a later version comes first or `ms` pass. */
  waitFor(uri: string, version: number, ms: number): Promise<Published | undefined> {
    const now = this.byUri.get(uri);
    if (now?.version === version) return Promise.resolve(now);
    if (now && now.version > version) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.set(
          uri,
          (this.waiters.get(uri) ?? []).filter((w) => w !== waiter),
        );
        resolve(undefined);
      }, ms);
      const waiter = {
        version,
        resolve: (p: Published | undefined) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      this.waiters.set(uri, [...(this.waiters.get(uri) ?? []), waiter]);
    });
  }
}
