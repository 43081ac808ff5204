/**
 * Reasoning graphs at the size the issue names: a synthetic 1,000-node
 * trace (290 history items, 500 reasoning steps in four layers, 200
 * recommendations, 10 ground-truth items, items of the demo world) is built
 * into a graph, and diffed against a second checkpoint's trace of the same
 * user (a fifth of the steps reworded, some gone, some new, recommendations
 * moved and replaced) and against an unrelated trace (nothing pairs: every
 * pair of steps is scored). The baseline, in the same run, is
 * `JSON.stringify` of the graphs involved.
 *
 * `node --import tsx bench/graph.ts` prints the figures alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TraceGraph } from '../protocol/graph';
import { defaultLayers } from '../protocol/layers';
import { buildGraph } from '../server/graph/build';
import { diffGraphs } from '../server/graph/diff';
import { resolveGrammar } from '../server/items/grammar';
import type { ItemRecord } from '../server/items/lookup';
import { createMemoryLookup } from '../server/items/memory-lookup';
import { loadTable } from '../server/items/table';
import { analyzeDocument } from '../server/trace/analyze';
import type { Analysis } from '../server/trace/model';
import { mulberry32 } from '../test/support/random';

export interface Timing {
  median: number;
  min: number;
}

export interface GraphBench {
  nodes: number;
  edges: number;
  analyse: Timing;
  build: Timing;
  buildBaseline: Timing;
  diff: Timing;
  diffUnrelated: Timing;
  diffBaseline: Timing;
  /** What the checkpoint diff found. */
  summary: string[];
}

const grammar = resolveGrammar('openonerec', null).grammar;
const WORDS = 'routine interest cooking baking bread pastry travel hiking photo editing portraits dogs training breeds skincare serum makeup yoga cycling camping garden weekly recent stable fading rising short long term session cluster items latest history evening morning budget quick detailed'.split(' ');

const code = (levels: number[]): string => `<|sid_begin|>${levels.map((v, k) => `<s_${'abc'[k]}_${v}>`).join('')}<|sid_end|>`;

interface Variant {
  /** Seed of the edits a second checkpoint makes; none for the first. */
  edits?: number;
  /** Another user: other seed for everything. */
  seed: number;
}

/** A 1,000-node `.rtrace`: 290 history, 100 + 200 + 100 + 100 steps, 200 recommendations, 10 targets. */
export function syntheticTrace(items: ItemRecord[], v: Variant): string {
  const rnd = mulberry32(v.seed);
  const edit = v.edits === undefined ? undefined : mulberry32(v.edits);
  const pick = <T>(xs: T[], r = rnd): T => xs[Math.floor(r() * xs.length)];
  const sentence = (n: number, r = rnd): string => Array.from({ length: n }, () => pick(WORDS, r)).join(' ');
  const lines = ['%rtrace 1', `user: u${v.seed}`, `checkpoint: ${v.edits === undefined ? 'step-1000' : 'step-2000'}`, 'mode: thinking', '', '[history]'];
  const history = Array.from({ length: 290 }, () => pick(items));
  history.forEach((it, i) => lines.push(`h${i + 1} ${code(it.levels)} ${it.title ?? ''}`));
  const ids: Record<string, string[]> = { p: [], c: [], r: [] };
  const layer = (name: string, letter: 'p' | 'c' | 'r', n: number, cites: () => string[]): void => {
    lines.push('', `[layer ${name}]`);
    for (let i = 0; i < n; i++) {
      // The first checkpoint's text; the second rewords a fifth of the steps, drops some and adds others.
      let text = `${sentence(6)} ${code(pick(history).levels.slice(0, 2))} ${sentence(6)}`;
      const evidence = cites();
      const id = `${letter}${ids[letter].length + 1}`;
      ids[letter].push(id);
      if (edit) {
        // A dropped step leaves its id unused, so the steps after it keep theirs (those citing it lose that evidence).
        const roll = edit();
        if (roll < 0.08) continue;
        if (roll < 0.28) text = text.replace(/^\S+ \S+/, sentence(2, edit));
        if (roll > 0.92) text = `${sentence(10, edit)} new`;
      }
      lines.push(`${id} ${text} <- ${evidence.join(', ')}`);
    }
  };
  const some = (xs: string[], n: number): string[] => [...new Set(Array.from({ length: n }, () => pick(xs)))];
  const hs = history.map((_, i) => `h${i + 1}`);
  layer('perception', 'p', 100, () => some(hs, 3));
  layer('derivation', 'c', 200, () => some(ids.p, 3));
  layer('evolution', 'c', 100, () => some(ids.c, 2));
  layer('recommendation', 'r', 100, () => some(ids.c, 2));
  const truth = Array.from({ length: 10 }, () => pick(items));
  let recs = Array.from({ length: 200 }, (_, i) => (i % 20 === 0 ? truth[i / 20] ?? pick(items) : pick(items)));
  if (edit) recs = recs.map((it) => (edit() < 0.2 ? pick(items, edit) : it)).sort(() => (edit() < 0.3 ? edit() - 0.5 : 0));
  lines.push('', '[recommendations]');
  recs.forEach((it, i) => lines.push(`${i + 1} ${code(it.levels)} score=${(-i / 10).toFixed(2)} <- ${pick(ids.r)}`));
  lines.push('', '[ground-truth]', ...truth.map((it) => code(it.levels)), '');
  return lines.join('\n');
}

/** Median and least of `runs` timings of `f` in milliseconds, after two warm-up runs (the least shows what a quiet machine does). */
function timing(f: () => unknown, runs = 25): Timing {
  f();
  f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(runs / 2)], min: ms[0] };
}

export function benchGraph(): GraphBench {
  const file = path.join(__dirname, '..', 'demo', 'world', 'items.json');
  const items = loadTable(file, fs.readFileSync(file, 'utf8'), grammar).items;
  const env = { grammar, lookup: createMemoryLookup(items, [file]) };
  const analyse = (text: string): Analysis => analyzeDocument(text, 'rtrace', { grammar, layers: defaultLayers });
  const graph = (text: string): TraceGraph => {
    const analysis = analyse(text);
    return buildGraph(analysis, text, analysis.traces[0], env);
  };
  const textA = syntheticTrace(items, { seed: 7 });
  const textB = syntheticTrace(items, { seed: 7, edits: 11 });
  const textC = syntheticTrace(items, { seed: 8 });
  const analysis = analyse(textA);
  const a = buildGraph(analysis, textA, analysis.traces[0], env);
  const b = graph(textB);
  const c = graph(textC);
  return {
    nodes: a.nodes.length,
    edges: a.edges.length,
    analyse: timing(() => analyse(textA)),
    build: timing(() => buildGraph(analysis, textA, analysis.traces[0], env)),
    buildBaseline: timing(() => JSON.stringify(a)),
    diff: timing(() => diffGraphs(a, b)),
    diffUnrelated: timing(() => diffGraphs(a, c)),
    diffBaseline: timing(() => JSON.stringify(a) + JSON.stringify(b)),
    summary: diffGraphs(a, b).summary,
  };
}

if (require.main === module) console.log(benchGraph());
