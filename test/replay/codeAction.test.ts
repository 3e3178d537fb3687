import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { codeActionsFor } from '../../server/src/lsp/codeActions';
import { REPLAY_CALL_COMMAND, RUN_WITH_FAULTS_COMMAND, type DiagnosticData } from '../../protocol/src/index';

function diagnostic(call: DiagnosticData['call']): Diagnostic {
  const data: DiagnosticData = { ruleId: 'single-read-receive', fixes: [], call };
  return {
    range: { start: { line: 3, character: 0 }, end: { line: 3, character: 9 } },
    message: 'm',
    source: 'dbus-lint',
    code: 'single-read-receive',
    data,
  };
}

describe('replay code action', () => {
  it('offers "Replay this call on the bus" with the call data when the method is known', () => {
    const call = {
      library: 'dbus-next',
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetId',
    };
    const replay = codeActionsFor('file:///a.ts', [diagnostic(call)]).find(
      (a) => a.title === 'Replay this call on the bus',
    );
    assert.deepEqual(replay?.command, {
      title: 'Replay this call on the bus',
      command: REPLAY_CALL_COMMAND,
      arguments: [{ call, ruleId: 'single-read-receive' }],
    });
  });

  it('is not offered when the finding does not know the method', () => {
    const titles = codeActionsFor('file:///a.ts', [diagnostic({ library: 'zbus' })]).map((a) => a.title);
    assert.ok(!titles.includes('Replay this call on the bus'));
  });
});

describe('fault bus code action', () => {
  it('offers "Prove it with the fault bus" with the rule’s faults to a client that can run it', () => {
    const actions = codeActionsFor('file:///a.ts', [diagnostic({ library: 'net' })], { replay: false, faultBus: true });
    const prove = actions.find((a) => a.command?.command === RUN_WITH_FAULTS_COMMAND);
    assert.deepEqual(prove?.command, {
      title: 'Prove it with the fault bus (late-signal, split)',
      command: RUN_WITH_FAULTS_COMMAND,
      arguments: [{ ruleId: 'single-read-receive', faults: ['late-signal', 'split'] }],
    });
    const other = codeActionsFor('file:///a.ts', [diagnostic({ library: 'net' })], { replay: true });
    assert.ok(!other.some((a) => a.command?.command === RUN_WITH_FAULTS_COMMAND), 'not to a client that cannot');
  });
});
