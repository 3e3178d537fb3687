import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_ANALYSIS_MS,
  DEFAULT_MAX_FILE_SIZE,
  isRuleId,
  isSeveritySetting,
  type RuleId,
  RULES,
  SEVERITY_SETTINGS,
  type SeveritySetting,
  VERSION,
} from '../../core/src/index';
import { defaultGrammarDir, readBaselineFile } from '../../host/src/index';
import { applyBaseline } from './baseline';
import { exitCodeFor, MIN_BYTES_PER_WORKER, runCheck } from './check';
import { describeFix, fixDiff, fixFiles } from './fix';
import { formatJson, formatText } from './format';
import { toSarif } from './sarif';
import { positiveInteger } from './options';
import { progressLine } from './progress';
import { readCheckConfig } from './projectConfig';
import { UsageError, type Command } from './usage';

export const CHECK_USAGE = `Usage: dbus-lint check [--format text|json|sarif] [--rule <id>=<severity>]... [--max-file-size N] [--max-analysis-ms N] [--jobs N] [--strict] [--explain] [--fix | --fix-dry-run]
       [--baseline FILE.sarif] [--write-baseline FILE] [--config FILE | --no-config] PATH...

Analyses .rs .ts .tsx .mts .cts .js .mjs .cjs .jsx files (directories are walked; node_modules, target,
.git and build output are skipped) and prints the findings.
  --format text|json|sarif   output format (default text); sarif is SARIF 2.1.0
  --rule <id>=<severity>     error|warning|information|hint|off for one rule; repeatable
  --max-file-size N          skip files over N characters (default ${DEFAULT_MAX_FILE_SIZE})
  --max-analysis-ms N        give up on a file whose rules take over N ms (default ${DEFAULT_MAX_ANALYSIS_MS});
                             the file is reported as not analysed
  --explain                  (text) print each finding's evidence path, its related locations, under it
  --fix                      apply every fix that needs no choice (the rule docs say which) to the files,
                             say on stderr what changed, then report the findings that are left
  --fix-dry-run              print those fixes as a unified diff on stdout; writes nothing
  --baseline FILE.sarif      report only findings not in this earlier SARIF output (matched by rule and a
                             fingerprint of the flagged statement: line moves, reformats and renames keep it)
  --write-baseline FILE      also write every finding as SARIF to FILE, the baseline for later runs
                             (the config's "baseline" is not applied on such a run)
  --config FILE              read this config instead of the nearest dbus-lint.json (in the working
                             directory or a folder above); flags override what it says
  --no-config                read no dbus-lint.json
  --strict                   exit 2 when a file is skipped unanalysed (binary, over a cap, too deep)
  --jobs N                   worker threads at most (default: the available cores); a scan under
                             ${MIN_BYTES_PER_WORKER / 1024 / 1024} MB per worker runs on fewer, a small one on the main thread
Files that mention nothing of D-Bus (no dbus/D-Bus in any case, session or system bus, D-Bus library,
protocol word such as MethodCall, or suppression comment) are read but never parsed. On a terminal,
a scan that takes over a second shows its progress on stderr.
Exit codes: 0 no findings, 1 findings at warning or above, 2 usage or I/O error (or, with --strict, a skip).`;

function parseRuleOverride(spec: string): [RuleId, SeveritySetting] {
  const [id, severity] = spec.split('=');
  if (!id || !severity) throw new UsageError(`--rule expects <id>=<severity>, got "${spec}"`);
  if (!isRuleId(id)) {
    throw new UsageError(`--rule: unknown rule "${id}" (rules: ${RULES.map((rule) => rule.id).join(', ')})`);
  }
  if (!isSeveritySetting(severity)) {
    throw new UsageError(`--rule ${id}: unknown severity "${severity}" (use ${SEVERITY_SETTINGS.join('|')})`);
  }
  return [id, severity];
}

