// The analyzer judged on real code it was not written against: D-Bus client libraries, their users and
// non-D-Bus socket code, installed from the npm registry and Debian by corpus.sh at test time (never copied
// into the repository), with hand labels in expectations.json (what the code does on a real bus, read from
// the code and the libraries' sources). Prints recall and false positives per rule, fails when either gets
// worse than the floors below, and sweeps every installed package for its finding counts (sweep.json), so
// each change of what the rules report on real code is looked at.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { languageForPath, type Finding, type LanguageId, type RuleId } from '../../core/src/index';
import { runCheck } from '../../cli/src/check';
import { ProjectManifests } from '../../host/src/index';
import { REPO_ROOT, testAnalyzer } from '../support/analyzer';

interface Package {
  source: 'npm' | 'debian';
  name: string;
  version: string;
  root: string;
  /** False for socket code of other protocols (databases, SSH, MQTT, HTTP): it must stay silent. */
  speaksDBus: boolean;
}

interface Label {
  id: string;
  package: string;
  file: string;
  line: number;
  lineSha256: string;
  rule: RuleId;
  expect: 'finding' | 'silent';
  reason: string;
}

const HERE = join(REPO_ROOT, 'test', 'realcode');
const expectations = JSON.parse(readFileSync(join(HERE, 'expectations.json'), 'utf8')) as {
  packages: Package[];
  labels: Label[];
};
const CORPUS = process.env.DBUS_LINT_REALCODE_DIR ?? join(homedir(), '.cache', 'dbus-lint', 'realcode');
/** `DBUS_LINT_UPDATE_SWEEP=1 npm test -- realcode` rewrites sweep.json after a change was looked at. */
const UPDATE_SWEEP = process.env.DBUS_LINT_UPDATE_SWEEP === '1';

/**
 * What the rules achieve today on these labels, per rule: labelled bugs found (at least) and false positives
 * on silent labels (at most). Raise them as the analysis improves; the semantic-analysis issue aims at 95 %
 * recall and none.
 */
// zbus 1.9's `wait_on` (utils.rs, `poll(fd, -1)`) names nothing of D-Bus in its code; it is found because the file
// is zbus's own source, whose file descriptors are the bus.
const FLOORS: Record<RuleId, { found: number; falsePositives: number }> = {
  // Every call-without-timeout finding of the sweep is labelled (ids all-…, 2026-12-04). Two are false: the
  // RemoveMatch call in dbus-next 0.10.2's and 0.9.2's _removeMatch is unreachable (its hasOwnProperty guard has its
  // arguments swapped, so it always returns early): all-dbus-next-removematch-unreachable,
  // all-dbus-next-0.9-removematch-unreachable; reachability.ts silences them now (0 since 98f4e53). (node-ble's
  // spec calls of props()/prop() on a helper built with useProps: false throw before any call; summaries carry
  // that guard now, and they are silent.) 280 since secret-service's values are typed by the summaries' return
  // types (its example and tests call Collection and Item methods on values SecretService returned).
  'call-without-timeout': { found: 280, falsePositives: 0 },
  'reply-serial-unchecked': { found: 0, falsePositives: 0 },
  // @clebert/node-d-bus's data handler feeds chunks to a parser made outside it, which keeps incomplete bytes for
  // the next chunk (clebert-data-handler-buffered-messages, silent); its SASL step's first-chunk test is the bug.
  'single-read-receive': { found: 1, falsePositives: 0 },
};

function packageRoot(pkg: Package): string {
  return pkg.source === 'npm' ? join(CORPUS, 'npm', pkg.root) : join('/usr/share/cargo/registry', pkg.root);
}

/** Source files of a package, without its own dependencies (nested node_modules are packages of their own). */
function sourceFiles(dir: string, declarations = false): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) return name === 'node_modules' || name === '.git' ? [] : sourceFiles(path, declarations);
    return languageForPath(path) && (declarations || !/\.d\.[mc]?ts$/.test(path)) ? [path] : [];
  });
}

const findingsByFile = new Map<string, Finding[]>();
const scanned = new Set<string>();
/** Each file is analysed with its project's manifest, as the CLI and the server read it. */
const manifests = new ProjectManifests();

/**
 * The findings of one file of a package, from a `dbus-lint check` of the whole package (its files are analysed
 * together: the summaries of the files a file imports apply to it), as a user's scan of it would report them.
 */
async function findingsOf(pkg: Package, path: string): Promise<Finding[]> {
  const root = packageRoot(pkg);
  if (!scanned.has(root)) {
    scanned.add(root);
    // With the declaration files, as a scan of the folder reads them: they name the types a module only receives.
    const files = sourceFiles(root, true);
    const result = await runCheck(files, { analyze: {}, grammarDir: join(REPO_ROOT, 'grammars'), jobs: 1 }, root);
    for (const file of result.files)
      findingsByFile.set(
        join(root, file.path),
        file.findings.filter((f) => !f.kind && !f.suppression),
      );
  }
  // Over the size cap or the parse budget: the CLI skips it with a notice; nothing is reported.
  return findingsByFile.get(path) ?? [];
}

/**
 * Findings (all false) on the non-D-Bus socket code with one incidental D-Bus word added to each file, which
 * must not turn the socket rules on: none (a socket is the bus's only where the code shows it).
 */
const ADDED_WORD_FALSE_POSITIVES_FLOOR = 0;
const DBUS_WORD = '// DBUS_SESSION_BUS_ADDRESS (one incidental D-Bus word, added by the real-code test)\n';

