/**
 * `npm run bench`: every benchmark, then the figures written into the
 * README between the bench markers. `--no-readme` only prints them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchEngine, benchRecall, type EngineBench, type RecallRow } from './engine';
import { benchGraph, type Timing } from './graph';
import { benchHover } from './hover';
import { benchChecks, checksTable } from './checks';
import { benchIndex, type IndexBench } from './index';
import { benchInfluence } from './influence';
import { benchParse } from './parse';
import { benchWebview, type DrawTiming } from './webview';

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

/** Replace the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in the README. */
function writeReadme(marker: string, table: string): void {
  const readme = path.join(__dirname, '..', 'README.md');
  const text = fs.readFileSync(readme, 'utf8');
  const re = new RegExp(`<!-- ${marker}:start -->[\\s\\S]*<!-- ${marker}:end -->`);
  if (!re.test(text)) throw new Error(`README.md has no ${marker} markers`);
  fs.writeFileSync(readme, text.replace(re, `<!-- ${marker}:start -->\n${table}\n<!-- ${marker}:end -->`));
  console.log(`README.md updated (${marker})`);
}

async function main(): Promise<void> {
  const engineOnly = process.argv.includes('--engine');
  if (process.argv.includes('--graph')) return graphSection();
  if (process.argv.includes('--webview')) return webviewSection();
  if (process.argv.includes('--checks')) return checksSection();
  if (process.argv.includes('--influence')) return influenceSection();
  if (!engineOnly) await textBenchmarks();
  if (!engineOnly) graphSection();
  if (!engineOnly) await webviewSection();
  const provider = process.argv.includes('--cuda') ? 'cuda' : 'cpu';
  const engine = await benchEngine(provider);
  console.log('engine', engine);
  const recall = process.argv.includes('--no-recall') ? [] : await benchRecall(provider);
  const table = engineTable(engine, recall);
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme(provider === 'cuda' ? 'bench-engine-cuda' : 'bench-engine', table);
  if (provider === 'cpu') await influenceSection();
}

/** The full influence analysis of one demo trace on CPU against one plain inference of the same user (`--influence`: this section alone). */
async function influenceSection(): Promise<void> {
  const b = await benchInfluence('cpu');
  console.log('influence', b);
  const ms = (x: number): string => `${fmt(x, 0)} ms`;
  const table = [
    `Demo model \`final\` on ${b.provider.toUpperCase()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${fmt(os.loadavg()[0], 1)}, ${new Date().toISOString().slice(0, 10)}; medians over ${b.users} held-out users.`,
    '',
    '| influence analysis (`reclens explain`) | figure | baseline (same run) | ratio | target |',
    '|---|---|---|---|---|',
    `| full analysis of one demo trace: ${b.contexts} contexts (full, empty think block, ${b.steps} steps removed, ${b.history} history items occluded) × the top 3 recommendations and the ground truth, ${b.tokens.toLocaleString('en')} context tokens | ${ms(b.analysisMs)} | one plain inference of the same user (greedy thinking, beam 32): ${ms(b.inferenceMs)} | ${fmt(b.analysisMs / b.inferenceMs, 1)} | seconds on CPU |`,
    `| … without reusing shared prefixes (each context computed whole; ${b.reused.toLocaleString('en')} tokens per analysis otherwise taken from the cache) | ${ms(b.unsharedMs)} | the analysis above | ${fmt(b.unsharedMs / b.analysisMs, 2)} | |`,
  ].join('\n');
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme('bench-influence', table);
}

/** The reasoning checks on traces the demo model writes for the held-out users: the perception check's precision (`--checks`: this section alone). */
async function checksSection(): Promise<void> {
  const b = await benchChecks();
  console.log('checks', b);
  const table = checksTable(b);
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme('bench-checks', table);
}

/** Building and diffing 1,000-node reasoning graphs (`--graph`: this section alone). */
function graphSection(): void {
  const g = benchGraph();
  console.log('graph', g);
  const ms = (t: Timing): string => `${fmt(t.median, 1)} ms (least ${fmt(t.min, 1)})`;
  const ratio = (t: Timing, base: Timing): string => fmt(t.median / base.median, 1);
  const table = [
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load average ${fmt(os.loadavg()[0], 1)}, ${new Date().toISOString().slice(0, 10)}. Median of 25 runs (least in brackets).`,
    '',
    '| reasoning graph, synthetic trace of the demo world | figure | baseline (same run) | ratio | target |',
    '|---|---|---|---|---|',
    `| build the graph of a ${g.nodes.toLocaleString('en')}-node trace (${g.edges.toLocaleString('en')} edges, titles and clusters from the item pool) | ${ms(g.build)} | \`JSON.stringify\` of the graph: ${ms(g.buildBaseline)} | ${ratio(g.build, g.buildBaseline)} | |`,
    `| … analysing the \`.rtrace\` before it (parse, evidence checks) | ${ms(g.analyse)} | | | |`,
    `| diff against another checkpoint's trace of the user (${g.summary[2].replace(/^interests: /, 'interests ')}) | ${ms(g.diff)} | \`JSON.stringify\` of both graphs: ${ms(g.diffBaseline)} | ${ratio(g.diff, g.diffBaseline)} | ≤ 50 ms |`,
    `| diff against an unrelated trace (every pair of steps scored) | ${ms(g.diffUnrelated)} | same | ${ratio(g.diffUnrelated, g.diffBaseline)} | ≤ 50 ms |`,
  ].join('\n');
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme('bench-graph', table);
}

