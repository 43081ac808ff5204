/**
 * The item pool seen through a real VS Code:
 * - Go to Symbol in Workspace (Ctrl+T) finds demo items by a word of their
 *   title and opens demo/items.json at the item;
 * - a generated alignment table big enough to take seconds to index: the
 *   build shows as a cancellable progress notification, hovers show titles
 *   once it is done, a changed table is indexed again (the hover then shows
 *   the appended item, never the old pool), and cancelling a build leaves
 *   the table out of the pool with a warning that names it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoDir, elapsed, eventually, sharedWorkbench, Workbench } from './harness';

/**
 * At start-up a client sends its settings several times; the server must
 * index each table once. Concurrent builds of one table used to collide on
 * its temporary index file ("cannot index alignment table: ENOENT … rename"),
 * leaving the pool empty: such a failure is recorded and fails the test at
 * the end.
 */
const startupRaces: string[] = [];
const RACE = /cannot index alignment table: ENOENT[^\n]*rename[^\n]*/;

/** Polls `probe` until `accept`, recording a start-up load that failed on a colliding build. */
async function afterStartupLoad<T>(w: Workbench, table: string, probe: () => Promise<T>, accept: (value: T) => boolean, what: string): Promise<T> {
  return eventually(
    async () => {
      const raced = RACE.exec(w.outputLog('RecLens'));
      if (raced && !startupRaces.some((r) => r.startsWith(path.basename(table)))) startupRaces.push(`${path.basename(table)}: ${raced[0]}`);
      return probe();
    },
    accept,
    what,
    90_000,
  );
}

describe('workspace symbols from the demo item pool', () => {
  const itemsPath = path.join(demoDir, 'items.json');
  const itemsLines = fs.readFileSync(itemsPath, 'utf8').split('\n');
  const items = JSON.parse(fs.readFileSync(itemsPath, 'utf8')) as Record<string, { sid: string; title: string }>;
  // Activation is lazy: a trace brings up the language server (and its workspace symbols).
  const workbench = sharedWorkbench({ open: 'traces/benchmark.json' });

  test('Ctrl+T finds an item by a word of its title and opens items.json at that item', { timeout: 120_000 }, async () => {
    const w = workbench();
    await w.guard('workspace-symbols', async () => {
      const title = items.B00SKIN003.title;
      assert.equal(Object.values(items).filter((i) => i.title.includes('Niacinamide')).length, 1, 'the word names one demo item');
      // The OneRec-Think table locates an item at its key's line (1-based in the status bar).
      const itemLine = itemsLines.findIndex((l) => l.includes('"B00SKIN003"')) + 1;
      assert.ok(itemLine > 0);
      const rows = await afterStartupLoad(w, itemsPath, () => w.workspaceSymbols('Niacinamide'), (r) => r.some((t) => t.includes(title)), `a workspace symbol row "${title}"`);
      const row = rows.find((t) => t.includes(title))!;
      assert.match(row, /B00SKIN003/, `the row names the item id: ${row}`);
      console.log(`[e2e] workspace symbols after ${elapsed()}: ${JSON.stringify(rows)}`);
      await w.screenshot('workspace-symbols');
      await w.page.keyboard.press('Enter');
      await w.page.locator('.tabs-container .tab.active[aria-label*="items.json"]').waitFor();
      const cursor = await eventually(() => w.cursorPosition(), (c) => c?.line === itemLine, `the cursor on line ${itemLine} of items.json`, 15_000);
      assert.deepEqual(cursor, { line: itemLine, column: 1 });
      // The item's lines are on screen.
      const visible = await w.page.locator('.part.editor .monaco-editor .view-lines').first().innerText();
      assert.ok(visible.replace(/\u00a0/g, ' ').includes(title), 'the item title is visible in the editor');
      await w.screenshot('workspace-symbol-opened');
    });
  });
});

