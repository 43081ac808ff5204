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
import { codeKey } from '../items/grammar';
import type { CodeMatch } from '../items/types';
import type { JsonDoc, JsonNode } from './json/scan';
import { JsonScanner } from './json/scan';
import { decodedOf, keyOf, keySpanOf, member, spanOf, textOf } from './json/tree';
import { LineIndex } from './lines';
import type { Analysis, AnalyzeContext, GroundTruthItem, OutlineNode, Problem, Step, TraceUnit } from './model';
import { drain, SLICE_CHARS, type Sliced } from './slices';
import { codesIn, historyIndex, historySteps, reasoning } from './steps';
import { promptMode } from './thinking';

/** Analyse a benchmark dump. */
export function analyzeBenchmark(text: string, ctx: AnalyzeContext): Analysis {
  return drain(benchmarkSlices(text, ctx));
}

/** `analyzeBenchmark` in slices (see slices.ts). */
export function* benchmarkSlices(text: string, ctx: AnalyzeContext): Sliced<Analysis> {
  const codes: CodeMatch[] = [];
  const scanner = new JsonScanner(text, 0, text.length, { grammar: ctx.grammar, codes, keepDepth: 4, nested: true });
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
  for (const sample of samples.children ?? []) {
    n++;
    if (sample.kind !== 'object') continue;
    const id = samples.kind === 'object' ? (keyOf(doc, sample) ?? String(n)) : idOf(doc, sample, n);
    analyseSample(text, doc, sample, id, ctx, analysis, lines);
    if (n % 256 === 0) yield;
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

function analyseSample(text: string, doc: JsonDoc, sample: JsonNode, id: string, ctx: AnalyzeContext, analysis: Analysis, lines: LineIndex): void {
  const codes = analysis.codes;
  const span = spanOf(doc, sample);
  const outline: OutlineNode = { name: id, detail: metricsOf(doc, sample) || undefined, kind: 'sample', span: { start: keySpanOf(doc, sample).start, end: span.end }, selectionSpan: keySpanOf(doc, sample), children: [] };
  analysis.outline.push(outline);
  if (lines.multiline(span.start, span.end)) analysis.folds.push(span);

  const field = (node: JsonNode, detail?: string): void => {
    outline.children.push({ name: keyOf(doc, node) ?? '', detail, kind: 'field', span: { start: keySpanOf(doc, node).start, end: spanOf(doc, node).end }, selectionSpan: keySpanOf(doc, node), children: [] });
  };

  const prompt = member(doc, sample, 'prompt');
  let history: Step[] = [];
  let mode: ReturnType<typeof promptMode>;
  if (prompt) {
    const ps = spanOf(doc, prompt);
    history = historySteps(text, codes, codesIn(codes, ps));
    mode = prompt.kind === 'string' ? promptMode(text, ps.start, ps.end) : undefined;
    field(prompt, `${history.length} history codes${mode ? `, ${mode}` : ''}`);
  }
  const byKey = historyIndex(codes, history);

  const truth = member(doc, sample, 'ground_truth') ?? member(doc, sample, 'groundtruth') ?? member(doc, sample, 'answer');
  const groundTruth: GroundTruthItem[] = [];
  if (truth) {
    for (const ci of codesIn(codes, spanOf(doc, truth))) {
      const m = codes[ci];
      groundTruth.push({ item: text.slice(m.span.start, m.span.end), span: m.span, codeIndexes: [ci] });
    }
  }
  const truthKeys = new Set(groundTruth.map((g) => truthKey(codes[g.codeIndexes![0]])));

  const generations = member(doc, sample, 'generations');
  if (generations) {
    const genOutline: OutlineNode = { name: 'generations', detail: `${generations.children?.length ?? 0}`, kind: 'section', span: { start: keySpanOf(doc, generations).start, end: spanOf(doc, generations).end }, selectionSpan: keySpanOf(doc, generations), children: [] };
    outline.children.push(genOutline);
    const items = generations.kind === 'array' ? (generations.children ?? []) : [generations];
    items.forEach((gen, i) => {
      if (gen.kind !== 'string') return;
      const gs = spanOf(doc, gen);
      const decoded = decodedOf(doc, gen);
      const r = reasoning({ text: decoded.text, from: 0, to: decoded.text.length, toDoc: decoded.toDoc, doc: text }, codes, ctx.layers, byKey);
      for (const rec of r.recommendations) {
        const m = codes[rec.codeIndexes![0]];
        if (truthKeys.size > 0) rec.hit = truthKeys.has(truthKey(m));
      }
      const unit: TraceUnit = { id: `${id}/${i + 1}`, span: gs, mode: r.mode ?? mode, steps: [...history, ...r.steps], recommendations: r.recommendations, groundTruth };
      analysis.traces.push(unit);
      for (const p of r.problems) analysis.problems.push(p as Problem);
      genOutline.children.push({
        name: `generation ${i + 1}`,
        detail: [unit.mode, `${r.steps.length} steps`, r.recommendations.length ? `${r.recommendations.length} recommended` : ''].filter(Boolean).join(', '),
        kind: 'trace',
        span: gs,
        selectionSpan: gs,
        children: r.steps.map((s) => ({ name: `${s.id} ${s.layer}`, kind: 'step', span: s.span, selectionSpan: s.idSpan, children: [] })),
      });
    });
  }
  if (truth) field(truth, groundTruth.length ? `${groundTruth.length} item${groundTruth.length > 1 ? 's' : ''}` : undefined);
  const metadata = member(doc, sample, 'metadata');
  if (metadata) field(metadata);
}

const truthKey = (m: CodeMatch): string => (m.bare !== undefined ? `#${m.bare}` : codeKey(m.levels, m.domain));
