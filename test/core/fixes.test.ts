// Every quick fix the rules offer on the fixtures: the result still parses and the finding goes away.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testAnalyzer } from '../support/analyzer';
import { applyEdits, syntaxError } from '../support/edits';
import { loadFixtures } from '../support/fixtures';

const fixtures = loadFixtures();

describe('quick fixes', () => {
  it('the fixtures start out parsing cleanly', async () => {
    for (const fixture of fixtures)
      assert.equal(await syntaxError(fixture.text, fixture.language), undefined, fixture.path);
  });

  it('every fix leaves code that parses and removes its finding', async () => {
    const analyzer = testAnalyzer();
    const kinds = new Set<string>();
    for (const fixture of fixtures) {
      const findings = (await analyzer.analyze(fixture.text, fixture.language)).filter((f) => !f.kind);
      for (const finding of findings) {
        for (const fix of finding.fixes) {
          kinds.add(fix.title);
          const fixed = applyEdits(fixture.text, fix.edits);
          const where = `${fixture.path}:${finding.range.start.line + 1} "${fix.title}"`;
          assert.equal(await syntaxError(fixed, fixture.language), undefined, `${where} broke the syntax`);
          const after = (await analyzer.analyze(fixed, fixture.language)).filter(
            (f) => f.ruleId === finding.ruleId && !f.kind,
          );
          const before = findings.filter((f) => f.ruleId === finding.ruleId);
          assert.ok(after.length < before.length, `${where}: ${before.length} findings before, ${after.length} after`);
        }
      }
    }
    // The three mechanical fixes the issue asks for are all exercised.
    assert.ok(
      [...kinds].some((k) => k.includes('method_timeout')),
      [...kinds].join('; '),
    );
    assert.ok(
      [...kinds].some((k) => k.includes('Promise.race')),
      [...kinds].join('; '),
    );
    assert.ok(
      [...kinds].some((k) => k.includes('Timeout::Infinite')),
      [...kinds].join('; '),
    );
  });

  it('adds method_timeout to a zbus builder chain before build()', async () => {
    const text = `use zbus::connection;
async fn id() -> zbus::Result<()> {
    let conn = connection::Builder::session()?.name("org.example.App")?.build().await?;
    let _ = conn.call_method(Some("org.freedesktop.DBus"), "/org/freedesktop/DBus", Some("org.freedesktop.DBus"), "GetId", &()).await?;
    Ok(())
}
`;
    const [finding] = await testAnalyzer().analyze(text, 'rust');
    assert.ok(finding?.fixes[0]);
    const fixed = applyEdits(text, finding.fixes[0].edits);
    assert.match(
      fixed,
      /\.name\("org\.example\.App"\)\?\.method_timeout\(std::time::Duration::from_secs\(25\)\)\.build\(\)/,
    );
    assert.equal(await syntaxError(fixed, 'rust'), undefined);
    assert.deepEqual(await testAnalyzer().analyze(fixed, 'rust'), []);
  });

  it('turns Connection::session() into a builder with method_timeout', async () => {
    const text = `use zbus::Connection;
async fn id() -> zbus::Result<()> {
    let conn = Connection::session().await?;
    conn.call_method(Some("org.freedesktop.DBus"), "/", None::<&str>, "GetId", &()).await?;
    Ok(())
}
`;
    const [finding] = await testAnalyzer().analyze(text, 'rust');
    const fixed = applyEdits(text, finding?.fixes[0]?.edits ?? []);
    assert.match(
      fixed,
      /zbus::connection::Builder::session\(\)\?\.method_timeout\(std::time::Duration::from_secs\(25\)\)\.build\(\)\.await\?/,
    );
    assert.equal(await syntaxError(fixed, 'rust'), undefined);
  });

  it('replaces Timeout::Infinite with a finite Timeout::Duration', async () => {
    const text = `use rustbus::connection::Timeout;
fn f(conn: &mut rustbus::RpcConn, serial: u32) {
    let _ = conn.wait_response(serial, rustbus::connection::Timeout::Infinite);
}
`;
    const [finding] = await testAnalyzer().analyze(text, 'rust');
    const fixed = applyEdits(text, finding?.fixes[0]?.edits ?? []);
    assert.match(fixed, /rustbus::connection::Timeout::Duration\(std::time::Duration::from_secs\(25\)\)/);
    assert.equal(await syntaxError(fixed, 'rust'), undefined);
    assert.deepEqual(await testAnalyzer().analyze(fixed, 'rust'), []);
  });

  it('wraps a dbus-next proxy call in Promise.race, typed in TS and plain in JS', async () => {
    const ts = `import type { ProxyObject } from 'dbus-next';
export async function f(obj: ProxyObject): Promise<unknown> {
  const iface = obj.getInterface('org.freedesktop.DBus');
  return await iface.GetId();
}
`;
    const js = ts
      .replace("import type { ProxyObject } from 'dbus-next'", "require('dbus-next')")
      .replace('(obj: ProxyObject): Promise<unknown>', '(obj)');
    for (const [text, language] of [
      [ts, 'typescript'],
      [js, 'javascript'],
    ] as const) {
      const [finding] = await testAnalyzer().analyze(text, language);
      assert.equal(finding?.data.member, 'GetId');
      const fixed = applyEdits(text, finding?.fixes[0]?.edits ?? []);
      assert.match(fixed, /await Promise\.race\(\[iface\.GetId\(\), new Promise/);
      assert.equal(fixed.includes('<never>'), language === 'typescript');
      assert.equal(await syntaxError(fixed, language), undefined);
      assert.deepEqual(await testAnalyzer().analyze(fixed, language), []);
    }
  });
});
