/**
 * Parse benchmark on a generated ~100 MB OpenOneRec benchmark dump, against
 * `JSON.parse` of the same string in the same run (medians of alternating
 * repetitions, so both see the same machine load):
 * - scan: every itemic code and the JSON skeleton (every container's span and
 *   key down to the samples' fields), what the issue's target is about;
 * - structure: plus samples, generations, outline and folds (`scanBenchmark`,
 *   what opening a dump waits for);
 * - full: plus every generation's reasoning steps (`analyzeBenchmark`).
 * Run: `node --import tsx bench/parse.ts [megabytes]`.
 */
import { defaultLayers } from '../protocol/layers';
import { CodeList } from '../server/items/code-list';
import { resolveGrammar } from '../server/items/grammar';
import { analyzeBenchmark, BENCHMARK_KEEP_DEPTH, scanBenchmark } from '../server/trace/benchmark';
import { JsonScanner } from '../server/trace/json/scan';
import { generateDump } from './dump';

export interface ParseFigures {
  bytes: number;
  codes: number;
  traces: number;
  jsonParseMs: number;
  scanMs: number;
  structureMs: number;
  fullMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pause = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Time one run of `f`, after a full collection when the benchmark runs with --expose-gc (so earlier runs' garbage is not billed to it). */
function time(f: () => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** Generate the dump and time JSON.parse, the scan, the structure and the full analysis, alternately. */
export async function benchParse(options: { megabytes?: number; repetitions?: number } = {}): Promise<ParseFigures> {
  const text = generateDump((options.megabytes ?? 100) * 1e6);
  const ctx = { grammar: resolveGrammar('openonerec', null).grammar, layers: defaultLayers };
  const reps = options.repetitions ?? 7;
  const parse: number[] = [];
  const scan: number[] = [];
  const structure: number[] = [];
  const full: number[] = [];
  let codes = 0;
  let traces = 0;
  for (let i = 0; i < reps; i++) {
    parse.push(time(() => JSON.parse(text)));
    await pause();
    scan.push(
      time(() => {
        const list = new CodeList(ctx.grammar);
        new JsonScanner(text, 0, text.length, { grammar: ctx.grammar, codes: list, keepDepth: BENCHMARK_KEEP_DEPTH, nested: true }).run();
        codes = list.length;
      }),
    );
    await pause();
    structure.push(time(() => scanBenchmark(text, ctx)));
    await pause();
    if (i < 3) {
      full.push(time(() => (traces = analyzeBenchmark(text, ctx).traces.length)));
      await pause();
    }
  }
  return { bytes: Buffer.byteLength(text), codes, traces, jsonParseMs: median(parse), scanMs: median(scan), structureMs: median(structure), fullMs: median(full) };
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 100);
  benchParse({ megabytes: mb }).then((r) => {
    console.table({
      bytes: r.bytes,
      codes: r.codes,
      'JSON.parse (ms)': Math.round(r.jsonParseMs),
      'codes + JSON skeleton (ms)': Math.round(r.scanMs),
      'ratio (target ≤ 1.0)': Number((r.scanMs / r.jsonParseMs).toFixed(2)),
      'codes + samples, generations, outline (ms)': Math.round(r.structureMs),
      'full analysis with reasoning steps (ms)': Math.round(r.fullMs),
      traces: r.traces,
    });
  });
}
