/**
 * Helpers of the editor-experience e2e tests: a private copy of the demo
 * workspace (runs write traces into it, settings are changed in it) and
 * quick-pick steps the way a user takes them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import type { Locator } from 'playwright-core';
import { demoDir, eventually, Workbench } from './harness';

/** Copies demo/ (without its build tools and CLI cache) into a temp folder; `settings` are merged over its .vscode/settings.json. */
export function copyDemo(settings: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-e2e-demo-'));
  fs.cpSync(demoDir, dir, { recursive: true, filter: (src) => !/[\\/]demo[\\/](build|\.reclens)([\\/]|$)/.test(src) });
  writeSettings(dir, settings);
  return dir;
}

/**
 * One workbench for the tests of a file or `describe` block, on a private
 * copy of the demo (`settings` merged into its workspace settings, `prepare`
 * run on the copy before start, `open` opened first); removed after.
 */
export function demoCopyWorkbench(options: { settings?: Record<string, unknown>; userSettings?: Record<string, unknown>; prepare?: (dir: string) => void; open: string }): { workbench: () => Workbench; dir: () => string } {
  let dir = '';
  let wb: Workbench | undefined;
  before(
    async () => {
      dir = copyDemo(options.settings);
      options.prepare?.(dir);
      wb = await Workbench.launch({ workspace: dir, userSettings: options.userSettings });
      await wb.openFile(options.open);
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await wb?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    workbench: () => {
      if (!wb) throw new Error('the workbench did not start; see the error of the before hook');
      return wb;
    },
    dir: () => dir,
  };
}

/** The workspace settings of `dir` (the demo's are JSON with comments: comments are dropped when rewritten). */
export function readSettings(dir: string): Record<string, unknown> {
  const text = fs.readFileSync(path.join(dir, '.vscode', 'settings.json'), 'utf8');
  return JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
}

/** Merges `settings` into the workspace settings of `dir` (VS Code picks the change up from disk). */
export function writeSettings(dir: string, settings: Record<string, unknown>): void {
  const file = path.join(dir, '.vscode', 'settings.json');
  fs.writeFileSync(file, JSON.stringify({ ...readSettings(dir), ...settings }, null, 2));
}

/** The visible quick input's rows. */
export function quickRows(w: Workbench): Locator {
  return w.page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row');
}

/** Waits for a quick-pick row containing `text`, types `filter` first when given, and accepts the row with Enter once it is the active one (or clicks it). */
export async function chooseRow(w: Workbench, text: string | RegExp, filter?: string): Promise<void> {
  const input = w.page.locator('.quick-input-widget:visible input');
  await input.waitFor();
  if (filter !== undefined) await input.fill(filter);
  const row = quickRows(w).filter({ hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** The texts of the visible quick pick's rows ("label description detail"), once it has some. */
export async function rowTexts(w: Workbench): Promise<string[]> {
  await quickRows(w).first().waitFor({ timeout: 30_000 });
  await w.page.waitForTimeout(300);
  // Label, description and detail are adjacent elements without blanks between them.
  return quickRows(w).evaluateAll((rows) =>
    rows.map((row) =>
      Array.from(row.querySelectorAll('.label-name, .label-description, .quick-input-list-detail'))
        .map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim())
        .filter(Boolean)
        .join(' '),
    ),
  );
}

/** Runs a test body under the workbench's failure screenshot, and prints the end of the RecLens log when it fails. */
export async function withLog(w: Workbench, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await w.guard(name, body);
  } catch (e) {
    console.log(`[e2e] ${name} failed; RecLens log (last lines):\n${w.outputLog('RecLens').split('\n').slice(-25).join('\n')}`);
    throw e;
  }
}

/** The focused row of the quick pick titled like `title` (waits for that pick: the previous one may still be on screen). */
export async function focusedRow(w: Workbench, title: RegExp): Promise<string> {
  await w.page.locator('.quick-input-widget:visible .quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
  await rowTexts(w);
  return (await w.page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row.focused').innerText()).trim();
}

/** The title of the visible quick input. */
export async function quickTitle(w: Workbench): Promise<string> {
  return (await w.page.locator('.quick-input-widget:visible .quick-input-title').innerText()).trim();
}

/** Labels of the editor tabs, in order. */
export async function tabLabels(w: Workbench): Promise<string[]> {
  return (await w.page.locator('.part.editor .tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? ''))).filter(Boolean);
}

/** Editor groups side by side. */
export async function editorGroups(w: Workbench): Promise<number> {
  return w.page.locator('.part.editor .editor-group-container').count();
}

/**
 * The text of a notification matching `re`: a toast, or, when toasts were
 * crowded out or have timed out, a row of the notification center.
 */
export async function notificationText(w: Workbench, re: RegExp, timeoutMs = 30_000): Promise<string> {
  const center = w.page.locator('.notifications-center .notification-list-item-message', { hasText: re });
  let opened = false;
  const started = Date.now();
  return eventually(
    async () => {
      const toast = (await w.readNotifications()).find((m) => re.test(m));
      if (toast) return toast;
      if (!opened && Date.now() - started > 3000) {
        opened = true;
        await w.runCommand('Notifications: Show Notifications');
      }
      return (await center.allInnerTexts())[0] ?? '';
    },
    (m) => m !== '',
    `a notification matching ${re}`,
    timeoutMs,
  );
}