const percent = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`);

describe('real code', { timeout: 600_000 }, () => {
  before(() => {
    execFileSync('bash', [join(HERE, 'corpus.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 540_000 });
  });

  it('every label still points at the line it was written for', () => {
    const byName = new Map(expectations.packages.map((pkg) => [pkg.name, pkg]));
    const stale: string[] = [];
    for (const label of expectations.labels) {
      const pkg = byName.get(label.package);
      assert.ok(pkg, `${label.id}: unknown package ${label.package}`);
      const line = readFileSync(join(packageRoot(pkg), label.file), 'utf8').split('\n')[label.line - 1] ?? '';
      const hash = createHash('sha256').update(line.trim()).digest('hex').slice(0, 16);
      if (hash !== label.lineSha256) stale.push(`${label.id} (${label.package} ${label.file}:${label.line})`);
    }
    assert.deepEqual(stale, [], 'these packages changed under their labels: re-read and re-label them');
  });

  it('recall and false positives per rule stay at or better than their floors', async () => {
    const byName = new Map(expectations.packages.map((pkg) => [pkg.name, pkg]));
    const tally = new Map<RuleId, { expected: number; found: number; silent: number; falsePositives: number }>();
    const misses: string[] = [];
    const falseAlarms: string[] = [];
    for (const label of expectations.labels) {
      const pkg = byName.get(label.package)!;
      const reported = (await findingsOf(pkg, join(packageRoot(pkg), label.file))).some(
        (f) => f.ruleId === label.rule && f.range.start.line <= label.line - 1 && label.line - 1 <= f.range.end.line,
      );
      const t = tally.get(label.rule) ?? { expected: 0, found: 0, silent: 0, falsePositives: 0 };
      if (label.expect === 'finding') {
        t.expected++;
        if (reported) t.found++;
        else misses.push(`${label.rule} missed: ${label.id}`);
      } else {
        t.silent++;
        if (reported) {
          t.falsePositives++;
          falseAlarms.push(`${label.rule} false alarm: ${label.id}`);
        }
      }
      tally.set(label.rule, t);
    }
    const rows = [...tally].map(
      ([rule, t]) =>
        `  ${rule.padEnd(24)} recall ${t.found}/${t.expected} (${percent(t.found, t.expected)}), false positives ${t.falsePositives}/${t.silent} silent labels`,
    );
    console.log(`real code, ${expectations.labels.length} labels:\n${rows.join('\n')}`);
    for (const line of [...misses, ...falseAlarms]) console.log(`  ${line}`);
    for (const [rule, t] of tally) {
      const floor = FLOORS[rule];
      assert.ok(
        t.found >= floor.found,
        `${rule}: ${t.found} labelled bugs found, fewer than the ${floor.found} found before`,
      );
      assert.ok(
        t.falsePositives <= floor.falsePositives,
        `${rule}: ${t.falsePositives} false positives, more than ${floor.falsePositives}`,
      );
    }
  });

  it('socket code of other protocols stays silent, also with a D-Bus word added to each file', async () => {
    let files = 0;
    const found: string[] = [];
    for (const pkg of expectations.packages.filter((p) => !p.speaksDBus)) {
      for (const file of sourceFiles(packageRoot(pkg))) {
        files++;
        const where = `${pkg.name} ${relative(packageRoot(pkg), file)}`;
        for (const finding of await findingsOf(pkg, file))
          found.push(`${where}:${finding.range.start.line + 1} ${finding.ruleId}`);
        const language = languageForPath(file) as LanguageId;
        const text = DBUS_WORD + readFileSync(file, 'utf8');
        const withWord = await testAnalyzer()
          .analyze(text, language, { project: manifests.forFile(file, language) })
          .catch(() => []);
        for (const finding of withWord.filter((f) => !f.kind && !f.suppression)) {
          found.push(`${where}:${finding.range.start.line} ${finding.ruleId} (with the added word)`);
        }
      }
    }
    console.log(`non-D-Bus socket code: ${files} files, ${found.length} findings (all false)`);
    for (const line of found) console.log(`  ${line}`);
    assert.ok(
      found.length <= ADDED_WORD_FALSE_POSITIVES_FLOOR,
      `${found.length} false findings, more than ${ADDED_WORD_FALSE_POSITIVES_FLOOR}`,
    );
  });

  it('the findings per package and rule are the ones last looked at (sweep.json)', async () => {
    const sweep: Record<string, Record<string, number>> = {};
    for (const pkg of expectations.packages) {
      const counts: Record<string, number> = {};
      for (const file of sourceFiles(packageRoot(pkg))) {
        for (const finding of await findingsOf(pkg, file)) counts[finding.ruleId] = (counts[finding.ruleId] ?? 0) + 1;
      }
      sweep[`${pkg.name} ${pkg.version}`] = Object.fromEntries(Object.entries(counts).sort());
    }
    const lines = Object.entries(sweep).map(([name, counts]) => `  ${name}: ${JSON.stringify(counts)}`);
    console.log(`sweep, findings per package and rule:\n${lines.join('\n')}`);
    const file = join(HERE, 'sweep.json');
    if (UPDATE_SWEEP) writeFileSync(file, JSON.stringify(sweep, null, 2) + '\n');
    const expected = JSON.parse(readFileSync(file, 'utf8')) as typeof sweep;
    assert.deepEqual(
      sweep,
      expected,
      `the findings on real code changed (${relative(REPO_ROOT, file)}): look at each change, then run DBUS_LINT_UPDATE_SWEEP=1 npm test -- realcode`,
    );
  });
});
