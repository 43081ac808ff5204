/** `reclens diff` and `reclens render` as users run them: `node dist/cli.js …` in a real process (run `npm run build` first). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { GraphDiff, TraceGraph } from '../../protocol/graph';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const demo = path.join(repoRoot, 'demo');
const u1024 = path.join(demo, 'traces', 'u1024.rtrace');
const dump = path.join(demo, 'traces', 'benchmark.json');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cli-graph-'));
// Item indexes go to a folder of this run's own.
const cache = path.join(dir, 'cache');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function reclens(args: string[], cwd = repoRoot): Run {
  const r = spawnSync(process.execPath, [cli, ...args, '--cache', cache], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** u1024 at a later checkpoint: rec 2 moved to rank 5 and became a hit, rec 4 replaced, c5 reworded, a new step. */
function laterCheckpoint(): string {
  const text = fs
    .readFileSync(u1024, 'utf8')
    .replace('checkpoint: sft-think/step-8000', 'checkpoint: sft-think/step-9000')
    .replace(/^2 (\S+) score=-1.31 beam=3 miss <- r2$/m, '5 $1 score=-3.5 hit <- r2')
    .replace(/^4 \S+ (score=-2.96 beam=9 miss <- r4)$/m, '4 <|sid_begin|><s_a_2981><s_b_2222><s_c_9><|sid_end|> $1')
    .replace('c5 The skin-care purchase is a single one: a weak, long-term interest.', 'c5 The skin-care purchase is a single one: a weak interest that is fading.')
    .replace('[layer recommendation]', '[layer recommendation]\nr5 A travel-size dry shampoo for the days between washes. <- c1');
  const file = path.join(dir, 'u1024-later.rtrace');
  fs.writeFileSync(file, text);
  return file;
}

