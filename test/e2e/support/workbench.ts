// The VS Code web workbench in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// the few user gestures the suites need, each waiting on what the user would see, with a bound.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { progress } from './artifacts';

const CHROMIUM = process.env.DBUS_LINT_CHROMIUM ?? '/usr/bin/chromium';

/** Bound for anything the workbench does in response to a gesture (opening, analysing, rendering). */
export const UI_TIMEOUT = 30_000;

export class Workbench {
  private shotCount = 0;

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    private readonly profileDir: string,
    private readonly shotsDir: string,
  ) {}

  /** Opens `url` in a fresh browser profile; the console goes to `<shotsDir>/browser-console.log`. */
  static async open(url: string, shotsDir: string): Promise<Workbench> {
    const profileDir = mkdtempSync(join(tmpdir(), 'dbus-lint-chromium-'));
    // launchPersistentContext, not --user-data-dir in args: Playwright rejects that flag.
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleLog = join(shotsDir, 'browser-console.log');
    page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`));
    const workbench = new Workbench(page, context, profileDir, shotsDir);
    try {
      await page.goto(url, { timeout: UI_TIMEOUT });
      await page.locator('.monaco-workbench').waitFor({ timeout: UI_TIMEOUT });
    } catch (error) {
      await workbench.close();
      throw error;
    }
    return workbench;
  }

  /** Waits until the Explorer shows `name`: the folder is open and the workbench has settled. */
  async waitForExplorerItem(name: string): Promise<void> {
    await this.page.getByRole('treeitem', { name }).first().waitFor({ timeout: UI_TIMEOUT });
  }

  /** Saves `<NN>-<name>.png` in the suite's artifacts folder and returns its path. */
  async screenshot(name: string): Promise<string> {
    this.shotCount += 1;
    const file = join(this.shotsDir, `${String(this.shotCount).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /**
   * Opens Quick Open by clicking the search box in the title bar (a click, not Ctrl+P: a shortcut goes to
   * whatever has focus, which after a Problems or Quick Fix gesture is not always the workbench) and types.
   */
  private async quickInput(text: string): Promise<void> {
    await this.page.locator('.command-center-center').click({ timeout: UI_TIMEOUT });
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: UI_TIMEOUT });
    await input.fill(text);
  }

  /** Quick Open on a file name, then waits until its editor tab is the active one. */
  async openFile(fileName: string): Promise<void> {
    await this.quickInput(fileName);
    // Click the matching row: Enter could race the filtering and open the previously selected (recent) file.
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: fileName })
      .first()
      .click({ timeout: UI_TIMEOUT });
    await this.activeTab(fileName).waitFor({ timeout: UI_TIMEOUT });
    await this.activeEditor().locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
  }

  activeTab(fileName: string): Locator {
    return this.page.locator('.editor-group-container.active .tab.active', { hasText: fileName });
  }

  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The squiggles of one severity in the active editor (`warning`, `error`, `info`, `hint`). */
  squiggles(severity: 'error' | 'warning' | 'info' | 'hint'): Locator {
    return this.activeEditor().locator(`.squiggly-${severity}`);
  }

  /** Opens the Problems panel (if it is not showing) and returns it. */
  async problemsPanel(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      // Ctrl+Shift+M toggles, so it is pressed only when the panel is hidden.
      await this.page.keyboard.press('Control+Shift+M');
    }
    await panel.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    return panel;
  }

  /** The Problems panel's marker row for `code` at `[Ln line, Col …]`, once it is listed. */
  async problemRow(code: string, line: number): Promise<Locator> {
    const panel = await this.problemsPanel();
    const row = panel.locator('.monaco-list-row', { hasText: code }).filter({ hasText: `[Ln ${line}, Col` });
    await row.first().waitFor({ timeout: UI_TIMEOUT });
    return row.first();
  }

  /**
   * Goes to a diagnostic the way a user does: opens its Problems entry, which reveals the line in the editor,
   * puts the cursor on the diagnostic and focuses the editor.
   */
  async goToProblem(code: string, line: number): Promise<void> {
    const row = await this.problemRow(code, line);
    await row.click();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ timeout: UI_TIMEOUT });
    // The editor takes focus before the selection moves: wait until the status bar shows the cursor there.
    await this.page
      .locator('#status\\.editor\\.selection', { hasText: `Ln ${line},` })
      .waitFor({ timeout: UI_TIMEOUT });
  }

  /** From the diagnostic for `code` on `line`, opens Quick Fix (Ctrl+.) and picks the action titled `title`. */
  async applyCodeAction(code: string, line: number, title: RegExp): Promise<void> {
    await this.goToProblem(code, line);
    await this.page.keyboard.press('Control+.');
    const menu = this.page.locator('.action-widget');
    await menu.locator('.monaco-list-row.action', { hasText: title }).first().waitFor({ timeout: UI_TIMEOUT });
    await this.screenshot('quick-fix-menu');
    // Keyboard, not a click: the menu re-renders while the lightbulb settles, so a click can miss its row.
    const rows = await menu.locator('.monaco-list-row.action').allInnerTexts();
    for (let moves = 0; moves < rows.length; moves += 1) {
      if (await menu.locator('.monaco-list-row.action.focused', { hasText: title }).count()) break;
      await this.page.keyboard.press('ArrowDown');
    }
    await menu.locator('.monaco-list-row.action.focused', { hasText: title }).waitFor({ timeout: UI_TIMEOUT });
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** Waits until the visible lines of the active editor contain `text` (an edit has landed in the editor). */
  async waitForEditorText(text: string): Promise<void> {
    // Text matching normalises whitespace, so the U+00A0 the editor renders for spaces matches ' '.
    await this.activeEditor().locator('.view-lines', { hasText: text }).waitFor({ timeout: UI_TIMEOUT });
  }

  /**
   * Saves the active editor if it has unsaved changes. (Edits from code actions are usually saved already:
   * VS Code's `files.refactoring.autoSave` saves files a refactoring touched.)
   */
  async saveIfDirty(): Promise<void> {
    const dirty = this.page.locator('.editor-group-container.active .tab.active.dirty');
    if (!(await dirty.count())) return;
    await this.activeEditor().locator('textarea').first().focus();
    await this.page.keyboard.press('Control+S');
    await dirty.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  }

  /** Runs a command from the command palette by its full title, e.g. "D-Bus Lint: Show Output". */
  async runCommand(title: string): Promise<void> {
    await this.quickInput(`>${title}`);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: title })
      .first()
      .click({ timeout: UI_TIMEOUT });
  }

  /** The command palette's titles for `query`, read once `settled` is listed (so a missing title is really missing). */
  async commandPaletteTitles(query: string, settled: string): Promise<string[]> {
    await this.quickInput(`>${query}`);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.filter({ hasText: settled }).first().waitFor({ timeout: UI_TIMEOUT });
    const titles = await rows.allInnerTexts();
    await this.page.keyboard.press('Escape');
    return titles;
  }

  /** An element inside the active webview (VS Code nests the content in iframe.webview > iframe#active-frame). */
  webview(selector: string): Locator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(selector);
  }

  /**
   * Waits for a command's own quick input titled `title` (a step of a multi-step pick), optionally types into
   * it, waits for a row showing `row`, and accepts with Enter (in a multi-select pick Enter accepts what is
   * checked; a click would toggle a row instead).
   */
  async acceptQuickInput(
    title: string,
    options: { type?: string; row: string | RegExp; toggle?: string[] },
  ): Promise<void> {
    const widget = this.page.locator('.quick-input-widget', {
      has: this.page.locator('.quick-input-title', { hasText: title }),
    });
    await widget.waitFor({ timeout: UI_TIMEOUT });
    if (options.type !== undefined) await widget.locator('input').first().fill(options.type);
    await widget
      .locator('.quick-input-list .monaco-list-row', { hasText: options.row })
      .first()
      .waitFor({ timeout: UI_TIMEOUT });
    for (const label of options.toggle ?? []) {
      // A multi-select row is a checkbox whose aria-label starts with the item's label.
      const row = widget.locator(`.quick-input-list .monaco-list-row[role="checkbox"][aria-label^="${label},"]`);
      const before = await row.getAttribute('aria-checked', { timeout: UI_TIMEOUT });
      await row.locator('.monaco-checkbox').click();
      await widget
        .locator(
          `.quick-input-list .monaco-list-row[aria-label^="${label},"][aria-checked="${before === 'true' ? 'false' : 'true'}"]`,
        )
        .waitFor({ timeout: UI_TIMEOUT });
    }
    await this.screenshot('quick-input');
    await widget.locator('input').first().press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  }

  /** The modal dialog (e.g. a confirmation from `showWarningMessage({ modal: true })`), once shown. */
  async dialog(): Promise<Locator> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    return dialog;
  }

  /** A notification toast containing `text`, once it has slid in (a screenshot before that shows it off-screen). */
  async notification(text: string | RegExp): Promise<Locator> {
    const toast = this.page
      .locator('.notifications-toasts .notification-toast.notification-fade-in-done', { hasText: text })
      .first();
    await toast.waitFor({ timeout: UI_TIMEOUT });
    return toast;
  }

  /** Closes transient UI (menus, hovers, quick input) a previous gesture may have left open. */
  async dismissTransients(): Promise<void> {
    for (const selector of [
      '.quick-input-widget',
      '.action-widget',
      '.monaco-editor-overlaymessage',
      '.monaco-dialog-box',
    ]) {
      if (await this.page.locator(selector).first().isVisible()) await this.page.keyboard.press('Escape');
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch((error: unknown) => progress(`closing Chromium failed: ${String(error)}`));
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}
