/**
 * The graph webview at the size the issue names: a 1,000-node reasoning
 * graph (50 history items, 400 perception, 300 cognition and 150
 * recommendation steps, 100 recommendations; evidence fan-in 1–4) drawn by
 * the built bundle (dist/webview/graph.js) in headless Chromium.
 *
 * Measured in the page: from the graph message arriving (a window message
 * event, as VS Code delivers it) until the frame that shows the SVG has been
 * painted (one requestAnimationFrame, then a task after it). "Cold" is a
 * fresh page each run — what opening the graph costs; "warm" is a second
 * graph drawn in the same page. The baseline, in the same run, draws the
 * same nodes and links in plain columns without the layered layout
 * (`data-layout="grid"`), so the ratio is what the layout costs.
 *
 * `node --import tsx bench/webview.ts` prints the figures alone.
 */
import type { Browser, Page } from 'playwright-core';
import type { TraceGraph } from '../protocol/graph';
import { launchBrowser, openWebview } from '../test/webview/browser';
import { generateGraph, THOUSAND } from '../test/webview/fixtures';

/** Milliseconds from the message to the painted frame: median and least of the runs. */
export interface DrawTiming {
  median: number;
  min: number;
}

export interface WebviewBench {
  nodes: number;
  edges: number;
  runs: number;
  layered: { cold: DrawTiming; warm: DrawTiming };
  grid: { cold: DrawTiming; warm: DrawTiming };
}

function timing(xs: number[]): DrawTiming {
  const s = xs.slice().sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0] };
}

/** Draws the payload stashed in the page and returns milliseconds until the frame is painted. */
async function timeDraw(page: Page, title: string): Promise<number> {
  return page.evaluate(async (t) => {
    const w = window as unknown as { __payload: { title: string } };
    const graph = { ...w.__payload, title: t };
    const t0 = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data: { type: 'graph', graph } }));
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    if (document.querySelectorAll('svg .node').length === 0) throw new Error('nothing drawn');
    return performance.now() - t0;
  }, title);
}

/** One fresh page: the first draw (cold) and a second graph in the same page (warm). */
async function measure(browser: Browser, layout: 'layered' | 'grid', graph: TraceGraph): Promise<{ cold: number; warm: number }> {
  const { page } = await openWebview(browser, { layout: layout === 'grid' ? 'grid' : undefined });
  try {
    await page.evaluate((g) => ((window as unknown as { __payload: unknown }).__payload = g), graph);
    const cold = await timeDraw(page, `${graph.title} (cold)`);
    const warm = await timeDraw(page, `${graph.title} (warm)`);
    return { cold, warm };
  } finally {
    await page.close();
  }
}

/** Runs the webview benchmark (alternating layered and grid so both see the same machine load). */
export async function benchWebview(runs = 9): Promise<WebviewBench> {
  const browser = await launchBrowser();
  try {
    const graph = generateGraph(THOUSAND);
    // One unmeasured page first: Chromium's own start-up work is nobody's render.
    await measure(browser, 'layered', graph);
    const layered: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
    const grid: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
    for (let i = 0; i < runs; i++) {
      for (const [kind, into] of [['layered', layered], ['grid', grid]] as const) {
        const r = await measure(browser, kind, graph);
        into.cold.push(r.cold);
        into.warm.push(r.warm);
      }
    }
    return {
      nodes: graph.nodes.length,
      edges: graph.edges.length,
      runs,
      layered: { cold: timing(layered.cold), warm: timing(layered.warm) },
      grid: { cold: timing(grid.cold), warm: timing(grid.warm) },
    };
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  benchWebview().then(
    (r) => console.log(r),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
