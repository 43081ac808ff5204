/**
 * Item index benchmark: synthetic OpenOneRec tables (bench/tables.ts) of 1M
 * and 10M items; build time against reading the source once, open from
 * cache, exact lookup p50/p99, RSS, search; and the baseline a user would
 * otherwise pick, the JSONL loaded into a `Map`. Every phase runs in its own
 * process so that RSS figures do not mix.
 *
 * Run directly: `node --expose-gc --import tsx bench/index.ts [--items 1e6]`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { codeKey, compileGrammar, presetSpec } from '../server/items/grammar';
import { buildIndex } from '../server/items/index/build';
import { openIndex } from '../server/items/index/open';
import type { ItemRecord } from '../server/items/lookup';
import { jsonlSource } from '../server/items/sources/jsonl';
import { openOneRecSource } from '../server/items/sources/parquet';
import type { RowSource } from '../server/items/sources/types';
import { measureRead, writeSyntheticTables } from './tables';

const grammar = compileGrammar(presetSpec('openonerec'));
const BASE_PID = 1_000_000_000;
const LOOKUPS = 100_000;

export interface IndexBench {
  items: number;
  jsonlBytes: number;
  /** Seconds to read every row of the JSONL / Parquet source once, and to build the index from it. */
  readJsonl: number;
  buildJsonl: number;
  readParquet?: number;
  buildParquet?: number;
  buildPeakRssMb: number;
  indexBytes: number;
  openMs: number;
  rssAfterOpenMb: number;
  exact: { p50: number; p99: number };
  byId: { p50: number; p99: number };
  search: { query: string; ms: number; hits: number }[];
  rssAfterSearchMb: number;
  map: { loadSeconds: number; rssMb: number; exact: { p50: number; p99: number } };
}

/** Benchmark the index for each pool size (default 1M and 10M items); tables are generated once into the temp folder. */
export async function benchIndex(sizes: number[] = [1_000_000, 10_000_000]): Promise<IndexBench[]> {
  const out: IndexBench[] = [];
  for (const items of sizes) {
    const dir = path.join(os.tmpdir(), `reclens-bench-index-${items}`);
    const jsonl = path.join(dir, 'items.jsonl');
    if (!fs.existsSync(path.join(dir, 'done'))) {
      fs.mkdirSync(dir, { recursive: true });
      writeSyntheticTables(dir, items);
      fs.writeFileSync(path.join(dir, 'done'), '');
    }
    const hasParquet = fs.existsSync(path.join(dir, 'pid2sid.parquet'));
    const phase = (name: string): Record<string, number> => runPhase(name, dir, items);
    const readJsonl = phase('read-jsonl').seconds;
    const build = phase('build-jsonl');
    const readParquet = hasParquet ? phase('read-parquet').seconds : undefined;
    const buildParquet = hasParquet ? phase('build-parquet').seconds : undefined;
    const open = phase('open') as unknown as Omit<IndexBench, 'items'>;
    const map = phase('map');
    out.push({
      items,
      jsonlBytes: fs.statSync(jsonl).size,
      readJsonl,
      buildJsonl: build.seconds,
      readParquet,
      buildParquet,
      buildPeakRssMb: build.peakRssMb,
      indexBytes: build.indexBytes,
      openMs: open.openMs,
      rssAfterOpenMb: open.rssAfterOpenMb,
      exact: open.exact,
      byId: open.byId,
      search: open.search,
      rssAfterSearchMb: open.rssAfterSearchMb,
      map: { loadSeconds: map.loadSeconds, rssMb: map.rssMb, exact: { p50: map.p50, p99: map.p99 } },
    });
  }
  return out;
}

/** Run one phase in a fresh Node process; its last stdout line is a JSON object. */
function runPhase(name: string, dir: string, items: number): Record<string, number> {
  const args = ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', __filename, '--phase', name, '--dir', dir, '--items', String(items)];
  const stdout = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Record<string, number>;
}

const rssMb = (): number => {
  global.gc?.();
  return process.memoryUsage().rss / 1e6;
};

function sources(dir: string, kind: 'jsonl' | 'parquet'): RowSource[] {
  if (kind === 'jsonl') {
    const file = path.join(dir, 'items.jsonl');
    return [jsonlSource(file, fs.statSync(file).size, grammar)];
  }
  const sid = path.join(dir, 'pid2sid.parquet');
  const cap = path.join(dir, 'pid2caption.parquet');
  return [openOneRecSource(sid, cap, fs.statSync(sid).size + fs.statSync(cap).size, grammar)];
}

