/**
 * OpenOneRec / OneReason benchmark output (`test_generated.json` and its
 * `.debug` copy): the generation runner's run fields (`model_name`,
 * `task_name`, `split`, `total_time`, `avg_time_per_sample`, `race_mode`, …)
 * and `{"samples": {"<id>": {"prompt", "generations", "logprobs",
 * "ground_truth", "metadata", <metrics merged in after scoring>,
 * "pid_generations"}}}` (a list of samples with an `id` field is read too).
 *
 * The run is the outline's first node (model, task, its OneReason-Bench
 * level, race mode) and every generation's header. In race mode the first
 * half of a sample's generations is the thinking branch and the second the
 * non-thinking branch (research/onereason-eval.md §3.3). A generation's
 * recommendation is a hit by the benchmark's own rule: its SID (after the
 * last `</think>`, domains normalised, first non-empty piece) is one of the
 * ground truth's SIDs, compared as strings (server/eval/sid.ts).
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

type Branch = NonNullable<Recommendation['branch']>;
import { drain, SLICE_CHARS, type Sliced } from './slices';
import { historyCodes, historySteps, reasoning } from './reasoning';
import type { NamedCode } from './steps';
import { promptMode } from './thinking';
import { taskLevel } from '../../protocol/tasks';
import { groundTruthSids, predictedSid } from '../eval/sid';
import type { RunInfo, SampleInfo } from './model';

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
  const run = runInfo(doc, root!, samples);
  analysis.run = run;
  analysis.samples = [];
  const header = runHeader(run);
  if (run.model !== undefined || run.task !== undefined || run.raceMode !== undefined) analysis.outline.push(runOutline(doc, root!, samples, run));
  let n = 0;
  const pending: (() => void)[] = [];
  const lazy = text.length > (options.lazyStepsAbove ?? LAZY_STEPS_ABOVE);
  for (const sample of samples.children ?? []) {
    n++;
    if (sample.kind !== 'object') continue;
    const id = samples.kind === 'object' ? (keyOf(doc, sample) ?? String(n)) : idOf(doc, sample, n);
    pending.push(analyseSample(text, doc, sample, id, ctx, analysis, lines, lazy, header));
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

/** Metrics are the sample's number and boolean fields (`pass@1`, `recall@32`, …), as written. */
function metricsOf(doc: JsonDoc, sample: JsonNode): [string, string][] {
  const out: [string, string][] = [];
  for (const child of sample.children ?? []) if (child.kind === 'number' || child.kind === 'literal') out.push([keyOf(doc, child) ?? '', doc.text.slice(child.start, child.end)]);
  return out;
}

/** The metrics an outline line has room for: the benchmark's table metrics when the sample was scored, else the first few. */
const SUMMARY_METRICS = ['pass@1', 'pass@32', 'recall@32', 'pass@64', 'recall@64'];

function metricSummary(metrics: [string, string][]): string | undefined {
  if (metrics.length === 0) return undefined;
  const known = metrics.filter(([k]) => SUMMARY_METRICS.includes(k));
  const shown = (known.length > 0 ? known : metrics).slice(0, 5);
  return shown.map(([k, v]) => `${k}=${v}`).join(' ') + (metrics.length > shown.length ? ` (+${metrics.length - shown.length})` : '');
}

/** The generation runner's run fields of the root object. */
function runInfo(doc: JsonDoc, root: JsonNode, samples: JsonNode): RunInfo {
  const str = (key: string): string | undefined => {
    const node = member(doc, root, key);
    return node?.kind === 'string' ? textOf(doc, node) : undefined;
  };
  const num = (key: string): number | undefined => {
    const node = member(doc, root, key);
    const v = node?.kind === 'number' ? Number(doc.text.slice(node.start, node.end)) : NaN;
    return Number.isFinite(v) ? v : undefined;
  };
  const race = member(doc, root, 'race_mode');
  const task = str('task_name');
  const fields: Omit<RunInfo, 'samples'> = {
    model: str('model_name'),
    task,
    level: task === undefined ? undefined : taskLevel(task),
    split: str('split'),
    raceMode: race?.kind === 'literal' ? doc.text.slice(race.start, race.end) === 'true' : undefined,
    totalTime: num('total_time'),
    avgTimePerSample: num('avg_time_per_sample'),
  };
  // Fields the file does not have are left out, not set to undefined.
  return { ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Omit<RunInfo, 'samples'>), samples: samples.children?.length ?? 0 };
}

/** The header every generation of the run shares (titles, hovers). */
function runHeader(run: RunInfo): Record<string, string> {
  const h: Record<string, string> = {};
  if (run.model) h.model = run.model;
  if (run.task) h.task = run.task;
  if (run.level) h.level = run.level;
  if (run.raceMode) h.mode = 'race';
  return h;
}

/** The outline node of the run fields: from the root's start to the `samples` key. */
function runOutline(doc: JsonDoc, root: JsonNode, samples: JsonNode, run: RunInfo): OutlineNode {
  const first = (root.children ?? []).find((c) => c !== samples) ?? samples;
  const detail = [run.task, run.level, run.raceMode ? 'race mode' : undefined, `${run.samples} samples`].filter(Boolean).join(' · ');
  const span = { start: spanOf(doc, root).start, end: keySpanOf(doc, samples).start };
  return { name: run.model ?? 'run', detail, kind: 'section', span: span.end > span.start ? span : spanOf(doc, root), selectionSpan: keySpanOf(doc, first), children: [] };
}

