/**
 * End-to-end harness: RecLens in a real VS Code (code-server 4.100.3) driven
 * through Debian's Chromium with playwright-core. One workbench per test
 * file (start-up costs ~15 s); helpers read the UI the way a user sees it.
 * See shared/TESTING.md for why code-server and not desktop VS Code.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { after, before } from 'node:test';
import { CODE_SERVER_VERSION, codeServerDir, codeServerEntry, isCodeServerInstalled, launchCodeServer, type CodeServerHandle } from '../../scripts/code-server.mjs';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const demoDir = path.join(repoRoot, 'demo');
export const resultsDir = path.join(repoRoot, 'test-results');

const CHROMIUM = process.env.RECLENS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** User settings for a quiet, fast workbench: no welcome page, no telemetry, quick hovers. */
export const defaultUserSettings: Record<string, unknown> = {
  'editor.hover.delay': 100,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'editor.minimap.enabled': false,
  // Sticky scroll headers would cover the top lines that hover tests point at.
  'editor.stickyScroll.enabled': false,
  'window.restoreWindows': 'none',
  // The demo folder sits inside the repo's git checkout; without this a toast covers the editor.
  'git.openRepositoryInParentFolders': 'never',
};

/** Milliseconds since the harness module loaded; tests log it to show where time goes. */
const t0 = Date.now();
export const elapsed = (): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

const sourceDirs = ['extension', 'server', 'protocol', 'webview', 'syntaxes'];

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Runs `npm run build` when a bundle is missing or older than the sources,
 * so a test never runs against stale code. RECLENS_E2E_NO_BUILD=1 skips it.
 */
export function ensureBuilt(): void {
  if (process.env.RECLENS_E2E_NO_BUILD === '1') return;
  const bundles = ['extension.js', 'server.js'].map((f) => path.join(repoRoot, 'dist', f));
  const oldest = Math.min(...bundles.map((b) => (fs.existsSync(b) ? fs.statSync(b).mtimeMs : 0)));
  const newestSource = Math.max(...sourceDirs.map((d) => newestMtime(path.join(repoRoot, d))), fs.statSync(path.join(repoRoot, 'package.json')).mtimeMs);
  if (oldest >= newestSource) return;
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`e2e: npm run build failed, so there is nothing to load into VS Code:\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`);
  }
}

/**
 * Fails (never skips) when code-server or Chromium is missing, with the
 * command that installs them: the suite is part of `npm test`, and a suite
 * that cannot start must not pass. The harness does not install anything
 * itself (that takes minutes and root for apt-get).
 */
export function checkE2ePrerequisites(): void {
  const missing: string[] = [];
  if (!isCodeServerInstalled()) missing.push(`code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()} (no ${path.relative(codeServerDir(), codeServerEntry())} or no install marker)`);
  if (!fs.existsSync(CHROMIUM)) missing.push(`Chromium is not at ${CHROMIUM} (Debian package chromium; RECLENS_CHROMIUM names another binary)`);
  if (missing.length === 0) return;
  throw new Error(
    `e2e: cannot start VS Code for the e2e tests:\n${missing.map((m) => `  - ${m}`).join('\n')}\n` +
      'Run `npm run setup:e2e` once (installs code-server and Chromium; a few minutes), then run the tests again.',
  );
}

/** A row of the Problems panel. */
export interface ProblemRow {
  /** The row as shown, e.g. "Level 1 code 9999 is outside … [Ln 54, Col 12]". */
  text: string;
  /** 1-based line and column, absent on a file row. */
  line?: number;
  column?: number;
  severity?: 'error' | 'warning' | 'info';
}

export interface LaunchWorkbenchOptions {
  workspace?: string;
  /** Merged over `defaultUserSettings`. */
  userSettings?: Record<string, unknown>;
  /** A file whose explorer row shows that the workspace has loaded. */
  readyFile?: string;
  /** Browser viewport; 1400×900 unless given. */
  viewport?: { width: number; height: number };
}

