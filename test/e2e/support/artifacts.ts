// Where the e2e suites leave screenshots and, on failure, logs: $DBUS_LINT_E2E_ARTIFACTS or .e2e-artifacts/.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../support/analyzer';

export const ARTIFACTS_ROOT = resolve(process.env.DBUS_LINT_E2E_ARTIFACTS ?? join(REPO_ROOT, '.e2e-artifacts'));

/** A fresh folder per suite (the previous run's files are removed so nothing stale is mistaken for a result). */
export function suiteArtifacts(suite: string): string {
  const dir = join(ARTIFACTS_ROOT, suite);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`e2e artifacts (${suite}): ${dir}`);
  return dir;
}

const started = Date.now();

/** Progress with the time since the test process started, so slow phases are visible in CI logs. */
export function progress(message: string): void {
  console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}
