/**
 * Parse benchmark: on a generated ~100 MB OpenOneRec benchmark dump, finding
 * every itemic code and the document structure (`scanBenchmark`: samples,
 * generations, outline, folds, syntax) against `JSON.parse` of the same
 * string, in the same run, median of several repetitions; and the full
 * analysis (plus every generation's reasoning steps) for reference.
 * Run: `node --import tsx bench/parse.ts [megabytes]`.
 */
import { resolveGrammar } from '../server/items/grammar';
import { defaultLayers } from '../protocol/settings';
import { analyzeBenchmark, scanBenchmark } from '../server/trace/benchmark';
import { generateDump } from './dump';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Generate the dump, time `JSON.parse` and `analyzeBenchmark` alternately, and return the medians and their ratio. */
export async function benchParse(options: { megabytes?: number; repetitions?: number } = {}): Promise<{ bytes: number; jsonParseMs: number; analyseMs: number; ratio: number; codes: number; fullMs: number; traces: number }> {
  const text = generateDump((options.megabytes ?? 100) * 1e6);
  const ctx = { grammar: resolveGrammar('openonerec', null).grammar, layers: defaultLayers };
  const reps = options.repetitions ?? 5;
  const parse: number[] = [];
  const analyse: number[] = [];
  const full: number[] = [];
  let codes = 0;
  let traces = 0;
  for (let i = 0; i < reps; i++) {
    // Alternate so that both see the same machine load and heap state.
    let t = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
    t = performance.now();
    codes = scanBenchmark(text, ctx).codes.length;
    analyse.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
    if (i < 3) {
      t = performance.now();
      traces = analyzeBenchmark(text, ctx).traces.length;
      full.push(performance.now() - t);
      await new Promise((r) => setImmediate(r));
    }
  }
  const jsonParseMs = median(parse);
  const analyseMs = median(analyse);
  return { bytes: Buffer.byteLength(text), jsonParseMs, analyseMs, ratio: analyseMs / jsonParseMs, codes, fullMs: median(full), traces };
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 100);
  benchParse({ megabytes: mb }).then((r) => {
    console.table({
      bytes: r.bytes,
      codes: r.codes,
      'JSON.parse (ms, median)': Math.round(r.jsonParseMs),
      'analyse (ms, median)': Math.round(r.analyseMs),
      'ratio (≤ 1.0 is the target)': Number(r.ratio.toFixed(2)),
      'full analysis with reasoning steps (ms, median)': Math.round(r.fullMs),
      traces: r.traces,
    });
  });
}
