// The extension as users get it: the packaged .vsix installed into code-server, driven through Chromium.
// One suite per workbench state; steps run in order and each leaves a screenshot in the artifacts folder.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { syntaxError } from '../support/edits';
import { startDbusDaemon, startTestToolPeer } from '../support/privateBus';
import { editorSuite, type Services } from './support/editorSuite';
import { waitForContent } from './support/files';
import {
  baseName,
  FLAGGED_RUST,
  FLAGGED_TS,
  NAIVE_CLIENT,
  REPLAY_PEER,
  YOUKI_STYLE,
  type ExpectedFinding,
} from './support/fixtures';
import { UI_TIMEOUT, type Workbench } from './support/workbench';

/** Opens the file, waits for our squiggle and our Problems entry (source and rule code), screenshots both. */
async function expectFlagged(workbench: Workbench, finding: ExpectedFinding, shot: string): Promise<void> {
  await workbench.openFile(baseName(finding.file));
  await workbench.squiggles('warning').first().waitFor({ timeout: UI_TIMEOUT });
  await workbench.screenshot(`${shot}-squiggle`);
  const row = await workbench.problemRow(finding.code, finding.line);
  const text = await row.innerText();
  assert.match(text, /dbus-lint/, `the Problems entry names the source: ${text}`);
  assert.match(text, new RegExp(finding.code), `the Problems entry names the rule: ${text}`);
  await workbench.screenshot(`${shot}-problems`);
}

