/**
 * Headless Chromium (Debian's, driven by playwright-core) with the built
 * webview bundle in a page: a stand-in for VS Code's webview (a stubbed
 * acquireVsCodeApi that records messages and state, theme variables set as
 * VS Code sets them) or the standalone page `reclens render` writes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, WebviewMessage } from '../../protocol/webview';
import { themeDeclarations } from '../../server/graph/page';
import type { SavedState } from '../../webview/host';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');
const bundleDir = path.join(repoRoot, 'dist', 'webview');

const CHROMIUM = process.env.RECLENS_CHROMIUM ?? '/usr/bin/chromium';

/** Starts Chromium; fails with what to do when the browser or the bundle is missing. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`webview tests: Chromium is not at ${CHROMIUM} (apt-get install -y chromium, or set RECLENS_CHROMIUM)`);
  if (!fs.existsSync(path.join(bundleDir, 'graph.js'))) throw new Error('webview tests: dist/webview/graph.js is missing: run npm run build');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WebviewPageOptions {
  theme?: 'light' | 'dark';
  /** State VS Code hands back to getState() (a reload). */
  state?: SavedState;
  /** Draw with the grid baseline instead of the layered layout. */
  layout?: 'grid';
}

/** The bundle in a page as VS Code would host it, with a recording acquireVsCodeApi. */
export function webviewHtml(options: WebviewPageOptions = {}): string {
  const js = fs.readFileSync(path.join(bundleDir, 'graph.js'), 'utf8');
  const css = fs.readFileSync(path.join(bundleDir, 'graph.css'), 'utf8');
  const fonts = "--vscode-font-family: 'DejaVu Sans', sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: 'DejaVu Sans Mono', monospace;";
  const stub = `
    window.__posted = [];
    window.__state = ${JSON.stringify(options.state ?? null).replace(/</g, '\\u003c')} ?? undefined;
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(m),
      getState: () => window.__state,
      setState: (s) => { window.__state = s; },
    });`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<style>:root { ${fonts} ${themeDeclarations(options.theme ?? 'dark')} }</style>
<style>${css}</style></head>
<body${options.layout ? ` data-layout="${options.layout}"` : ''}><div id="reclens-graph"></div>
<script>${stub}</script>
<script>${js}</script></body></html>`;
}

/** A new page (1400×900) with the webview loaded; console errors are collected in `errors`. */
export async function openWebview(browser: Browser, options: WebviewPageOptions = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setContent(webviewHtml(options));
  return { page, errors };
}

/** Sends a host message the way VS Code delivers it (a window message event). */
export async function send(page: Page, message: HostMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Messages the webview posted to the host so far. */
export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewMessage[] }).__posted);
}

/** The state the webview last saved with setState. */
export async function savedState(page: Page): Promise<SavedState | undefined> {
  return page.evaluate(() => (window as unknown as { __state?: SavedState }).__state);
}

/** Saves a screenshot under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
