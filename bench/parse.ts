/**
 * Parse benchmark: on a generated ~100 MB OpenOneRec benchmark dump, the full
 * analysis (every itemic code, the document structure, the thinking steps)
 * against `JSON.parse` of the same string, in the same run, median of
 * several repetitions. Run: `node --import tsx bench/parse.ts [megabytes]`.
 */
import { resolveGrammar } from '../server/items/grammar';
import { defaultLayers } from '../protocol/settings';
import { analyzeBenchmark } from '../server/trace/benchmark';
import { generateDump } from './dump';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Generate the dump, time `JSON.parse` and `analyzeBenchmark` alternately, and return the medians and their ratio. */
export async function benchParse(options: { megabytes?: number; repetitions?: number } = {}): Promise<{ bytes: number; jsonParseMs: number; analyseMs: number; ratio: number; codes: number }> {
  const text = generateDump((options.megabytes ?? 100) * 1e6);
  const ctx = { grammar: resolveGrammar('openonerec', null).grammar, layers: defaultLayers };
  const reps = options.repetitions ?? 5;
  const parse: number[] = [];
  const analyse: number[] = [];
  let codes = 0;
  for (let i = 0; i < reps; i++) {
    // Alternate so that both see the same machine load and heap state.
    let t = performance.now();
    JSON.parse(text);
    parse.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
    t = performance.now();
    codes = analyzeBenchmark(text, ctx).codes.length;
    analyse.push(performance.now() - t);
    await new Promise((r) => setImmediate(r));
  }
  const jsonParseMs = median(parse);
  const analyseMs = median(analyse);
  return { bytes: Buffer.byteLength(text), jsonParseMs, analyseMs, ratio: analyseMs / jsonParseMs, codes };
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
    });
  });
}