/** Laying out and drawing a 1,000-node graph in the webview, in headless Chromium (`--webview`: this section alone). */
async function webviewSection(): Promise<void> {
  const w = await benchWebview();
  console.log('webview', w);
  const ms = (t: DrawTiming): string => `${fmt(t.median, 0)} ms (least ${fmt(t.min, 0)})`;
  const table = [
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Debian's Chromium (headless, software rendering), load average ${fmt(os.loadavg()[0], 1)}, ${new Date().toISOString().slice(0, 10)}. Median of ${w.runs} runs (least in brackets), measured in the page from the graph message to the painted frame.`,
    '',
    `| graph webview, ${w.nodes.toLocaleString('en')} nodes and ${w.edges.toLocaleString('en')} links (50 history, 400 perception, 300 cognition, 150 recommendation steps, 100 recommendations) | figure | baseline (same run): same nodes in plain columns, no layout | ratio | target |`,
    '|---|---|---|---|---|',
    `| open: layered layout (d3-dag Sugiyama) + drawing, in a fresh page | ${ms(w.layered.cold)} | ${ms(w.grid.cold)} | ${fmt(w.layered.cold.median / w.grid.cold.median)} | ≤ 200 ms |`,
    `| redraw: a new graph in the same page | ${ms(w.layered.warm)} | ${ms(w.grid.warm)} | ${fmt(w.layered.warm.median / w.grid.warm.median)} | ≤ 200 ms |`,
  ].join('\n');
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme('bench-webview', table);
}

function engineTable(e: EngineBench, recall: RecallRow[]): string {
  const lines = [
    `Demo model \`final\` (1.15 M parameters) on ${e.provider.toUpperCase()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${e.users} held-out users, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| engine benchmark | figure | baseline (same run) | ratio | target |',
    '|---|---|---|---|---|',
    `| thinking stage (sampled, T = 0.6, top-k 20, top-p 0.95, ${e.thinkingTokens} tokens) | ${fmt(e.tokensPerSecond, 0)} tokens/s | | | |`,
    `| code stage, beam width ${e.beamWidth}, 3 levels, constrained | ${fmt(e.beamExpansionsPerSecond, 0)} beam expansions/s (${fmt(e.beamStageMs, 0)} ms per search) | | | |`,
    `| loop overhead, whole inference (prompt → thinking → beams) | wall time | time inside \`session.run\` | ${fmt(e.overhead)} | ≤ 1.15 |`,
    `| loop overhead, thinking loop alone | wall time | time inside \`session.run\` | ${fmt(e.overheadThinking)} | ≤ 1.15 |`,
    `| greedy decoding of ${e.kv.tokens} tokens with the KV cache | ${fmt(e.kv.kvMs, 0)} ms | recomputing the whole sequence each step: ${fmt(e.kv.fullMs, 0)} ms | ${fmt(e.kv.fullMs / e.kv.kvMs, 1)}× faster${e.kv.same ? ', same tokens' : ', TOKENS DIFFER'} | |`,
  ];
  if (recall.length > 0) {
    lines.push(
      '',
      '| held-out users (100), decoded by this engine: greedy thinking, constrained beam 30, ten best unseen codes | recall@10 | pass@10 | pass@1 | time |',
      '|---|---|---|---|---|',
      ...recall.map((r) => `| \`${r.model}\`, ${r.mode} | ${fmt(r.recall10, 3)} | ${fmt(r.pass10, 2)} | ${fmt(r.pass1, 2)} | ${fmt(r.seconds, 0)} s |`),
    );
  }
  return lines.join('\n');
}

