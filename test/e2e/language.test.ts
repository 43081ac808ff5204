/**
 * The language server seen through a real VS Code: hovering an itemic token
 * in a benchmark dump shows the item from the demo alignment table, and the
 * deliberately invalid code in demo/traces/benchmark.json is listed in the
 * Problems panel at its line.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { demoDir, elapsed, eventually, sharedWorkbench } from './harness';

const benchmarkPath = path.join(demoDir, 'traces', 'benchmark.json');
const benchmarkLines = fs.readFileSync(benchmarkPath, 'utf8').split('\n');
const items = JSON.parse(fs.readFileSync(path.join(demoDir, 'items.json'), 'utf8')) as Record<string, { sid: string; title: string }>;

const workbench = sharedWorkbench({ open: 'traces/benchmark.json' });

test('hovering an itemic token inside a generation shows the item title', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('hover', async () => {
    // <s_c_311> occurs once in the dump: the code of B00HAIR005 recommended in u0002's second generation.
    const needle = '<s_c_311>';
    assert.equal(benchmarkLines.filter((l) => l.includes(needle)).length, 1, 'the needle is unique in the dump');
    assert.match(benchmarkLines.find((l) => l.includes(needle)) ?? '', /Perception:/, 'the needle is inside a generation');
    const title = items.B00HAIR005.title;
    const hover = await w.hoverText(needle, { until: (h) => h.includes(title), timeoutMs: 90_000 });
    assert.ok(hover.includes(title), `hover shows "${title}": ${hover}`);
    console.log(`[e2e] hover answered after ${elapsed()}`);
    await w.screenshot('hover');
  });
});

test('the out-of-range code <s_a_9999> is in the Problems panel at its line', { timeout: 120_000 }, async () => {
  const w = workbench();
  await w.guard('problems', async () => {
    const lineIndex = benchmarkLines.findIndex((l) => l.includes('<s_a_9999>'));
    assert.ok(lineIndex >= 0, 'the demo dump holds the invalid code');
    const rows = await eventually(
      () => w.problems(),
      (list) => list.some((r) => r.line === lineIndex + 1 && /9999|range|codebook/i.test(r.text)),
      `a problem at line ${lineIndex + 1} about <s_a_9999>`,
    );
    const row = rows.find((r) => r.line === lineIndex + 1 && /9999|range|codebook/i.test(r.text))!;
    // The diagnostic starts inside the code (its begin token, the bad level token or its number), not elsewhere on the line.
    const text = benchmarkLines[lineIndex];
    const token = text.indexOf('<s_a_9999>');
    const begin = text.lastIndexOf('<|sid_begin|>', token);
    const tokenEnd = token + '<s_a_9999>'.length;
    assert.ok(row.column !== undefined && row.column - 1 >= begin && row.column - 1 < tokenEnd, `column ${row.column} points into the code (${begin + 1}..${tokenEnd})`);
    assert.ok(row.severity === 'error' || row.severity === 'warning', `severity ${row.severity}`);
    console.log(`[e2e] problem listed after ${elapsed()}: ${row.text}`);
    await w.screenshot('problems');
  });
});