export const checkCommand: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      rule: { type: 'string', multiple: true, default: [] },
      'max-file-size': { type: 'string' },
      'max-analysis-ms': { type: 'string' },
      jobs: { type: 'string' },
      strict: { type: 'boolean' },
      fix: { type: 'boolean' },
      explain: { type: 'boolean' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      'fix-dry-run': { type: 'boolean' },
      config: { type: 'string' },
      'no-config': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(CHECK_USAGE + '\n');
    return 0;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'sarif') {
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  }
  if (values.fix && values['fix-dry-run']) throw new UsageError('choose one of --fix and --fix-dry-run');
  if (positionals.length === 0) throw new UsageError('check needs at least one PATH (a file or a directory)');
  if (values.config !== undefined && values['no-config'])
    throw new UsageError('choose one of --config and --no-config');
  const project = readCheckConfig(io, { config: values.config, noConfig: values['no-config'] });
  const severities = { ...project.config.rules, ...Object.fromEntries(values.rule.map(parseRuleOverride)) };
  const maxFileSize = positiveInteger('--max-file-size', values['max-file-size']) ?? project.config.maxFileSize;
  const maxAnalysisMs = positiveInteger('--max-analysis-ms', values['max-analysis-ms']);

  // Read before the scan, so a bad baseline fails fast.
  // The config's baseline is not read on a run that writes one: that run starts it (again) from all findings.
  const baselineFile = values.baseline ?? (values['write-baseline'] === undefined ? project.baseline : undefined);
  const baseline =
    baselineFile !== undefined ? readBaselineFile(resolve(io.cwd, baselineFile), baselineFile) : undefined;
  const jobs = positiveInteger('--jobs', values.jobs) ?? availableParallelism();

  const progress = progressLine(io);
  const result = await runCheck(
    positionals,
    {
      analyze: { severities, maxFileSize, maxAnalysisMs },
      grammarDir: defaultGrammarDir(),
      jobs,
      ignored: project.ignored,
      onProgress: (p) => progress.update(p),
    },
    io.cwd,
  ).finally(() => progress.finish());
  for (const problem of [...result.ioErrors, ...result.skipped])
    io.stderr(`dbus-lint: ${problem.path}: ${problem.message}\n`);
  if (values.fix || values['fix-dry-run']) {
    const dryRun = values['fix-dry-run'] === true;
    const fixes = await fixFiles(result, {
      analyze: { severities, maxFileSize, maxAnalysisMs },
      grammarDir: defaultGrammarDir(),
      cwd: io.cwd,
      write: !dryRun,
    });
    if (dryRun) {
      // The diff is the output (pipe it to `git apply` or `patch -p1`); what it would fix goes to stderr.
      io.stdout(fixDiff(fixes));
      for (const fix of fixes) io.stderr(`dbus-lint: would fix ${describeFix(fix).replace(': fixed ', ': ')}\n`);
      if (fixes.length === 0) io.stderr('dbus-lint: nothing to fix\n');
      return exitCodeFor(result, values.strict === true);
    }
    for (const fix of fixes) io.stderr(`dbus-lint: ${describeFix(fix)}\n`);
  }
  if (values['write-baseline'] !== undefined) {
    const file = values['write-baseline'];
    writeFileSync(resolve(io.cwd, file), JSON.stringify(toSarif(result, VERSION, io.cwd), null, 2) + '\n');
    const count = result.files.reduce((n, f) => n + f.findings.filter((x) => !x.suppression && !x.kind).length, 0);
    io.stderr(`dbus-lint: wrote ${count} finding${count === 1 ? '' : 's'} to the baseline ${file}\n`);
  }
  if (baseline) applyBaseline(result, baseline);
  if (format === 'sarif') io.stdout(JSON.stringify(toSarif(result, VERSION, io.cwd), null, 2) + '\n');
  else if (format === 'json') io.stdout(formatJson(result));
  else io.stdout(formatText(result, { explain: values.explain === true }));
  return exitCodeFor(result, values.strict === true);
};
