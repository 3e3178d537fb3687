import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileTooLargeError, ParseTimeoutError } from '../../core/src/index';
import { benchFile } from '../../bench/corpus';
import { testAnalyzer } from '../support/analyzer';

const DBUS_NEXT_CALL = `import dbus, { Message } from 'dbus-next';
const bus = dbus.sessionBus();
export async function id() {
  return bus.call(new Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', member: 'GetId' }));
}
export async function id2() {
  return await bus.call(new Message({ destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', member: 'GetId' }));
}
`;

describe('analyze', () => {
  it('flags returned and awaited dbus-next bus.call without a timeout', async () => {
    const findings = await testAnalyzer().analyze(DBUS_NEXT_CALL, 'typescript');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.range.start.line]),
      [
        ['call-without-timeout', 3],
        ['call-without-timeout', 6],
      ],
    );
    assert.equal(findings[0]?.data.library, 'dbus-next');
  });

  it('analyses plain JavaScript with the JavaScript grammar', async () => {
    const js = DBUS_NEXT_CALL.replace(
      "import dbus, { Message } from 'dbus-next';",
      "const { Message } = require('dbus-next');",
    );
    const findings = await testAnalyzer().analyze(js, 'javascript');
    assert.equal(findings.length, 2);
  });

  it('honours severity overrides, including off', async () => {
    const analyzer = testAnalyzer();
    const asError = await analyzer.analyze(DBUS_NEXT_CALL, 'typescript', {
      severities: { 'call-without-timeout': 'error' },
    });
    assert.equal(asError[0]?.severity, 'error');
    const off = await analyzer.analyze(DBUS_NEXT_CALL, 'typescript', { severities: { 'call-without-timeout': 'off' } });
    assert.deepEqual(off, []);
  });

  it('refuses files over the size cap with a typed error that says how to raise it', async () => {
    await assert.rejects(
      testAnalyzer().analyze(DBUS_NEXT_CALL, 'typescript', { maxFileSize: 10 }),
      (error: unknown) => error instanceof FileTooLargeError && /maxFileSize/.test(error.message),
    );
  });

  it('abandons a parse over the time cap with a typed error, and the next parse starts afresh', async () => {
    const analyzer = testAnalyzer();
    const big = benchFile('typescript');
    await assert.rejects(
      analyzer.analyze(big, 'typescript', { maxParseMs: 1 }),
      (error: unknown) => error instanceof ParseTimeoutError && /maxParseMs/.test(error.message),
    );
    // A cancelled parse left unreset would be resumed by the next one, on the wrong text.
    const first = await analyzer.analyze(DBUS_NEXT_CALL, 'typescript');
    assert.ok(first.length > 0);
    assert.deepEqual(first, await analyzer.analyze(DBUS_NEXT_CALL, 'typescript'));
  });

  it('flags zbus call_method on a connection built without method_timeout', async () => {
    const rust = `use zbus::Connection;
async fn id() -> zbus::Result<()> {
    let conn = Connection::session().await?;
    let reply = conn.call_method(Some("org.freedesktop.DBus"), "/org/freedesktop/DBus", Some("org.freedesktop.DBus"), "GetId", &()).await?;
    Ok(())
}
`;
    const findings = await testAnalyzer().analyze(rust, 'rust');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.range.start.line]),
      [['call-without-timeout', 3]],
    );
    const bounded = rust.replace(
      'Connection::session().await?',
      'zbus::connection::Builder::session()?.method_timeout(std::time::Duration::from_secs(5)).build().await?',
    );
    assert.deepEqual(await testAnalyzer().analyze(bounded, 'rust'), []);
  });

  it('analyses TSX with the tsx grammar (JSX around a dbus-next call)', async () => {
    const tsx = `import dbus from 'dbus-next';
export function Hostname(): JSX.Element {
  const load = async () => {
    const obj = await dbus.systemBus().getProxyObject('org.freedesktop.hostname1', '/org/freedesktop/hostname1');
    const props = obj.getInterface('org.freedesktop.DBus.Properties');
    return props.Get('org.freedesktop.hostname1', 'Hostname');
  };
  return <button onClick={() => void load()}>hostname</button>;
}
`;
    const findings = await testAnalyzer().analyze(tsx, 'tsx');
    assert.deepEqual(
      findings.map((f) => [f.ruleId, f.range.start.line, f.data.member]),
      [
        ['call-without-timeout', 3, 'Introspect'],
        ['call-without-timeout', 5, 'Get'],
      ],
    );
  });
});