/** Waits until the Problems panel no longer lists `code` on `line` and the active editor has no squiggle. */
async function expectGone(workbench: Workbench, code: string, line: number): Promise<void> {
  const panel = await workbench.problemsPanel();
  await panel
    .locator('.monaco-list-row', { hasText: code })
    .filter({ hasText: `[Ln ${line}, Col` })
    .waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await workbench.squiggles('warning').first().waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

/** A private session bus with the replay's test peer on it; code-server (and so the replay) uses it as the session bus. */
async function busWithPeer(): Promise<Services> {
  const bus = await startDbusDaemon();
  try {
    const peer = await startTestToolPeer(bus, 'echo', REPLAY_PEER.name);
    return {
      env: { DBUS_SESSION_BUS_ADDRESS: bus.address },
      async stop() {
        await peer.stop();
        await bus.stop();
      },
    };
  } catch (error) {
    await bus.stop();
    throw error;
  }
}

const STRESS_RUNS = 50;

editorSuite(
  'vsix in code-server',
  { installVsix: true, trust: 'disabled', readyWhen: 'rust', services: busWithPeer },
  (step) => {
    step('1a Rust: a zbus call without timeout is squiggled and listed in Problems', async ({ workbench }) => {
      await expectFlagged(workbench, FLAGGED_RUST, 'rust');
    });

    step(
      '1b TypeScript: a dbus-next call without timeout is squiggled and listed in Problems',
      async ({ workbench }) => {
        await expectFlagged(workbench, FLAGGED_TS, 'ts');
      },
    );

    step('1c Rust, youki-style: single-read-receive and reply-serial-unchecked are listed', async ({ workbench }) => {
      await workbench.openFile(baseName(YOUKI_STYLE.file));
      for (const { code, line } of YOUKI_STYLE.findings) {
        assert.match(await (await workbench.problemRow(code, line)).innerText(), /dbus-lint/);
      }
      // The findings are below the first screen: going to one reveals it, and its squiggle renders.
      await workbench.goToProblem(YOUKI_STYLE.findings[0].code, YOUKI_STYLE.findings[0].line);
      await workbench.squiggles('warning').first().waitFor({ timeout: UI_TIMEOUT });
      await workbench.screenshot('youki-problems');
    });

    step(
      '2 quick fix: bounding the dbus-next call clears the finding and the file still parses',
      async ({ workbench, server }) => {
        await workbench.openFile(baseName(FLAGGED_TS.file));
        await workbench.applyCodeAction(FLAGGED_TS.code, FLAGGED_TS.line, /timeout \(Promise\.race\)/);
        const fixed = 'Promise.race([bus.call(message), ';
        await workbench.waitForEditorText(fixed);
        await expectGone(workbench, FLAGGED_TS.code, FLAGGED_TS.line);
        await workbench.saveIfDirty();
        await workbench.screenshot('quick-fix-applied');
        const text = await waitForContent(
          join(server.workspace, FLAGGED_TS.file),
          (t) => t.includes(fixed),
          UI_TIMEOUT,
        );
        assert.equal(await syntaxError(text, 'typescript'), undefined, 'the fixed file parses');
      },
    );

    step(
      '3 suppress on this line: the finding goes away and the comment is in the file',
      async ({ workbench, server }) => {
        await workbench.openFile(baseName(FLAGGED_RUST.file));
        await workbench.applyCodeAction(
          FLAGGED_RUST.code,
          FLAGGED_RUST.line,
          new RegExp(`Suppress ${FLAGGED_RUST.code} on this line`),
        );
        const comment = `// dbus-lint-ignore-next-line ${FLAGGED_RUST.code}: `;
        await workbench.waitForEditorText(comment);
        // The comment goes above the call, which moves down a line.
        await expectGone(workbench, FLAGGED_RUST.code, FLAGGED_RUST.line + 1);
        await workbench.saveIfDirty();
        await workbench.screenshot('suppressed');
        const text = await waitForContent(
          join(server.workspace, FLAGGED_RUST.file),
          (t) => t.includes(comment),
          UI_TIMEOUT,
        );
        assert.match(text.split('\n')[FLAGGED_RUST.line - 1] ?? '', new RegExp(`^\\s*${comment}`));
      },
    );

    step(
      `4 replay: the call to a test peer, its message sequence with serials, and stress N=${STRESS_RUNS}`,
      async ({ workbench }) => {
        await workbench.openFile(baseName(REPLAY_PEER.file));
        await workbench.goToProblem(REPLAY_PEER.code, REPLAY_PEER.line);
        await workbench.runCommand('D-Bus Lint: Replay Call…');
        const dialog = await workbench.dialog();
        const shown = await dialog.innerText();
        assert.match(shown, new RegExp(`Destination: ${REPLAY_PEER.name}`), shown);
        assert.match(shown, new RegExp(`Method: ${REPLAY_PEER.name}\\.${REPLAY_PEER.member}`), shown);
        await workbench.screenshot('replay-confirm');
        await dialog.getByRole('button', { name: 'Send', exact: true }).click();

        // The sequence: our Hello and the bus's reply, NameAcquired, the call and its reply (matched by serial).
        const sequence = workbench.webview('#sequence');
        await sequence.waitFor({ timeout: UI_TIMEOUT });
        const row = (selector: string) => workbench.webview(`#sequence tr.row${selector}`).first();
        await row('[data-member="Hello"]').waitFor({ timeout: UI_TIMEOUT });
        await row('[data-member="NameAcquired"]').waitFor({ timeout: UI_TIMEOUT });
        const call = row(`.is-call[data-member="${REPLAY_PEER.member}"]`);
        const reply = row('.is-reply');
        const callSerial = await call.getAttribute('data-serial');
        assert.ok(callSerial, 'the call row shows its serial');
        assert.equal(await reply.getAttribute('data-reply-serial'), callSerial, 'the reply answers the call by serial');
        assert.match(await reply.innerText(), new RegExp(`reply serial ${callSerial}`));
        await sequence.scrollIntoViewIfNeeded();
        await workbench.screenshot('replay-sequence');

        await workbench.webview('#stress-n').fill(String(STRESS_RUNS));
        await workbench.webview('#stress-run').click();
        await workbench.webview('#stress[data-state="done"]').waitFor({ timeout: 120_000 });
        assert.equal(await workbench.webview('#stress-summary').getAttribute('data-runs'), String(STRESS_RUNS));
        assert.match(await workbench.webview('#stress-ok').innerText(), new RegExp(`^${STRESS_RUNS} \\(100\\.0 %\\)`));
        assert.match(await workbench.webview('#stress-failed').innerText(), /^0\b/);
        await workbench.webview('#stress').scrollIntoViewIfNeeded();
        await workbench.screenshot('replay-stress');
      },
    );

    step(
      '6 fault bus: from the finding, the naive client run under late-signal fails and the live view marks the held NameAcquired',
      async ({ workbench }) => {
        // One webview at a time: the replay's panel from step 4 goes.
        await workbench.runCommand('View: Close All Editors');
        await workbench.openFile(baseName(NAIVE_CLIENT.file));
        await workbench.applyCodeAction(NAIVE_CLIENT.code, NAIVE_CLIENT.line, /Prove it with the fault bus/);
        const command = `node ${NAIVE_CLIENT.file}`;
        await workbench.acceptQuickInput('the program', { type: command, row: `Run: ${command}` });
        // late-signal and split come checked from the rule: late-signal alone is youki's failure.
        await workbench.acceptQuickInput('the faults', { row: 'late-signal', toggle: ['split'] });
        await workbench.acceptQuickInput('the bus', { row: 'Session bus' });
        const dialog = await workbench.dialog();
        const shown = await dialog.innerText();
        assert.match(shown, new RegExp(`Command: ${command}`), shown);
        assert.match(shown, /Faults: late-signal$/m, shown);
        await workbench.screenshot('fault-bus-confirm');
        await dialog.getByRole('button', { name: 'Run', exact: true }).click();

        const summary = workbench.webview('#summary[data-state="failed"]');
        await summary.waitFor({ timeout: UI_TIMEOUT });
        assert.match(await summary.innerText(), /^failed: exited 1 after .* under late-signal;/);
        const held = workbench.webview('#live tr.is-fault[data-member="NameAcquired"]').first();
        await held.waitFor({ timeout: UI_TIMEOUT });
        assert.match(await held.innerText(), /late-signal: held/);
        await workbench.screenshot('fault-bus-live-view');
      },
    );
  },
);

editorSuite('restricted mode', { installVsix: true, trust: 'untrusted', readyWhen: 'rust' }, (step) => {
  step('5 restricted mode: an untrusted folder still gets diagnostics', async ({ workbench }) => {
    await workbench.page
      .locator('.statusbar-item', { hasText: 'Restricted Mode' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    await expectFlagged(workbench, FLAGGED_RUST, 'restricted-rust');
    await expectFlagged(workbench, FLAGGED_TS, 'restricted-ts');
  });

  step(
    '5 restricted mode: the replay is not in the command palette and its code action is refused',
    async ({ workbench }) => {
      const titles = await workbench.commandPaletteTitles('D-Bus Lint:', 'D-Bus Lint: Restart Server');
      assert.ok(!titles.some((title) => title.includes('Replay Call')), `palette: ${titles.join(' | ')}`);
      assert.ok(!titles.some((title) => title.includes('Run with D-Bus Faults')), `palette: ${titles.join(' | ')}`);
      await workbench.openFile(baseName(FLAGGED_TS.file));
      await workbench.applyCodeAction(FLAGGED_TS.code, FLAGGED_TS.line, /Replay this call on the bus/);
      await workbench.notification(/off in Restricted Mode/);
      await workbench.screenshot('restricted-replay-refused');
    },
  );
});