describe('reclens diff', () => {
  const later = laterCheckpoint();

  test('text: titles, summary, the metric strip, then what changed, with item titles', () => {
    const r = reclens(['diff', u1024, later]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^A {2}u1024 · sft-think\/step-8000 · thinking {3}\(.*u1024\.rtrace\)\nB {2}u1024 · sft-think\/step-9000 · thinking/);
    assert.ok(out.includes('recommendations: 1 gained, 1 lost, 1 moved, 2 in place\nhits: 1 gained, 0 lost (A 1 of 1 target, B 2 of 1 target)\ninterests: 1 new, 0 gone, 1 changed, 12 same\nhistory: 6 matched, 0 only in A, 0 only in B'), out);
    assert.match(out, /\nrecommendations +4 +4\nhits +1 +2 +↑\n/);
    assert.match(out, /\nfirst hit rank +1 +1\n/);
    assert.match(out, /Recommendations gained \(only in B\)\n {2}#4 +Dry Shampoo Spray, Unscented {2}2981\.2222\.9\n/);
    assert.match(out, /Recommendations lost \(only in A\)\n {2}#4 +Shea Body Butter, Unscented {2}5028\.410\.89\n/);
    assert.match(out, /Recommendations moved\n {2}#2 → #5 +Bond Repair Hair Mask {2}2981\.77\.319 {2}hit\n/);
    assert.match(out, /Hits gained\n {2}#5 +Bond Repair Hair Mask/);
    assert.match(out, /Interests that appeared \(only in B\)\n {2}r5 +\[recommendation\] A travel-size dry shampoo/);
    assert.match(out, /Interests that changed\n {2}c5 +\[evolution\] .*\n {6}A: The skin-care purchase is a single one: a weak, long-term interest\.\n {6}B: .*fading\.\n/);
    assert.match(out, /History: 6 of A's 6 items are in B\n$/);
    assert.doesNotMatch(out, /Interests that disappeared/);
  });

  test('--format json: the whole diff', () => {
    const r = reclens(['diff', '--format', 'json', u1024, later]);
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as GraphDiff;
    assert.equal(d.nodes.find((n) => n.aId === 'rec2')!.bRank, 5);
    assert.equal(d.nodes.find((n) => n.aId === 'rec2')!.hitChange, 'gained');
    assert.equal(d.nodes.find((n) => n.bId === 'r5')!.status, 'added');
    assert.ok(d.edges.some((e) => e.source === 'b:c1' && e.target === 'b:r5' && e.status === 'added'));
    assert.equal(d.summary.length, 4);
  });

  test('traces of a dump: thinking vs non-thinking generations, chosen with --trace-a / --trace-b', () => {
    const r = reclens(['diff', '--trace-a', 'u0001_skincare/1', '--trace-b', 'u0003_makeup_nothink/2', dump, dump]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^A {2}u0001_skincare\/1 · thinking/);
    const d = JSON.parse(reclens(['diff', '--format', 'json', '--trace-b', 'u0002_curly_hair', dump, dump]).stdout) as GraphDiff;
    assert.equal(d.b.title, 'u0002_curly_hair/1 · thinking');
  });

  test('errors: an unknown trace (exit 1), a missing file (exit 1), the wrong number of files (exit 2)', () => {
    const unknown = reclens(['diff', '--trace-b', 'nobody', u1024, dump]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /^reclens diff: no trace "nobody" in .*benchmark\.json; its traces are u0001_skincare\/1, /m);
    const missing = reclens(['diff', u1024, path.join(dir, 'missing.rtrace')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /reclens diff: cannot read .*missing\.rtrace \(ENOENT\)/);
    const one = reclens(['diff', u1024]);
    assert.equal(one.status, 2);
    assert.match(one.stderr, /reclens diff: needs two trace files, A and B \(got 1\)/);
    assert.equal(reclens(['diff', '--out', 'x.html', u1024, u1024]).status, 2);
  });

  test('terminal escapes in model text are not written to the terminal', () => {
    const file = path.join(dir, 'escapes.rtrace');
    fs.writeFileSync(file, fs.readFileSync(u1024, 'utf8').replace('r4 Keep one body-care item', 'r4 Keep \u001b[2J\u001b]0;pwned\u0007one body-care item'));
    const r = reclens(['diff', u1024, file]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!/[\u001b\u0007]/.test(r.stdout));
    assert.match(r.stdout, /Keep \?\[2J\?\]0;pwned\?one body-care item/);
  });
});

/** The JSON payload of a page: the one `application/json` script. */
function payloadOf(html: string): unknown {
  const m = /<script type="application\/json" id="reclens-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'no embedded payload');
  return JSON.parse(m[1]);
}

const HOSTILE = '</script><img src=x onerror=alert(1)><script>window.__pwned=1</script><!--';

describe('reclens render', () => {
  const bundle = fs.readFileSync(path.join(repoRoot, 'dist', 'webview', 'graph.js'), 'utf8');

  test('a trace: a standalone page with the graph embedded safely and the webview bundle inline', () => {
    const out = path.join(dir, 'graph.html');
    const hostile = path.join(dir, 'hostile.rtrace');
    fs.writeFileSync(hostile, fs.readFileSync(u1024, 'utf8').replace('bought, 2025-11-02', HOSTILE).replace('user: u1024', `user: u1024 ${HOSTILE}`));
    const r = reclens(['render', hostile, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^wrote .*graph\.html \(24 nodes, 26 edges\)\n$/);
    const html = fs.readFileSync(out, 'utf8');
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    // Two script elements (payload, bundle), each closed once: nothing in the payload closes one early.
    assert.equal(html.match(/<script/gi)!.length, 2);
    assert.equal(html.match(/<\/script/gi)!.length, 2);
    assert.ok(!html.includes('<img src=x'), 'the hostile note never appears as markup');
    const { graph } = payloadOf(html) as { graph: TraceGraph };
    assert.equal(graph.nodes.length, 24);
    assert.ok(graph.nodes[0].text.includes(HOSTILE), 'the note survives as a plain string');
    assert.equal(graph.header.user, `u1024 ${HOSTILE}`);
    assert.ok(html.includes(bundle.slice(0, 2000).replace(/<\/script/gi, '<\\/script')), 'the webview bundle is inline');
    assert.match(html, /<title>RecLens — u1024 &#60;\/script&#62;/);
  });

  test('a result file as the OneReason runner writes it (run fields before "samples", race mode): a thinking generation and its layers', () => {
    const run = path.join(repoRoot, 'test', 'fixtures', 'dumps', 'onereason', 'onereason-8b-step1200', 'challenge_recommendation_video_full', 'test_generated.json');
    const out = path.join(dir, 'run.html');
    const r = reclens(['render', run, '--trace', '0/1', '--out', out, '--preset', 'onereason']);
    assert.equal(r.status, 0, r.stderr);
    const { graph } = payloadOf(fs.readFileSync(out, 'utf8')) as { graph: TraceGraph };
    assert.deepEqual(
      graph.nodes.filter((n) => n.kind === 'step').map((n) => `${n.id}:${n.layer}`),
      ['c1:persona', 'c2:interest-expansion', 'c3:transition-inference'],
    );
    assert.equal(graph.header.task, 'challenge_recommendation_video_full');
    assert.equal(graph.metrics.hits, 1);
    const check = reclens(['check', run, '--preset', 'onereason']);
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout + check.stderr, /1 file checked: 0 errors, 0 warnings/);
  });

  test('a diff: --diff B, default file diff.html; --out - writes to stdout', () => {
    const later = laterCheckpoint();
    const r = reclens(['render', u1024, '--diff', later], dir);
    assert.equal(r.status, 0, r.stderr);
    const { diff } = payloadOf(fs.readFileSync(path.join(dir, 'diff.html'), 'utf8')) as { diff: GraphDiff };
    assert.equal(diff.b.title, 'u1024 · sft-think/step-9000 · thinking');
    assert.ok(diff.nodes.some((n) => n.status === 'added'));
    const s = reclens(['render', dump, '--trace', 'u0002_curly_hair/2', '--out', '-']);
    assert.equal(s.status, 0, s.stderr);
    assert.equal((payloadOf(s.stdout) as { graph: TraceGraph }).graph.trace, 'u0002_curly_hair/2');
  });

  test('errors: an unknown trace, --trace-b without --diff, no file', () => {
    const unknown = reclens(['render', dump, '--trace', 'nobody', '--out', path.join(dir, 'x.html')]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /reclens render: no trace "nobody"/);
    assert.ok(!fs.existsSync(path.join(dir, 'x.html')));
    assert.equal(reclens(['render', u1024, '--trace-b', 'x']).status, 2);
    const none = reclens(['render']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /needs one trace file \(got 0\)/);
  });

  const chromium = process.env.RECLENS_CHROMIUM ?? '/usr/bin/chromium';
  test('the page draws every node in a browser, the hostile note as text', { skip: fs.existsSync(chromium) ? false : `no Chromium at ${chromium}` }, async () => {
    const { launchBrowser } = await import('../webview/browser');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await page.goto(`file://${path.join(dir, 'graph.html')}`);
      await page.locator('.node').first().waitFor();
      assert.equal(await page.locator('.node').count(), 24);
      assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
      assert.ok((await page.locator('.node[data-id="h1"]').getAttribute('aria-label'))!.length > 0);
      assert.equal(dialogs, 0);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
