import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprints, matchBaseline, type Finding } from '../../core/src/index';
import { testAnalyzer } from '../support/analyzer';
import { NETWORK_STATE_SOURCE } from '../support/dbusNextSample';

/** The sample with its last call made twice: two findings of one rule on the same statement text. */
const SOURCE = NETWORK_STATE_SOURCE.replace(
  '  await nm.CheckConnectivity();\n',
  '  await nm.CheckConnectivity();\n  await nm.CheckConnectivity();\n',
);

/** The same function as prettier with a narrow print width would lay it out. */
const REFORMATTED = `import type { ProxyObject } from 'dbus-next';

// obj: from bus.getProxyObject('org.freedesktop.NetworkManager', '/org/freedesktop/NetworkManager'),
// which introspects the object; here it is given.
export async function state(
    obj: ProxyObject
): Promise<number> {
    // A local lookup in the introspected object.
    const nm = obj.getInterface(
        'org.freedesktop.NetworkManager'
    );
    const value = (await nm.state()) as number;
    await nm
        .CheckConnectivity();
    await nm.CheckConnectivity();
    return value;
}
`;

async function printsOf(text: string): Promise<{ findings: Finding[]; prints: string[] }> {
  const findings = await testAnalyzer().analyze(text, 'typescript');
  return { findings, prints: fingerprints(text, findings) };
}

describe('finding fingerprints', () => {
  it('stay the same when 50 lines are added above', async () => {
    const before = await printsOf(SOURCE);
    assert.equal(before.findings.length, 3, 'the snippet has three calls without a timeout');
    const moved = await printsOf('// filler\n'.repeat(50) + SOURCE);
    assert.notDeepEqual(
      moved.findings.map((f) => f.range.start.line),
      before.findings.map((f) => f.range.start.line),
    );
    assert.deepEqual(moved.prints, before.prints);
  });

  it('stay the same when the function is reformatted', async () => {
    assert.deepEqual((await printsOf(REFORMATTED)).prints, (await printsOf(SOURCE)).prints);
  });

  it('tell two identical calls apart by their occurrence, and change when the call changes', async () => {
    const { prints } = await printsOf(SOURCE);
    assert.equal(new Set(prints).size, 3);
    assert.equal(prints[1].split(':')[0], prints[2].split(':')[0]);
    const changed = await printsOf(SOURCE.replace('(await nm.state())', '(await nm.State())'));
    assert.notEqual(changed.prints[0], prints[0]);
    assert.deepEqual(changed.prints.slice(1), prints.slice(1));
  });
});

describe('baseline matching', () => {
  const entry = (path: string, fingerprint: string) => ({ ruleId: 'call-without-timeout', path, fingerprint });

  it('matches the same file first, then a renamed one, each entry once', () => {
    const entries = [entry('a.ts', 'f:1'), entry('old.ts', 'g:1')];
    assert.deepEqual(
      matchBaseline(entries, [
        entry('b.ts', 'f:1'),
        entry('a.ts', 'f:1'),
        entry('new.ts', 'g:1'),
        entry('c.ts', 'g:1'),
      ]),
      [false, true, true, false],
    );
  });

  it('needs the same rule', () => {
    assert.deepEqual(
      matchBaseline([entry('a.ts', 'f:1')], [{ ruleId: 'single-read-receive', path: 'a.ts', fingerprint: 'f:1' }]),
      [false],
    );
  });
});