function percentiles(samples: Float64Array): { p50: number; p99: number } {
  samples.sort();
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

/** Time `fn` per call in µs over `args`. */
function timeEach<T>(args: T[], fn: (a: T) => unknown): { p50: number; p99: number } {
  for (let i = 0; i < Math.min(1000, args.length); i++) fn(args[i]); // warm up
  const samples = new Float64Array(args.length);
  for (let i = 0; i < args.length; i++) {
    const t = process.hrtime.bigint();
    fn(args[i]);
    samples[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return percentiles(samples);
}

/** Random ids of the pool (deterministic). */
function randomIds(items: number, count: number): string[] {
  let s = 12345;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return String(BASE_PID + (s % items));
  });
}

async function runPhaseHere(name: string, dir: string, items: number): Promise<Record<string, unknown>> {
  const indexFile = (kind: string): string => path.join(dir, `${kind}.rlindex`);
  switch (name) {
    case 'read-jsonl':
    case 'read-parquet':
      return { seconds: (await measureRead(sources(dir, name === 'read-jsonl' ? 'jsonl' : 'parquet')[0])).seconds };
    case 'build-jsonl':
    case 'build-parquet': {
      const kind = name === 'build-jsonl' ? 'jsonl' : 'parquet';
      const t0 = performance.now();
      const result = await buildIndex(sources(dir, kind), grammar, indexFile(kind), { fingerprint: 'bench' });
      const seconds = (performance.now() - t0) / 1000;
      if (result.items !== items) throw new Error(`indexed ${result.items} of ${items} items: ${JSON.stringify(result.problems.slice(0, 3))}`);
      return { seconds, peakRssMb: process.resourceUsage().maxRSS / 1e3, indexBytes: fs.statSync(indexFile(kind)).size };
    }
    case 'open': {
      const t0 = performance.now();
      const index = openIndex(indexFile('jsonl'));
      const openMs = performance.now() - t0;
      const rssAfterOpenMb = rssMb();
      const ids = randomIds(items, LOOKUPS);
      const byId = timeEach(ids, (id) => index.byId(id));
      const codes = ids.map((id) => index.byId(id)?.levels ?? []);
      const exact = timeEach(codes, (levels) => index.exact(levels));
      const search = ['lipstick tutorial', 'zzz-none', '#4242'].map((query) => {
        const t = performance.now();
        const hits = index.search(query, 20).length;
        return { query, ms: performance.now() - t, hits };
      });
      return { openMs, rssAfterOpenMb, byId, exact, search, rssAfterSearchMb: rssMb() };
    }
    case 'map': {
      // What a user would otherwise write: every row into a Map by code.
      const t0 = performance.now();
      const map = new Map<string, ItemRecord[]>();
      const file = path.join(dir, 'items.jsonl');
      let line = 0;
      for await (const text of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
        line++;
        const v = JSON.parse(text) as { pid: number; sid: number[]; popularity?: number; dense_caption?: string };
        const item: ItemRecord = { id: String(v.pid), levels: v.sid, caption: v.dense_caption, popularity: v.popularity, source: { path: file, line } };
        const key = codeKey(v.sid);
        const list = map.get(key);
        if (list) list.push(item);
        else map.set(key, [item]);
      }
      const loadSeconds = (performance.now() - t0) / 1000;
      const rss = rssMb();
      const all = [...map.keys()];
      let s = 7;
      const keys = Array.from({ length: LOOKUPS }, () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return all[s % all.length].split('.').map(Number);
      });
      const { p50, p99 } = timeEach(keys, (levels) => map.get(codeKey(levels)));
      return { loadSeconds, rssMb: rss, p50, p99 };
    }
    default:
      throw new Error(`unknown phase ${name}`);
  }
}

function table(results: IndexBench[]): string {
  const f = (n: number | undefined, d = 1): string => (n === undefined ? '–' : n.toFixed(d));
  const rows = [
    '| items | read JSONL once | build from JSONL (ratio) | read Parquet once | build from Parquet (ratio) | build peak RSS | index file | open from cache | RSS after open | exact p50 / p99 | byId p50 / p99 | search (20 hits) | Map baseline: load / RSS / get p50 / p99 |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.items.toLocaleString('en')} | ${f(r.readJsonl)} s | ${f(r.buildJsonl)} s (${f(r.buildJsonl / r.readJsonl, 2)}×) | ${f(r.readParquet)} s | ${f(r.buildParquet)} s (${r.readParquet && r.buildParquet ? f(r.buildParquet / r.readParquet, 2) : '–'}×) | ${f(r.buildPeakRssMb, 0)} MB | ${f(r.indexBytes / 1e6, 0)} MB | ${f(r.openMs, 0)} ms | ${f(r.rssAfterOpenMb, 0)} MB | ${f(r.exact.p50)} / ${f(r.exact.p99)} µs | ${f(r.byId.p50)} / ${f(r.byId.p99)} µs | ${r.search.map((s) => `${f(s.ms, 0)} ms`).join(', ')} | ${f(r.map.loadSeconds)} s (${f(r.map.loadSeconds / r.buildJsonl, 2)}× build) / ${f(r.map.rssMb, 0)} MB (${f(r.map.rssMb / r.rssAfterOpenMb, 1)}× index) / ${f(r.map.exact.p50, 2)} / ${f(r.map.exact.p99, 2)} µs |`,
    );
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const phase = arg('--phase');
  if (phase) {
    console.log(JSON.stringify(await runPhaseHere(phase, arg('--dir') ?? '', Number(arg('--items')))));
    return;
  }
  const items = arg('--items');
  const results = await benchIndex(items ? [Number(items)] : undefined);
  console.log(JSON.stringify(results));
  console.log(`\n${table(results)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
