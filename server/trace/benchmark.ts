/**
 * OpenOneRec benchmark output: `{"samples": {"<id>": {"prompt", "generations",
 * "ground_truth", "metadata", <metrics>}}}` (a list of samples with an `id`
 * field is read too).
 *
 * One `TraceUnit` per generation (id `<sample>/<n>`, 1-based): a generation is
 * one chain of thought with its own answer, which is what stepping, the graph
 * and thinking-vs-non-thinking comparisons work on. All generations of a
 * sample share the sample's history steps (`h1`…, from the prompt's codes) and
 * ground truth. The outline is samples → prompt / generations / ground truth /
 * metadata, with the per-sample metrics as the sample's detail; each sample
 * folds.
 */
import { CodeList } from '../items/code-list';
import type { Span } from '../items/types';
import type { JsonDoc, JsonNode } from './json/scan';
import { JsonScanner } from './json/scan';
import { decodedOf, keyOf, keySpanOf, member, spanOf, textOf } from './json/tree';
import { LineIndex } from './lines';
import type { Analysis, AnalyzeContext, GroundTruthItem, OutlineNode, Problem, Recommendation, Step, TraceUnit } from './model';
import { drain, SLICE_CHARS, type Sliced } from './slices';
import { historyCodes, historySteps, reasoning } from './reasoning';
import type { NamedCode } from './steps';
import { promptMode } from './thinking';

/** Dumps bigger than this (characters) rebuild a generation's steps when asked for instead of keeping them. */
export const LAZY_STEPS_ABOVE = 5_000_000;

/** How deep the JSON skeleton of a dump is kept: root → samples → sample → fields → generations. */
export const BENCHMARK_KEEP_DEPTH = 4;

/** Analyse a benchmark dump. */
export function analyzeBenchmark(text: string, ctx: AnalyzeContext): Analysis {
  return drain(benchmarkSlices(text, ctx));
}

/**
 * The first pass alone: every code, the samples and generations (outline,
 * folds, one trace per generation with its span) and syntax problems, but no
 * reasoning steps. This is what opening a dump waits for.
 */
export function scanBenchmark(text: string, ctx: AnalyzeContext): Analysis {
  return drain(benchmarkSlices(text, ctx, { reasoning: false }));
}

/**
 * `analyzeBenchmark` in slices (see slices.ts), in two passes: the structure
 * (codes, samples, generations), then the reasoning of each generation
 * (thinking split into layer steps, recommendations, hits, layer problems).
 */
export function* benchmarkSlices(text: string, ctx: AnalyzeContext, options: { reasoning?: boolean; lazyStepsAbove?: number } = {}): Sliced<Analysis> {
  const codes = new CodeList(ctx.grammar);
  const scanner = new JsonScanner(text, 0, text.length, { grammar: ctx.grammar, codes, keepDepth: BENCHMARK_KEEP_DEPTH, nested: true });
  for (let limit = SLICE_CHARS; !scanner.run(limit); limit += SLICE_CHARS) yield;
  const doc = scanner.doc;
  const lines = new LineIndex(text);
  const analysis: Analysis = { kind: 'benchmark', codes, traces: [], outline: [], folds: [], problems: [] };
  for (const p of doc.problems) {
    analysis.problems.push({
      span: p.span,
      severity: 'error',
      code: 'json/syntax',
      message: `line ${lines.lineOf(p.span.start)}: not valid JSON (${p.reason}); the samples before this point are analysed, and codes are still found after it`,
    });
  }
  const root = doc.values[0];
  const samples = member(doc, root, 'samples');
  if (!samples || (samples.kind !== 'object' && samples.kind !== 'array')) {
    analysis.problems.push({
      span: root ? keySpanOf(doc, root) : { start: 0, end: 0 },
      severity: 'information',
      code: 'benchmark/no-samples',
      message: 'no "samples" object in this file: it is read as plain JSON (codes only). A benchmark dump is {"samples": {"<id>": {"prompt": …, "generations": […], "ground_truth": …}}}',
    });
    return analysis;
  }
  let n = 0;
  const pending: (() => void)[] = [];
  const lazy = text.length > (options.lazyStepsAbove ?? LAZY_STEPS_ABOVE);
  for (const sample of samples.children ?? []) {
    n++;
    if (sample.kind !== 'object') continue;
    const id = samples.kind === 'object' ? (keyOf(doc, sample) ?? String(n)) : idOf(doc, sample, n);
    pending.push(analyseSample(text, doc, sample, id, ctx, analysis, lines, lazy));
    if (n % 128 === 0) yield;
  }
  if (options.reasoning === false) return analysis;
  for (let i = 0; i < pending.length; i++) {
    pending[i]();
    if (i % 8 === 7) yield;
  }
  return analysis;
}