describe('indexing a large alignment table', () => {
  /** Items in the generated table: enough that a build takes seconds on two cores. */
  const N = 400_000;
  const WORDS = ['Amber', 'Birch', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Garnet', 'Harbor', 'Indigo', 'Juniper', 'Kestrel', 'Lumen', 'Maple', 'Nimbus', 'Onyx', 'Prairie'];
  /** Row i of the table: distinct codes (a, b spell i in base 8192), a title that names i. */
  const levels = (i: number): [number, number, number] => [i % 8192, Math.floor(i / 8192) % 8192, (i * 7919) % 8192];
  const titleOf = (i: number): string => `${WORDS[i % 16]} ${WORDS[(i >> 4) % 16]} item ${i}`;
  const code = ([a, b, c]: number[]): string => `<|sid_begin|><s_a_${a}><s_b_${b}><s_c_${c}><|sid_end|>`;
  const row = (id: string, sid: number[], title: string): string => `${JSON.stringify({ id, sid, title })}\n`;
  // Codes no generated row has (b = 8191 would need i ≥ 8191 × 8192).
  const added = { id: 'added-1', sid: [8191, 8191, 1], title: 'Appended Aurora Lamp (added after the first build)' };
  const cancelled = { id: 'added-2', sid: [8190, 8191, 2], title: 'Second Appended Item' };
  const first = 5;
  const addedTitle = added.title;
  const second = 123_457;

  let dir = '';
  let table = '';
  let trace = '';
  let wb: Workbench | undefined;
  /** Progress notifications of table.jsonl on screen together during the start-up build. */
  let startupBuildToasts = 0;
  /** Rendered trace lines (inlay hints included) after the rebuild and after the cancel. */
  let linesAfterRebuild: string[] = [];
  let linesAfterCancel: string[] = [];
  const renderedLines = (w: Workbench): Promise<string[]> =>
    w.page.evaluate(() => Array.from(document.querySelectorAll('.part.editor .monaco-editor .view-line')).map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')));

  before(async () => {
    const t = Date.now();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-e2e-items-'));
    table = path.join(dir, 'table.jsonl');
    trace = path.join(dir, 'trace.txt');
    fs.mkdirSync(path.join(dir, '.vscode'));
    fs.writeFileSync(path.join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'reclens.alignment.paths': ['table.jsonl'], 'reclens.itemicTokens.preset': 'openonerec' }, null, 2));
    const out = fs.openSync(table, 'w');
    const chunk: string[] = [];
    for (let i = 0; i < N; i++) {
      chunk.push(row(`i${i}`, levels(i), titleOf(i)));
      if (chunk.length === 10_000) fs.writeSync(out, chunk.splice(0).join(''));
    }
    fs.writeSync(out, chunk.join(''));
    fs.closeSync(out);
    fs.writeFileSync(trace, ['Recommended codes from table.jsonl:', `first ${code(levels(first))}`, `second ${code(levels(second))}`, ''].join('\n'));
    console.log(`[e2e] ${N.toLocaleString('en')}-item table (${(fs.statSync(table).size / 1e6).toFixed(1)} MB) written in ${Date.now() - t} ms`);
    wb = await Workbench.launch({ workspace: dir, readyFile: 'trace.txt' });
  }, { timeout: 180_000 });

  after(async () => {
    await wb?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Waits for the progress notification of a build of table.jsonl and returns it. */
  async function buildNotification(w: Workbench) {
    const toast = w.notificationToast('RecLens: Indexing table.jsonl');
    await toast.waitFor({ timeout: 60_000 });
    return toast;
  }

  test('opening a trace indexes the table behind a cancellable progress notification; hovers then show titles', { timeout: 120_000 }, async () => {
    const w = wb!;
    await w.guard('index-progress', async () => {
      const start = Date.now();
      await w.openFile('trace.txt');
      const toast = await buildNotification(w);
      console.log(`[e2e] index build notification after ${elapsed()}`);
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).waitFor();
      await w.page.waitForTimeout(500);
      startupBuildToasts = await w.page.locator('.notifications-toasts .notification-toast', { hasText: 'Indexing table.jsonl' }).count();
      await w.screenshot('index-progress');
      await toast.waitFor({ state: 'detached', timeout: 60_000 });
      console.log(`[e2e] first build done ${((Date.now() - start) / 1000).toFixed(1)} s after opening the trace (${startupBuildToasts} build notification(s) at once)`);
      const needle = code(levels(second));
      const hover = await afterStartupLoad(
        w,
        table,
        () => w.hoverText(needle, { until: (h) => h.includes(titleOf(second)), timeoutMs: 5000 }).catch(() => ''),
        (h) => h.includes(titleOf(second)),
        `the hover of item ${second}`,
      );
      assert.ok(hover.includes(`i${second}`), `the hover names the item id: ${hover}`);
      await w.runCommand('Notifications: Clear All Notifications');
      await w.screenshot('index-hover');
    });
  });

  test('a row appended to the table is indexed again and hovers show it, never the old pool', { timeout: 120_000 }, async () => {
    const w = wb!;
    await w.guard('index-rebuild', async () => {
      const newCode = code(added.sid);
      fs.appendFileSync(trace, `added ${newCode}\n`);
      // The editor reloads the file from disk; before the table has the code, the hover says so.
      const before = await w.hoverText(newCode, { until: (h) => /Not in the item pool/.test(h), timeoutMs: 30_000 });
      assert.ok(!before.includes(added.title), before);

      const start = Date.now();
      fs.appendFileSync(table, row(added.id, added.sid, added.title));
      const toast = await buildNotification(w);
      await toast.waitFor({ state: 'detached', timeout: 60_000 });
      console.log(`[e2e] rebuild done ${((Date.now() - start) / 1000).toFixed(1)} s after the table changed`);
      // The build is over: the very first complete hover must come from the new pool.
      const hover = await w.hoverText(newCode, { until: (h) => /Itemic code/.test(h) && !/No alignment table/.test(h), timeoutMs: 15_000 });
      assert.ok(hover.includes(added.title), `the hover shows the appended item: ${hover}`);
      assert.doesNotMatch(hover, /Not in the item pool/);
      assert.ok(hover.includes(added.id), hover);
      await w.page.mouse.move(5, 5);
      const old = await w.hoverText(code(levels(first)), { until: (h) => /Itemic code/.test(h), timeoutMs: 15_000 });
      assert.ok(old.includes(titleOf(first)), `items of the first build are still there: ${old}`);
      await w.hoverText(newCode, { until: (h) => h.includes(added.title), timeoutMs: 15_000 });
      await w.page.waitForTimeout(1000);
      linesAfterRebuild = await renderedLines(w);
      await w.screenshot('index-rebuilt-hover');
    });
  });

  test('cancelling a build leaves the table out of the pool and a warning names it', { timeout: 120_000 }, async () => {
    const w = wb!;
    await w.guard('index-cancel', async () => {
      await w.page.mouse.move(5, 5);
      fs.appendFileSync(table, row(cancelled.id, cancelled.sid, cancelled.title));
      const toast = await buildNotification(w);
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      const warning = w.notificationToast(/indexing was cancelled/);
      await warning.waitFor({ timeout: 30_000 });
      const text = (await warning.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /table\.jsonl: indexing was cancelled/, `the warning names the table: ${text}`);
      await toast.waitFor({ state: 'detached', timeout: 15_000 });
      const hover = await w.hoverText(code(levels(first)), { until: (h) => /Itemic code/.test(h), timeoutMs: 15_000 });
      assert.match(hover, /No configured item table could be indexed/, `no table in the pool after the cancel, and the hover says why: ${hover}`);
      assert.ok(!hover.includes(titleOf(first)), hover);
      console.log(`[e2e] cancelled build after ${elapsed()}: ${text}`);
      await w.page.waitForTimeout(1000);
      linesAfterCancel = await renderedLines(w);
      await w.screenshot('index-cancelled');
    });
  });

  test(
    'start-up indexes each table once: one build notification, no failed concurrent build',
    () => {
      assert.deepEqual(startupRaces, [], 'a start-up load failed and left the pool empty');
      assert.equal(startupBuildToasts, 1, 'build notifications of table.jsonl shown together at start-up');
    },
  );

  test(
    'inlay hints follow the pool: the appended item gets its hint after the rebuild, and no hint stays after the cancel',
    () => {
      const added = linesAfterRebuild.find((l) => l.startsWith('added ')) ?? '';
      assert.ok(added.includes(addedTitle.slice(0, 20)), `after the rebuild: ${JSON.stringify(added)}`);
      const first = linesAfterCancel.find((l) => l.startsWith('first ')) ?? '';
      assert.ok(!first.includes(titleOf(5)), `after the cancel: ${JSON.stringify(first)}`);
    },
  );
});