async function textBenchmarks(): Promise<void> {
  const parse = await benchParse();
  console.log('parse', parse);
  const hover = await benchHover();
  console.log('hover', hover);

  const mb = (n: number): string => `${fmt(n / 1e6, 1)} MB`;
  const lines = [
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| benchmark | figure | baseline (same run) | ratio | target |',
    '|---|---|---|---|---|',
    `| every itemic code + the JSON skeleton of a ${mb(parse.bytes)} benchmark dump (${parse.codes.toLocaleString('en')} codes) | ${fmt(parse.scanMs, 0)} ms | \`JSON.parse\` of the same text: ${fmt(parse.jsonParseMs, 0)} ms | ${fmt(parse.scanMs / parse.jsonParseMs)} | ≤ 1.0 |`,
    `| … plus samples, generations, outline and folds (what opening the dump waits for) | ${fmt(parse.structureMs, 0)} ms | same | ${fmt(parse.structureMs / parse.jsonParseMs)} | |`,
    `| … plus every generation's reasoning steps (${parse.traces.toLocaleString('en')} traces; runs in slices after opening) | ${fmt(parse.fullMs, 0)} ms | same | ${fmt(parse.fullMs / parse.jsonParseMs)} | |`,
    `| hover over LSP on that dump, ${hover.after.n} codes, p50 / p99 | ${fmt(hover.after.p50, 3)} / ${fmt(hover.after.p99, 3)} ms | hover on a one-line document: ${fmt(hover.baseline.p50, 3)} / ${fmt(hover.baseline.p99, 3)} ms | ${fmt(hover.after.p99 / hover.baseline.p99)} (p99) | p99 ≤ 1 ms |`,
    `| the hover computation alone, in process, on the analysed dump p50 / p99 | ${fmt(hover.inProcess.p50 * 1000, 1)} / ${fmt(hover.inProcess.p99 * 1000, 1)} µs | | | |`,
    `| first hover after opening the dump (waits for the server to receive and parse the ${mb(hover.bytes)} didOpen message) | ${fmt(hover.firstHoverMs, 0)} ms | | | |`,
    `| hover while the dump is still being analysed (${hover.duringAnalysis.n} hovers) p50 / p99 / max | ${fmt(hover.duringAnalysis.p50, 2)} / ${fmt(hover.duringAnalysis.p99, 2)} / ${fmt(hover.duringAnalysis.max, 1)} ms | | | answers before diagnostics |`,
    `| open the dump → first diagnostics (includes sending ${mb(hover.bytes)} over JSON-RPC) | ${fmt(hover.openToDiagnosticsMs, 0)} ms | | | |`,
  ];
  const sizes = process.argv.includes('--quick') ? [1_000_000] : [1_000_000, 10_000_000];
  const index = await benchIndex(sizes);
  console.log('index', index);
  lines.push('', ...indexTable(index));
  const table = lines.join('\n');
  console.log(`\n${table}\n`);
  if (!process.argv.includes('--no-readme')) writeReadme('bench', table);
}

/** README rows for the item index, one column per pool size. */
function indexTable(runs: IndexBench[]): string[] {
  const us = (x: number): string => `${fmt(x, 1)} µs`;
  const col = (f: (r: IndexBench) => string): string => `| ${runs.map(f).join(' | ')} |`;
  const row = (label: string, f: (r: IndexBench) => string): string => `| ${label} ${col(f)}`;
  return [
    `| item index (synthetic OpenOneRec tables) ${col((r) => `${(r.items / 1e6).toLocaleString('en')}M items`)}`,
    `|---|${runs.map(() => '---|').join('')}`,
    row('read the JSONL once (baseline)', (r) => `${fmt(r.readJsonl, 1)} s`),
    row('build the index from JSONL (ratio to one read; target ≤ 3)', (r) => `${fmt(r.buildJsonl, 1)} s (${fmt(r.buildJsonl / r.readJsonl)}×)`),
    row('read the Parquet pair once / build from it (ratio)', (r) => (r.readParquet && r.buildParquet ? `${fmt(r.readParquet, 1)} s / ${fmt(r.buildParquet, 1)} s (${fmt(r.buildParquet / r.readParquet)}×)` : 'n/a')),
    row('open from cache (target ≤ 2 s)', (r) => `${fmt(r.openMs, 0)} ms`),
    row('RSS after open (target ≤ 1 GB)', (r) => `${fmt(r.rssAfterOpenMb, 0)} MB`),
    row('exact code → items p50 / p99 (target p99 ≤ 50 µs)', (r) => `${us(r.exact.p50)} / ${us(r.exact.p99)}`),
    row('item id → item p50 / p99', (r) => `${us(r.byId.p50)} / ${us(r.byId.p99)}`),
    row('text search, 20 hits', (r) => r.search.map((q) => `\`${q.query}\` ${fmt(q.ms, 0)} ms`).join(', ')),
    row('baseline: JSONL loaded into a `Map` — load / RSS', (r) => `${fmt(r.map.loadSeconds, 1)} s / ${fmt(r.map.rssMb, 0)} MB (${fmt(r.map.rssMb / r.rssAfterOpenMb, 1)}× the index's RSS)`),
    row('baseline: `Map.get` p50 / p99', (r) => `${us(r.map.exact.p50)} / ${us(r.map.exact.p99)}`),
  ];
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
