import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_KEYS, ignoreMatcher, parseProjectConfig, RULES } from '../../core/src/index';
import { REPO_ROOT } from '../support/analyzer';

describe('dbus-lint.json', () => {
  it('reads rules, ignore, baseline and maxFileSize', () => {
    const { config, problems } = parseProjectConfig(
      JSON.stringify({
        $schema: './node_modules/dbus-lint/dbus-lint.schema.json',
        rules: { 'call-without-timeout': 'off', 'single-read-receive': 'error' },
        ignore: ['generated/**', '*.min.js'],
        baseline: 'dbus-lint-baseline.sarif',
        maxFileSize: 100000,
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(config, {
      rules: { 'call-without-timeout': 'off', 'single-read-receive': 'error' },
      ignore: ['generated/**', '*.min.js'],
      baseline: 'dbus-lint-baseline.sarif',
      maxFileSize: 100000,
    });
  });

  it('reports each wrong part where it is and keeps the rest', () => {
    const text = [
      '{',
      '  "rules": {',
      '    "call-without-timeout": "loud",',
      '    "no-such-rule": "off",',
      '    "single-read-receive": "hint"',
      '  },',
      '  "ignore": "dist",',
      '  "maxFileSize": -3,',
      '  "colour": true',
      '}',
    ].join('\n');
    const { config, problems } = parseProjectConfig(text);
    assert.deepEqual(config, { rules: { 'single-read-receive': 'hint' }, ignore: [] });
    const got = problems.map((p) => [p.range.start.line, p.range.start.character, p.message]);
    assert.equal(got.length, 5, JSON.stringify(got));
    assert.deepEqual(got[0].slice(0, 2), [2, 28]);
    assert.match(
      String(got[0][2]),
      /"call-without-timeout": the severity must be one of error, warning.*not "loud"; its default is used/,
    );
    assert.deepEqual(got[1].slice(0, 2), [3, 4]);
    assert.match(String(got[1][2]), /unknown rule "no-such-rule" \(rules: single-read-receive, /);
    assert.match(String(got[2][2]), /"ignore" must be an array of globs, not "dist"/);
    assert.match(String(got[3][2]), /"maxFileSize" must be a positive integer.*not -3; the default is used/);
    assert.deepEqual(got[4].slice(0, 2), [8, 2]);
    assert.match(String(got[4][2]), /unknown key "colour"/);
  });

  it('a file that is not JSON (comments, trailing commas, an array) is one problem and the defaults', () => {
    for (const text of ['{"rules": {}, }', '// hi\n{}', '[]', '', '{"rules": {"call-without-timeout": "off"']) {
      const { config, problems } = parseProjectConfig(text);
      assert.deepEqual(config, { rules: {}, ignore: [] }, text);
      assert.equal(problems.length, 1, text);
      assert.match(problems[0].message, /not valid JSON|must hold an object/, text);
      assert.match(problems[0].message, /defaults are used/);
    }
  });
});

describe('dbus-lint.schema.json', () => {
  it('names the keys and rules the parser reads, and nothing else', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'dbus-lint.schema.json'), 'utf8')) as {
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, unknown> }>;
    };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties), [...CONFIG_KEYS]);
    assert.deepEqual(
      Object.keys(schema.properties.rules.properties ?? {}),
      RULES.map((rule) => rule.id),
    );
  });
});

describe('ignore globs', () => {
  const cases: [string[], string, boolean][] = [
    [['generated/**'], 'generated/a.rs', true],
    [['generated/**'], 'src/generated/a.rs', false],
    [['generated'], 'src/generated/a.rs', true],
    [['/generated'], 'src/generated/a.rs', false],
    [['*.min.js'], 'web/vendor/x.min.js', true],
    [['*.min.js'], 'web/vendor/x.js', false],
    [['src/*.ts'], 'src/a.ts', true],
    [['src/*.ts'], 'src/deep/a.ts', false],
    [['src/**/*.ts'], 'src/deep/er/a.ts', true],
    [['src/**/*.ts'], 'src/a.ts', true],
    [['**/fixtures/'], 'test/fixtures/bad.rs', true],
    [['a?.rs'], 'ab.rs', true],
    [['a?.rs'], 'a/b.rs', false],
    [['file[1].rs'], 'file[1].rs', true],
    [['file[1].rs'], 'file1.rs', false],
    [[], 'x.rs', false],
  ];
  for (const [globs, path, expected] of cases) {
    it(`${JSON.stringify(globs)} ${expected ? 'ignores' : 'keeps'} ${path}`, () => {
      assert.equal(ignoreMatcher(globs)(path), expected);
    });
  }
});