function idOf(doc: JsonDoc, sample: JsonNode, n: number): string {
  const id = member(doc, sample, 'id') ?? member(doc, sample, 'uuid');
  if (id?.kind === 'string') return textOf(doc, id);
  if (id) return doc.text.slice(id.start, id.end);
  return String(n);
}

/** Metrics are the sample's number fields (`pass@1`, `recall@32`, …). */
function metricsOf(doc: JsonDoc, sample: JsonNode): string {
  const parts: string[] = [];
  for (const child of sample.children ?? []) if (child.kind === 'number' || child.kind === 'literal') parts.push(`${keyOf(doc, child)}=${doc.text.slice(child.start, child.end)}`);
  return parts.join(' ');
}

/**
 * The sample's structure now; returns the second pass (its reasoning) to run
 * later. In big dumps (`lazy`) that pass keeps only what diagnostics and the
 * outline need; a generation's steps are rebuilt when asked for, so the
 * server does not hold millions of step objects for a file nobody reads
 * through.
 */
function analyseSample(text: string, doc: JsonDoc, sample: JsonNode, id: string, ctx: AnalyzeContext, analysis: Analysis, lines: LineIndex, lazy: boolean): () => void {
  const codes = analysis.codes;
  const span = spanOf(doc, sample);
  const outline: OutlineNode = { name: id, detail: metricsOf(doc, sample) || undefined, kind: 'sample', span: { start: keySpanOf(doc, sample).start, end: span.end }, selectionSpan: keySpanOf(doc, sample), children: [] };
  analysis.outline.push(outline);
  if (lines.multiline(span.start, span.end)) analysis.folds.push(span);

  const field = (node: JsonNode, detail?: string): void => {
    outline.children.push({ name: keyOf(doc, node) ?? '', detail, kind: 'field', span: { start: keySpanOf(doc, node).start, end: spanOf(doc, node).end }, selectionSpan: keySpanOf(doc, node), children: [] });
  };

  const prompt = member(doc, sample, 'prompt');
  const truth = member(doc, sample, 'ground_truth') ?? member(doc, sample, 'groundtruth') ?? member(doc, sample, 'answer');
  const promptSpan = prompt ? spanOf(doc, prompt) : undefined;
  const mode = prompt?.kind === 'string' && promptSpan ? promptMode(text, promptSpan.start, promptSpan.end) : undefined;
  if (prompt && promptSpan) field(prompt, `${codes.countWithin(promptSpan)} history codes${mode ? `, ${mode}` : ''}`);

  const generations = member(doc, sample, 'generations');
  const units: { unit: TraceUnit; gen: JsonNode; node: OutlineNode }[] = [];
  if (generations) {
    const genOutline: OutlineNode = { name: 'generations', detail: `${generations.children?.length ?? 0}`, kind: 'section', span: { start: keySpanOf(doc, generations).start, end: spanOf(doc, generations).end }, selectionSpan: keySpanOf(doc, generations), children: [] };
    outline.children.push(genOutline);
    const items = generations.kind === 'array' ? (generations.children ?? []) : [generations];
    items.forEach((gen, i) => {
      if (gen.kind !== 'string') return;
      const gs = spanOf(doc, gen);
      const unit: TraceUnit = lazy ? new LazyTrace(`${id}/${i + 1}`, gs, mode, () => reason(gen)) : { id: `${id}/${i + 1}`, span: gs, mode, steps: [], recommendations: [], groundTruth: [] };
      const node: OutlineNode = { name: `generation ${i + 1}`, kind: 'trace', span: gs, selectionSpan: gs, children: [] };
      analysis.traces.push(unit);
      genOutline.children.push(node);
      units.push({ unit, gen, node });
    });
  }
  const truthCodes = truth ? codes.countWithin(spanOf(doc, truth)) : 0;
  if (truth) field(truth, truthCodes ? `${truthCodes} item${truthCodes > 1 ? 's' : ''}` : undefined);
  const metadata = member(doc, sample, 'metadata');
  if (metadata) field(metadata);

  // What every generation of the sample shares: its history steps and ground truth.
  let shared: { history: Step[]; historyCodes: (NamedCode | undefined)[]; groundTruth: GroundTruthItem[]; truthKeys: Set<string> } | undefined;
  const sampleContext = (): NonNullable<typeof shared> => {
    if (shared) return shared;
    const history: Step[] = promptSpan ? historySteps(text, codes, codes.within(promptSpan)) : [];
    const groundTruth: GroundTruthItem[] = [];
    if (truth) {
      for (const ci of codes.within(spanOf(doc, truth))) {
        const cs = { start: codes.start(ci), end: codes.end(ci) };
        groundTruth.push({ item: text.slice(cs.start, cs.end), span: cs, codeIndexes: [ci] });
      }
    }
    const value = { history, historyCodes: historyCodes(codes, history), groundTruth, truthKeys: new Set(groundTruth.map((g) => codes.key(g.codeIndexes![0]))) };
    if (!lazy) shared = value;
    return value;
  };
  const reason = (gen: JsonNode): Reasoned => {
    const c = sampleContext();
    const decoded = decodedOf(doc, gen);
    const r = reasoning({ text: decoded.text, from: 0, to: decoded.text.length, toDoc: decoded.toDoc, doc: text }, codes, ctx, c.historyCodes);
    if (c.truthKeys.size > 0) for (const rec of r.recommendations) rec.hit = c.truthKeys.has(codes.key(rec.codeIndexes![0]));
    return { r, steps: [...c.history, ...r.steps], groundTruth: c.groundTruth };
  };

  return () => {
    shared = sampleContext(); // once for all generations of this pass, even when lazy
    for (const { unit, gen, node } of units) {
      const { r, steps, groundTruth } = reason(gen);
      unit.mode = r.mode ?? mode;
      for (const p of r.problems) analysis.problems.push(p as Problem);
      node.detail = [unit.mode, `${r.steps.length} steps`, r.recommendations.length ? `${r.recommendations.length} recommended` : ''].filter(Boolean).join(', ');
      if (lazy) continue;
      unit.steps = steps;
      unit.recommendations = r.recommendations;
      unit.groundTruth = groundTruth;
      node.children = r.steps.map((st) => ({ name: `${st.id} ${st.layer}`, kind: 'step', span: st.span, selectionSpan: st.idSpan, children: [] }));
    }
    if (lazy) shared = undefined;
  };
}

interface Reasoned {
  r: ReturnType<typeof reasoning>;
  steps: Step[];
  groundTruth: GroundTruthItem[];
}

/** A trace whose steps, recommendations and ground truth are computed on first use (getters on the prototype keep construction cheap). */
class LazyTrace implements TraceUnit {
  private done: Reasoned | undefined;

  constructor(
    readonly id: string,
    readonly span: Span,
    public mode: TraceUnit['mode'],
    private readonly compute: () => Reasoned,
  ) {}

  private get reasoned(): Reasoned {
    return (this.done ??= this.compute());
  }

  get steps(): Step[] {
    return this.reasoned.steps;
  }

  get recommendations(): Recommendation[] {
    return this.reasoned.r.recommendations;
  }

  get groundTruth(): GroundTruthItem[] {
    return this.reasoned.groundTruth;
  }
}