/**
 * The sample's structure now; returns the second pass (its reasoning) to run
 * later. In big dumps (`lazy`) that pass keeps only what diagnostics and the
 * outline need; a generation's steps are rebuilt when asked for, so the
 * server does not hold millions of step objects for a file nobody reads
 * through.
 */
function analyseSample(text: string, doc: JsonDoc, sample: JsonNode, id: string, ctx: AnalyzeContext, analysis: Analysis, lines: LineIndex, lazy: boolean, header: Record<string, string>): () => void {
  const codes = analysis.codes;
  const span = spanOf(doc, sample);
  const metrics = metricsOf(doc, sample);
  const info: SampleInfo = { id, keySpan: keySpanOf(doc, sample), metrics, generations: 0 };
  analysis.samples?.push(info);
  const outline: OutlineNode = { name: id, detail: metricSummary(metrics), kind: 'sample', span: { start: keySpanOf(doc, sample).start, end: span.end }, selectionSpan: keySpanOf(doc, sample), children: [] };
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
  const units: { unit: TraceUnit; gen: JsonNode; node: OutlineNode; branch?: Branch }[] = [];
  if (generations) {
    const genOutline: OutlineNode = { name: 'generations', detail: `${generations.children?.length ?? 0}`, kind: 'section', span: { start: keySpanOf(doc, generations).start, end: spanOf(doc, generations).end }, selectionSpan: keySpanOf(doc, generations), children: [] };
    outline.children.push(genOutline);
    const items = generations.kind === 'array' ? (generations.children ?? []) : [generations];
    info.generations = items.length;
    const half = analysis.run?.raceMode ? Math.floor(items.length / 2) : 0;
    items.forEach((gen, i) => {
      if (gen.kind !== 'string') return;
      const gs = spanOf(doc, gen);
      const branch: Branch | undefined = half > 0 ? (i < half ? 'thinking' : 'non-thinking') : undefined;
      const unit: TraceUnit = lazy ? new LazyTrace(`${id}/${i + 1}`, gs, mode, () => reason(gen, branch)) : { id: `${id}/${i + 1}`, span: gs, mode, steps: [], recommendations: [], groundTruth: [] };
      if (Object.keys(header).length > 0) unit.header = header;
      const node: OutlineNode = { name: `generation ${i + 1}`, kind: 'trace', span: gs, selectionSpan: gs, children: [] };
      analysis.traces.push(unit);
      genOutline.children.push(node);
      units.push({ unit, gen, node, branch });
    });
  }
  const truthCodes = truth ? codes.countWithin(spanOf(doc, truth)) : 0;
  if (truth) field(truth, truthCodes ? `${truthCodes} item${truthCodes > 1 ? 's' : ''}` : undefined);
  const metadata = member(doc, sample, 'metadata');
  if (metadata) field(metadata);

  // What every generation of the sample shares: its history steps and ground truth.
  let shared: { history: Step[]; historyCodes: (NamedCode | undefined)[]; groundTruth: GroundTruthItem[]; truthSids?: ReadonlySet<string> } | undefined;
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
    const truthSids = truth?.kind === 'string' ? groundTruthSids(textOf(doc, truth)).set : undefined;
    const value = { history, historyCodes: historyCodes(codes, history), groundTruth, truthSids };
    if (!lazy) shared = value;
    return value;
  };
  const reason = (gen: JsonNode, branch?: Branch): Reasoned => {
    const c = sampleContext();
    const decoded = decodedOf(doc, gen);
    const r = reasoning({ text: decoded.text, from: 0, to: decoded.text.length, toDoc: decoded.toDoc, doc: text }, codes, ctx, c.historyCodes);
    // The benchmark scores one SID per generation, compared as a string with the ground truth's.
    if (c.truthSids && c.truthSids.size > 0 && r.recommendations.length > 0) r.recommendations[0].hit = c.truthSids.has(predictedSid(decoded.text));
    if (branch) for (const rec of r.recommendations) rec.branch = branch;
    return { r, steps: [...c.history, ...r.steps], groundTruth: c.groundTruth };
  };

  return () => {
    shared = sampleContext(); // once for all generations of this pass, even when lazy
    for (const { unit, gen, node, branch } of units) {
      const { r, steps, groundTruth } = reason(gen, branch);
      // In race mode the saved prompt is not the one either branch used: the branch says the mode.
      unit.mode = branch ?? r.mode ?? mode;
      for (const p of r.problems) analysis.problems.push(p as Problem);
      const hit = r.recommendations[0]?.hit;
      node.detail = [branch ? `${branch} half` : unit.mode, `${r.steps.length} steps`, r.recommendations.length ? `${r.recommendations.length} recommended` : '', hit === undefined ? '' : hit ? 'hit' : 'miss']
        .filter(Boolean)
        .join(', ');
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