/** A running code-server + Chromium page on the workspace, with UI helpers. */
export class Workbench {
  /** Console errors other than the known vsda 404 noise. */
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    readonly server: CodeServerHandle,
  ) {}

  /** Builds if needed, starts code-server and Chromium, waits for the workbench and the explorer. */
  static async launch(options: LaunchWorkbenchOptions = {}): Promise<Workbench> {
    checkE2ePrerequisites();
    ensureBuilt();
    const workspace = options.workspace ?? demoDir;
    const server = await launchCodeServer({
      entry: codeServerEntry(),
      workspace,
      extensionDir: repoRoot,
      userSettings: { ...defaultUserSettings, ...options.userSettings },
      log: (line) => console.log(`[code-server] ${line}`),
    });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
      // Nothing may leave the machine: the workbench would otherwise try the marketplace and CDNs.
      await context.route('**/*', (route) => {
        const host = new URL(route.request().url()).hostname;
        return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      const wb = new Workbench(page, browser, server);
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/vsda/.test(msg.text()) && !/vsda/.test(msg.location().url)) wb.consoleErrors.push(msg.text());
      });
      await page.goto(server.url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      const readyFile = options.readyFile ?? 'README.md';
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: readyFile }).first().waitFor({ timeout: 60_000 });
      // Keyboard shortcuts reach the workbench only once something in it has focus.
      await page.locator('.monaco-workbench .part.editor').click();
      console.log(`[e2e] workbench ready after ${elapsed()}`);
      return wb;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await server.stop();
      throw e;
    }
  }

  /** Closes Chromium and stops code-server (its whole process group). */
  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.server.stop();
  }

  /** Saves `test-results/<name>.png` and returns its path. */
  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Runs `body`; when it throws, saves `test-results/<name>-failure.png` first. */
  async guard<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      const shot = await this.screenshot(`${name}-failure`).catch(() => undefined);
      if (shot && e instanceof Error) e.message += `\n(screenshot: ${path.relative(repoRoot, shot)})`;
      throw e;
    }
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P) and waits for its tab. */
  async openFile(name: string): Promise<void> {
    const { page } = this;
    await this.focusWorkbench();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    const base = path.basename(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.tabs-container .tab.active[aria-label*="${base}"]`).waitFor();
    await page.locator('.part.editor .monaco-editor .view-lines').first().waitFor();
  }

  /**
   * Hovers the first occurrence of `text` in the active editor and returns the
   * hover's text. Retries (moving the mouse away and back) until `until`
   * accepts the text: activation is lazy, so early hovers can be empty.
   * With `part`, the mouse goes onto that substring of the occurrence (e.g. the
   * `c4` of `<- c1, c4`), so a short, repeated word can be pinned down.
   */
  async hoverText(text: string, options: { until?: (hover: string) => boolean; timeoutMs?: number; part?: string } = {}): Promise<string> {
    const { page } = this;
    const until = options.until ?? ((h: string) => h.trim().length > 0);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    await this.revealText(text);
    let last = '';
    while (Date.now() < deadline) {
      const box = await this.textBox(text, options.part);
      if (box) {
        await page.mouse.move(5, 5);
        await page.mouse.move(box.x, box.y, { steps: 3 });
        const hover = page.locator('.monaco-editor .monaco-hover:not(.hidden)').first();
        try {
          await hover.waitFor({ state: 'visible', timeout: 3000 });
          // Hover content may arrive in parts (other providers first).
          await page.waitForTimeout(300);
          last = (await hover.innerText()).trim();
          if (until(last)) return last;
        } catch {
          // no hover yet: try again
        }
      } else {
        await this.revealText(text);
      }
      await page.waitForTimeout(1000);
    }
    throw new Error(`no matching hover on ${JSON.stringify(text)} within the timeout; last hover: ${JSON.stringify(last)}`);
  }

  /** Scrolls the active editor to the first occurrence of `text` (Find widget), then closes the widget. */
  async revealText(text: string): Promise<void> {
    if (await this.textBox(text)) return;
    const { page } = this;
    // Clicking the active tab focuses its editor without moving the cursor (clicking the
    // text could land on a widget, and Playwright's scroll-into-view garbles Monaco's layout).
    await page.locator('.part.editor .tabs-container .tab.active').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+F');
    const find = page.locator('.part.editor .find-widget.visible textarea, .part.editor .find-widget.visible input').first();
    await find.waitFor();
    await find.fill(text);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
  }

  /** The centre of `text` (or of `part` inside it) in the visible editor lines (a DOM Range over `.view-line` text), or null. */
  private async textBox(text: string, part?: string): Promise<{ x: number; y: number } | null> {
    return this.page.evaluate(([whole, sub]) => {
      const editor = document.querySelector('.part.editor .editor-instance .monaco-editor, .part.editor .monaco-editor');
      const bounds = editor?.getBoundingClientRect();
      for (const line of Array.from(document.querySelectorAll('.part.editor .monaco-editor .view-line'))) {
        // Monaco renders spaces as U+00A0.
        const content = (line.textContent ?? '').replace(/\u00a0/g, ' ');
        const found = content.indexOf(whole);
        if (found < 0) continue;
        const inner = sub ? whole.indexOf(sub) : 0;
        if (inner < 0) return null;
        const at = found + inner;
        const needle = sub ?? whole;
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        const range = document.createRange();
        let offset = 0;
        let started = false;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const len = node.textContent?.length ?? 0;
          if (!started && at < offset + len) {
            range.setStart(node, at - offset);
            started = true;
          }
          if (started && at + needle.length <= offset + len) {
            range.setEnd(node, at + needle.length - offset);
            break;
          }
          offset += len;
        }
        const r = range.getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (r.width === 0 || !bounds) continue;
        // Only a box inside the editor's viewport can be hovered.
        if (x < bounds.left || x > bounds.right || y < bounds.top || y > bounds.bottom) continue;
        return { x, y };
      }
      return null;
    }, [text, part] as const);
  }

  /** Runs a command by its palette title (e.g. "View: Toggle Problems"). */
  async runCommand(title: string): Promise<void> {
    const { page } = this;
    await this.focusWorkbench();
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.pressSequentially(title, { delay: 5 });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  /** Rows of a quick pick opened by `title`, then the pick is closed (e.g. the output channel list). */
  async quickPickRows(title: string): Promise<string[]> {
    await this.runCommand(title);
    const rows = this.page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    await this.page.keyboard.press('Escape');
    return texts.map((t) => t.trim());
  }

  /** Names of the output channels (Output: Show Output Channels…). */
  async outputChannels(): Promise<string[]> {
    return (await this.quickPickRows('Output: Show Output Channels')).map((r) => r.split('\n')[0].trim());
  }

  /**
   * Workspace symbols for `query` through Go to Symbol in Workspace (Ctrl+T,
   * the quick open with `#`): the rows' texts once the list has rows. The
   * picker stays open so the caller can pick a row (Enter) or close it
   * (Escape); with no rows within `timeoutMs` it is closed and [] returned.
   */
  async workspaceSymbols(query: string, timeoutMs = 5000): Promise<string[]> {
    const { page } = this;
    await this.focusWorkbench();
    await page.keyboard.press('Control+T');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`#${query}`);
    const rows = page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row');
    try {
      await rows.first().waitFor({ timeout: timeoutMs });
    } catch {
      await page.keyboard.press('Escape');
      return [];
    }
    // Rows may arrive from several providers: let the list settle.
    await page.waitForTimeout(300);
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The active editor's cursor from the status bar ("Ln 22, Col 1"), or null when none is shown. */
  async cursorPosition(): Promise<{ line: number; column: number } | null> {
    const text = (await this.statusBarText()).find((t) => /^Ln \d+, Col \d+/.test(t));
    const m = text ? /^Ln (\d+), Col (\d+)/.exec(text) : null;
    return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
  }

  /** The notification toast whose text contains `text` (a progress notification's title, a warning). */
  notificationToast(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  /**
   * What an extension logged to its output channel (`RecLens`), read from
   * code-server's log files on disk: unlike the Output view, this does not
   * depend on the view being open or scrolled.
   */
  outputLog(channel = 'RecLens'): string {
    const logs = path.join(this.server.tmpDir, 'user-data', 'logs');
    const found: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name === `${channel}.log`) found.push(p);
      }
    };
    walk(logs);
    return found.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Messages of the notification toasts on screen. */
  async readNotifications(): Promise<string[]> {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts()).map((t) => t.trim());
  }

  /** Texts of the status bar items, left to right. */
  async statusBarText(): Promise<string[]> {
    const texts = await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
    return texts.map((t) => t.replace(/\s+/g, ' ').trim()).filter((t) => t.length > 0);
  }

  /** Opens the Problems panel and lists its rows (file rows and marker rows with their line numbers). */
  async problems(): Promise<ProblemRow[]> {
    const { page } = this;
    if (!(await page.locator('.markers-panel').isVisible())) {
      await this.focusWorkbench();
      await page.keyboard.press('Control+Shift+M'); // View: Toggle Problems
    }
    const rows = page.locator('.markers-panel .monaco-list-row');
    await page.locator('.markers-panel').waitFor();
    await page.waitForTimeout(300);
    const out: ProblemRow[] = [];
    for (const row of await rows.all()) {
      // One evaluate per row: a locator query would wait its full timeout on file rows, which have no icon.
      const { raw, icon } = await row.evaluate((el) => ({
        raw: (el as HTMLElement).innerText,
        icon: el.querySelector('.marker-icon')?.className ?? '',
      }));
      const text = raw.replace(/\s+/g, ' ').trim();
      const pos = /\[Ln (\d+), Col (\d+)\]/.exec(text);
      const severity = /error/.test(icon) ? 'error' : /warning/.test(icon) ? 'warning' : /info/.test(icon) ? 'info' : undefined;
      out.push({ text, ...(pos ? { line: Number(pos[1]), column: Number(pos[2]) } : {}), ...(severity ? { severity } : {}) });
    }
    return out;
  }

  /**
   * Opens the Outline view and returns its rendered rows as "label detail"
   * (the list is virtual: rows scrolled out of view are not in the DOM).
   */
  async outline(): Promise<string[]> {
    const { page } = this;
    await this.runCommand('Explorer: Focus on Outline View');
    const rows = page.locator('.outline-pane .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    return this.outlineRows();
  }

  /** The Outline rows now rendered, as "label detail" (label and detail are adjacent spans without a blank). */
  async outlineRows(): Promise<string[]> {
    // No named functions inside: tsx's transform would make them call a `__name` helper the page lacks.
    return this.page.locator('.outline-pane .monaco-list-row').evaluateAll((els) =>
      els.map((el) => {
        const [label, detail] = ['.label-name', '.label-description'].map((sel) => (el.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim());
        return (label ? `${label} ${detail}` : ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ')).trim();
      }),
    );
  }

  /** The content frame of the active webview (VS Code nests it in two iframes). */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Makes sure keyboard input goes to the workbench and no quick input is left open. */
  private async focusWorkbench(): Promise<void> {
    const { page } = this;
    if (await page.locator('.quick-input-widget:visible').count()) await page.keyboard.press('Escape');
  }
}

/** Polls `probe` until it returns a value `accept` likes, or throws with the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`);
}

/**
 * One workbench for the tests of a file (or `describe` block): launched before them, with `open`
 * opened first (activation is lazy: a trace brings up the language server), closed after.
 * Returns the accessor the tests use.
 */
export function sharedWorkbench(options: LaunchWorkbenchOptions & { open?: string } = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(
    async () => {
      wb = await Workbench.launch(options);
      if (options.open) await wb.openFile(options.open);
    },
    { timeout: 180_000 },
  );
  after(async () => {
    await wb?.close();
  });
  return () => {
    if (!wb) throw new Error('the workbench did not start; see the error of the before hook');
    return wb;
  };
}
