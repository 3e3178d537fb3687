// The extension as users get it: the packaged .vsix installed into code-server, driven through Chromium.
// One suite per workbench state; steps run in order and each leaves a screenshot in the artifacts folder.
import assert from 'node:assert/strict';
import { editorSuite } from './support/editorSuite';
import { baseName, FLAGGED_RUST, FLAGGED_TS, type ExpectedFinding } from './support/fixtures';
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

editorSuite('vsix in code-server', { installVsix: true, trust: 'disabled', readyWhen: 'rust' }, (step) => {
  step('1a Rust: a zbus call without timeout is squiggled and listed in Problems', async ({ workbench }) => {
    await expectFlagged(workbench, FLAGGED_RUST, 'rust');
  });

  step('1b TypeScript: a dbus-next call without timeout is squiggled and listed in Problems', async ({ workbench }) => {
    await expectFlagged(workbench, FLAGGED_TS, 'ts');
  });
});

editorSuite('restricted mode', { installVsix: true, trust: 'untrusted', readyWhen: 'rust' }, (step) => {
  step('5 restricted mode: an untrusted folder still gets diagnostics', async ({ workbench }) => {
    await workbench.page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: UI_TIMEOUT });
    await expectFlagged(workbench, FLAGGED_RUST, 'restricted-rust');
    await expectFlagged(workbench, FLAGGED_TS, 'restricted-ts');
  });
});
