/**
 * Regenerates the README screenshot docs/images/hover.png: the demo workspace
 * in a real VS Code (code-server, through the e2e harness), the benchmark dump
 * demo/traces/benchmark.json open, and the hover on an itemic code whose two
 * items collide. `npm run screenshot` (needs `npm run setup:e2e` once).
 *
 *   node --import tsx scripts/screenshot.ts [--out FILE]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, Workbench } from '../test/e2e/harness';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(repoRoot, 'docs', 'images', 'hover.png'));

/**
 * The code of the hydrating serum, shared by B00SKIN001 and B00SKIN011 in demo/items.json (the
 * hover lists both), where u0001's second generation starts with it: a line near the middle of
 * the screen, so the hover opens over the reasoning text and not over the tabs.
 */
const context = String.raw`"Perception:\n- <|sid_begin|><s_a_340><s_b_6566><s_c_5603>`;
const needle = '<s_c_5603>';

async function main(): Promise<void> {
  const wb = await Workbench.launch({
    viewport: { width: 1280, height: 800 },
    userSettings: {
      'workbench.colorTheme': 'Default Dark Modern',
      'editor.wordWrap': 'on',
      'editor.fontSize': 14,
      'workbench.statusBar.visible': true,
      'breadcrumbs.enabled': true,
    },
  });
  try {
    await wb.openFile('traces/benchmark.json');
    const { page } = wb;
    // Let the language server finish (semantic colours, inlay hints) before the picture.
    const hover = await wb.hoverText(context, { part: needle, until: (h) => /share this code/.test(h), timeoutMs: 120_000 });
    // Clear the Find selection the reveal left on the code, then hover again for a clean picture.
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(300);
    await wb.hoverText(context, { part: needle, until: (h) => h === hover });
    await page.waitForTimeout(500);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(`[screenshot] ${path.relative(process.cwd(), out)}: hover on ${needle}\n${hover}`);
  } finally {
    await wb.close();
  }
}

main().catch((e) => {
  console.error(`[screenshot] ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
