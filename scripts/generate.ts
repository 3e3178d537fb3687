// Writes what derives from the rule registry (core/src/rules/registry.ts): the per-rule severity settings and
// the project URLs in package.json, the README's rules table, each rule doc's header, and the JSON schema of
// dbus-lint.json (contributed to VS Code through `jsonValidation`, so the editor completes and checks it).
// `npm run generate` writes them; `npm run generate -- --check` (run by `npm test`) fails when one has drifted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CONFIG_FILE_NAME,
  DEFAULT_MAX_FILE_SIZE,
  DOCS_BASE_URL,
  PROJECT_URL,
  RULES,
  ruleDocsPath,
  SEVERITY_SETTINGS,
} from '../core/src/index';

const check = process.argv.includes('--check');
/** `--root DIR`: another copy of the files (the test's drift check); the repository by default. */
const rootFlag = process.argv.indexOf('--root');
const ROOT = rootFlag >= 0 ? process.argv[rootFlag + 1] : join(__dirname, '..');

type Json = Record<string, unknown>;

/** Replaces what stands between two marker lines (kept), or fails naming the markers to add. */
function between(text: string, file: string, start: string, end: string, body: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0)
    throw new Error(`${file}: the markers "${start}" and "${end}" are missing; add them where the generated text goes`);
  return text.slice(0, from + start.length) + '\n' + body + text.slice(to);
}

function packageJson(text: string): string {
  const manifest = JSON.parse(text) as Json & {
    contributes: { configuration: { properties: Json } };
    scripts: Record<string, string>;
  };
  const properties = manifest.contributes.configuration.properties;
  const generated: Json = {};
  for (const rule of RULES) {
    generated[`dbusLint.rules.${rule.id}.severity`] = {
      type: 'string',
      scope: 'resource',
      enum: SEVERITY_SETTINGS,
      default: rule.defaultSeverity,
      markdownDescription: `Severity of \`${rule.id}\` (${rule.title}): ${rule.summary} \`off\` disables the rule. See [the rule docs](${DOCS_BASE_URL}${ruleDocsPath(rule.id)}).`,
    };
  }
  // The rule settings come first, in registry order; every other setting keeps its place.
  const others = Object.fromEntries(Object.entries(properties).filter(([key]) => !key.startsWith('dbusLint.rules.')));
  manifest.contributes.configuration.properties = { ...generated, ...others };
  manifest.repository = { type: 'git', url: `${PROJECT_URL}.git` };
  manifest.homepage = PROJECT_URL;
  manifest.scripts.package = manifest.scripts.package.replace(
    /--baseContentUrl \S+ --baseImagesUrl \S+/,
    `--baseContentUrl ${DOCS_BASE_URL} --baseImagesUrl ${PROJECT_URL}/raw/main/`,
  );
  return JSON.stringify(manifest, null, 2) + '\n';
}

function readme(text: string): string {
  const rows = RULES.map(
    (rule) => `| [\`${rule.id}\`](${ruleDocsPath(rule.id)}) | ${rule.summary} | ${rule.defaultSeverity} |`,
  );
  const table = ['| rule | what it catches | default |', '|---|---|---|', ...rows].join('\n') + '\n';
  return between(
    text,
    'README.md',
    '<!-- rules table: generated from the rule registry by `npm run generate` -->',
    '<!-- end of rules table -->',
    table,
  );
}

function docHeader(rule: (typeof RULES)[number]): string {
  const fixes =
    rule.quickFixes.length === 0
      ? 'Quick fix: none'
      : `Quick fix${rule.quickFixes.length === 1 ? '' : 'es'}: ${rule.quickFixes.join(', ')}`;
  const note = rule.quickFixNote ? ` (${rule.quickFixNote})` : '';
  const fixAll =
    rule.quickFixes.length === 0
      ? ' Fix all has nothing to apply.'
      : rule.fixAll
        ? ' Fix all applies them (`source.fixAll.dbusLint`, **D-Bus Lint: Fix All in File**, `dbus-lint check --fix`).'
        : ' Fix all leaves them out: each needs a choice.';
  return [
    `# ${rule.id}`,
    '',
    `**${rule.title}.** ${rule.description}`,
    '',
    `Default severity: ${rule.defaultSeverity}. ${fixes}${note}.${fixAll} Suppressible.`,
    '',
  ].join('\n');
}

/** The schema of dbus-lint.json; core/src/projectConfig.ts reads the same keys (a test holds them together). */
function configSchema(): string {
  const rules = Object.fromEntries(
    RULES.map((rule) => [
      rule.id,
      {
        enum: SEVERITY_SETTINGS,
        default: rule.defaultSeverity,
        markdownDescription: `${rule.title}: ${rule.summary} \`off\` disables the rule. [Docs](${DOCS_BASE_URL}${ruleDocsPath(rule.id)})`,
      },
    ]),
  );
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `${PROJECT_URL}/raw/main/dbus-lint.schema.json`,
    title: `dbus-lint configuration (${CONFIG_FILE_NAME})`,
    description:
      'Read by the dbus-lint CLI (in the working directory or a folder above) and by the language server (at the workspace root). Editor settings and CLI flags override it.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'object',
        description: 'Severity per rule; a rule not named keeps its default.',
        additionalProperties: false,
        properties: rules,
      },
      ignore: {
        type: 'array',
        markdownDescription:
          "Files not to analyse: globs relative to this file's folder, read as `.gitignore` reads them (`*` and `?` within a path segment, `**` across segments, a pattern without `/` matches a name at any depth, a folder ignores what is under it).",
        items: { type: 'string', minLength: 1 },
      },
      baseline: {
        type: 'string',
        minLength: 1,
        markdownDescription:
          "A SARIF file written by `dbus-lint check --write-baseline FILE`, relative to this file's folder: findings in it are not reported.",
      },
      maxFileSize: {
        type: 'integer',
        minimum: 1,
        default: DEFAULT_MAX_FILE_SIZE,
        description: 'Files with more characters are not analysed; they get a notice saying so.',
      },
    },
  };
  return JSON.stringify(schema, null, 2) + '\n';
}

const DOC_START =
  '<!-- header: generated from the rule registry by `npm run generate`; edit the rule file, not this -->';
const DOC_END = '<!-- end of header -->';

const outputs: [string, (text: string) => string][] = [
  ['package.json', packageJson],
  ['README.md', readme],
  ['dbus-lint.schema.json', configSchema],
  ...RULES.map((rule): [string, (text: string) => string] => [
    ruleDocsPath(rule.id),
    (text) => between(text, ruleDocsPath(rule.id), DOC_START, DOC_END, docHeader(rule)),
  ]),
];

const stale: string[] = [];
for (const [file, generate] of outputs) {
  const path = join(ROOT, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const after = generate(before);
  if (after === before) continue;
  stale.push(file);
  if (!check) writeFileSync(path, after);
}
if (check && stale.length > 0) {
  console.error(
    `generate --check: ${stale.join(', ')} disagree${stale.length === 1 ? 's' : ''} with the rule registry; run \`npm run generate\` and commit the result`,
  );
  process.exit(1);
}
console.log(
  stale.length === 0 ? 'generate: everything matches the rule registry' : `generate: wrote ${stale.join(', ')}`,
);
