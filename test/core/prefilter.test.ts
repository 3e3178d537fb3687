// The workspace scan skips every file `mayMatter` rejects, and each rule skips files its `mayApply` rejects.
// These tests prove neither drops a finding: on every fixture, on generated texts, and on a real corpus.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Finding, languageForPath, type LanguageId, mayMatter, textFacts } from '../../core/src/index';
import { DBUS_EVIDENCE, DBUS_NATIVE, DBUS_NEXT, DBUS_RS, RUSTBUS, ZBUS, uses } from '../../core/src/libraries/index';
import { ASYNC_RUSTBUS_IMPORT } from '../../core/src/libraries/rustbus';
import { RULES } from '../../core/src/rules/registry';
import { collectFiles } from '../../host/src/index';
import { testAnalyzer } from '../support/analyzer';
import { loadFixtures } from '../support/fixtures';

const LANGUAGES: LanguageId[] = ['rust', 'typescript', 'tsx', 'javascript'];
/** Debian's crate sources (bench/scan-corpus.sh installs more of them): real code, most of it not D-Bus. */
const CARGO_REGISTRY = '/usr/share/cargo/registry';

const key = (findings: Finding[]) =>
  findings.map(
    (f) => `${f.ruleId} ${f.kind ?? 'finding'} ${f.range.start.line}:${f.range.start.character} ${f.message}`,
  );

/** D-Bus code by the API models' own words: a D-Bus sign (DBUS_EVIDENCE) or a D-Bus library's import. */
function mentionsDbus(text: string): boolean {
  const file = textFacts(text);
  return (
    DBUS_EVIDENCE.test(text) ||
    ASYNC_RUSTBUS_IMPORT.test(text) ||
    [ZBUS, DBUS_RS, RUSTBUS, DBUS_NEXT, DBUS_NATIVE].some((library) => uses(library, file))
  );
}

function someRuleMayApply(text: string, language: LanguageId): boolean {
  const file = textFacts(text);
  return RULES.some((rule) => rule.languages.includes(language) && rule.mayApply(file, language));
}

/** Words whose presence makes some rule's text test say yes, as users spell them (any case for the i-flagged ones). */
const EVIDENCE = [
  'dbus',
  'D-Bus',
  'org.freedesktop.DBus',
  'AUTH EXTERNAL',
  'NameAcquired',
  'METHOD_CALL',
  'MethodCall',
  'MethodReturn',
  'METHOD_RETURN',
  'unix:path=/run/dbus/system_bus_socket',
  '/run/user/1000/bus',
  'session_bus',
  'systemBus',
  'reply_serial',
  'NEGOTIATE_UNIX_FD',
  'BEGIN\\r\\n',
  "[b'l', 1, 0, 1]",
  'use zbus::Connection;',
  'zbus::Proxy',
  'use dbus::blocking::Connection;',
  'rustbus::RpcConn',
  'async_rustbus',
  "require('dbus-next')",
  "from '@homebridge/dbus-native'",
  "import('dbus-final')",
  '// dbus-lint-ignore-next-line call-without-timeout: reason',
  'use nix::sys::socket; MethodReturn',
  "require('net') // systemBus",
];

describe('prefilter', () => {
  it('lets through every fixture that has a finding, and every fixture any rule looks at', async () => {
    const analyzer = testAnalyzer();
    let withFindings = 0;
    for (const fixture of loadFixtures()) {
      const findings = await analyzer.analyze(fixture.text, fixture.language);
      if (findings.length > 0) {
        withFindings++;
        assert.ok(mayMatter(fixture.text), `${fixture.path} has findings but the prefilter drops it`);
      }
      if (someRuleMayApply(fixture.text, fixture.language)) assert.ok(mayMatter(fixture.text), fixture.path);
    }
    assert.ok(withFindings > 30, `only ${withFindings} fixtures with findings: the fixtures did not load`);
  });

  it('says yes wherever a rule could apply, for D-Bus words in any case inside arbitrary text', () => {
    const anyCase = (word: string) =>
      fc
        .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
        .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom(...EVIDENCE).chain((word) => fc.oneof(fc.constant(word), anyCase(word))),
        fc.string(),
        fc.constantFrom(...LANGUAGES),
        (before, word, after, language) => {
          const text = `${before}\n${word}\n${after}`;
          if (someRuleMayApply(text, language) || mentionsDbus(text)) assert.ok(mayMatter(text), JSON.stringify(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps a file whose only finding is an unused suppression comment', async () => {
    const text = '// dbus-lint-ignore-next-line call-without-timeout: no call here any more\nfn main() {}\n';
    const findings = await testAnalyzer().analyze(text, 'rust');
    assert.deepEqual(
      findings.map((f) => f.kind),
      ['unused-suppression'],
    );
    assert.ok(mayMatter(text));
  });

  it('says no to ordinary code, so it saves work', () => {
    assert.equal(
      mayMatter('fn main() { let mut s = TcpStream::connect("example.org:80")?; s.write_all(b"GET /")?; }'),
      false,
    );
    assert.equal(mayMatter("import fs from 'node:fs';\nsocket.on('data', (chunk) => parse(chunk));\n"), false);
    // `bus` alone is not D-Bus.
    assert.equal(
      mayMatter('/// Writes to the I2C bus; see the business rules on abuse of the omnibus.\nfn write() {}'),
      false,
    );
  });

  it("on every fixture that is D-Bus code, running every rule's check (text tests bypassed) finds what the normal run finds", async () => {
    const analyzer = testAnalyzer();
    const notDbus: string[] = [];
    for (const fixture of loadFixtures()) {
      const normal = await analyzer.analyze(fixture.text, fixture.language);
      if (!mentionsDbus(fixture.text)) {
        notDbus.push(fixture.path);
        assert.deepEqual(key(normal), [], fixture.path);
        continue;
      }
      const bypassed = await analyzer.analyze(fixture.text, fixture.language, { skipPrefilter: true });
      assert.deepEqual(key(bypassed), key(normal), fixture.path);
    }
    // The one fixture that is not D-Bus code shows a rule's shape in a plain TCP client: bypassing the text
    // tests would flag it, and keeping such code clean is what those tests are for.
    assert.deepEqual(notDbus, ['test/fixtures/single-read-receive/rust/tcp_not_dbus.rs']);
  });

  it("on a real corpus, drops no file with a finding, and the rules' text tests drop none in D-Bus code", async (t) => {
    if (!existsSync(CARGO_REGISTRY)) {
      t.skip(`${CARGO_REGISTRY} is absent (apt-get install librust-zbus-dev, or bash bench/scan-corpus.sh)`);
      return;
    }
    const analyzer = testAnalyzer();
    let files = 0;
    let dropped = 0;
    let dbus = 0;
    for (const { path } of collectFiles([CARGO_REGISTRY], [])) {
      const text = readFileSync(path, 'utf8');
      const language = languageForPath(path) as LanguageId;
      if (text.includes('\0') || text.length > 2 * 1024 * 1024) continue;
      files++;
      const normal = await analyzer.analyze(text, language);
      if (!mayMatter(text)) {
        dropped++;
        // What the scan skips, `analyze` finds nothing in.
        assert.deepEqual(key(normal), [], `${path}: the prefilter drops a file with findings`);
      } else if (mentionsDbus(text)) {
        dbus++;
        // In D-Bus code the rules' text tests only save time: running every check changes nothing. (Not so
        // elsewhere: socket code of other protocols would be flagged — 19 files of Debian's crates when this
        // was written — and keeping it out is what the text tests are for.)
        const bypassed = await analyzer.analyze(text, language, { skipPrefilter: true });
        assert.deepEqual(key(bypassed), key(normal), `${path}: a rule's mayApply drops a finding`);
      }
    }
    t.diagnostic(
      `${files} files: ${dropped} dropped by the prefilter, ${dbus} D-Bus files analysed with and without the rules' text tests`,
    );
    assert.ok(
      files > 1000 && dropped > files / 2 && dbus > 50,
      `${files} files, ${dropped} dropped, ${dbus} D-Bus: not the corpus this test expects`,
    );
  });
});
