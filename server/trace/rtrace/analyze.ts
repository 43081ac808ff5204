/**
 * `.rtrace` → `Analysis`: the syntax tree (syntax.ts) read against the
 * settings — which stage each layer belongs to, what the itemic codes are —
 * and checked as a reasoning graph. Never throws.
 */
import type { LayerSpec } from '../../../protocol/layers';
import { CodeList } from '../../items/code-list';
import type { CodeMatch, Span } from '../../items/types';
import type { Analysis, AnalyzeContext, GroundTruthItem, Problem, Recommendation, Step, TraceUnit } from '../model';
import { checkEvidence, type GraphEntry } from './evidence';
import { traceTokens } from './generated-tokens';
import { checkSectionOrder, HISTORY_RANK, RECOMMENDATIONS_RANK, resolveLayers, STAGE_RANK, traceLayers } from './layers';
import { lineNumbers } from './lines';
import { buildFolds, buildOutline } from './outline';
import { problem } from './problem';
import { codesWithin, scanDocument } from './scan';
import { parseRtraceSyntax } from './syntax';
import type { HistoryNode, RecNode, RtraceSyntax, Section, StepNode, TruthNode } from './tree';

/** Analyse an `.rtrace` document: codes, the trace with its steps, outline, folds and problems. */
export function analyzeRtrace(text: string, ctx: AnalyzeContext): Analysis {
  try {
    return analyze(text, ctx);
  } catch (e) {
    // A bug here must not take the language server down with it; say so instead.
    const message = `RecLens could not analyse this trace (${(e as Error).message}); please report it with the file.`;
    return { kind: 'rtrace', codes: new CodeList(ctx.grammar), traces: [], outline: [], folds: [], problems: [problem(0, 0, 'rtrace/internal', message)] };
  }
}

interface Placed<N> {
  node: N;
  section: Section;
  spec?: LayerSpec;
}

function analyze(text: string, ctx: AnalyzeContext): Analysis {
  const tree = parseRtraceSyntax(text);
  const problems: Problem[] = [...tree.problems];
  const resolved = resolveLayers(tree.sections, traceLayers(tree, ctx, problems), problems);
  checkSectionOrder(tree.sections, resolved, problems);
  const codes = scanDocument(text, tree, ctx.grammar, problems);
  // Raw blocks are the model's input and output verbatim (a code-stage context ends with a begin token by design): their codes are found, not judged.
  const raw = tree.sections.filter((s) => s.kind === 'raw').map((s) => s.span);
  for (const c of codes) {
    if (raw.some((r) => c.span.start >= r.start && c.span.end <= r.end)) continue;
    for (const p of c.problems) problems.push({ span: p.span, severity: 'warning', code: `code/${p.kind}`, message: p.message });
  }

  const history: Placed<HistoryNode>[] = [];
  const steps: Placed<StepNode>[] = [];
  const recs: RecNode[] = [];
  const truths: TruthNode[] = [];
  for (const section of tree.sections) {
    for (const node of section.body) {
      if (node.kind === 'history') history.push({ node, section });
      else if (node.kind === 'step') steps.push({ node, section, spec: resolved.get(section) });
      else if (node.kind === 'rec') recs.push(node);
      else if (node.kind === 'truth') truths.push(node);
    }
  }

  // History first: it is the input every stage may cite, wherever its section stands.
  const entries: GraphEntry[] = [
    ...history.map(({ node }) => ({ id: node.id, idSpan: node.idSpan, rank: HISTORY_RANK, label: 'history item', refs: [] })),
    ...steps.map(({ node, spec }) => ({ id: node.id, idSpan: node.idSpan, rank: spec ? STAGE_RANK[spec.stage] : undefined, label: spec ? `${spec.stage} step` : 'step', refs: node.evidence })),
    ...recs.map((node) => ({ idSpan: node.rankSpan, rank: RECOMMENDATIONS_RANK, label: 'recommendation', refs: node.evidence })),
  ];
  const lineOf = lineNumbers(text);
  checkEvidence(entries, lineOf, problems);
  checkRanks(recs, lineOf, problems);

  const trace = buildTrace(text, tree, codes, history, steps, recs, truths);
  Object.assign(trace, traceTokens(tree, new Set(steps.map((s) => s.node.id)), problems));
  checkHits(trace, codes, problems);
  const title = trace.header?.user ? `user ${trace.header.user}` : 'trace';
  const detail = [trace.header?.model, trace.header?.checkpoint, trace.header?.mode].filter(Boolean).join(' · ');
  return {
    kind: 'rtrace',
    codes: CodeList.from(ctx.grammar, codes),
    traces: [trace],
    outline: buildOutline(tree, text.length, (s) => resolved.get(s), title, detail),
    folds: buildFolds(tree),
    problems: problems.sort((a, b) => a.span.start - b.span.start),
  };
}

function buildTrace(
  text: string,
  tree: RtraceSyntax,
  codes: CodeMatch[],
  history: Placed<HistoryNode>[],
  steps: Placed<StepNode>[],
  recs: RecNode[],
  truths: TruthNode[],
): TraceUnit {
  const header: Record<string, string> = {};
  for (const n of tree.prologue) if (n.kind === 'field' && !(n.key in header)) header[n.key] = n.value;
  const out: Step[] = [];
  for (const { node } of history) {
    out.push({ id: node.id, layer: 'history', stage: 'perception', kind: 'history', span: node.span, idSpan: node.idSpan, text: node.note ? `${node.item} ${node.note}` : node.item, evidence: [] });
  }
  for (const { node, section, spec } of steps) {
    out.push({
      id: node.id,
      layer: section.name ?? '',
      // An unknown layer (already reported) still yields its steps; its stage is a guess from the id letter.
      stage: spec ? spec.stage : node.id.startsWith('p') ? 'perception' : node.id.startsWith('r') ? 'recommendation' : 'cognition',
      kind: 'reasoning',
      span: node.span,
      idSpan: node.idSpan,
      text: node.text,
      evidence: node.evidence.map((r) => ({ target: r.id, span: r.span })),
    });
  }
  attachCodes(codes, out);
  const recommendations: Recommendation[] = recs.map((n) => {
    const r: Recommendation = { rank: n.rank, item: n.item, span: n.span, itemSpan: n.itemSpan, evidence: n.evidence.map((e) => ({ target: e.id, span: e.span })) };
    if (n.score !== undefined) r.score = n.score;
    if (n.hit !== undefined) r.hit = n.hit;
    if (n.branch !== undefined) r.branch = n.branch;
    return r;
  });
  attachCodes(codes, recommendations, (r) => r.itemSpan);
  const groundTruth: GroundTruthItem[] = truths.map((n) => ({ item: n.item, span: n.span }));
  attachCodes(codes, groundTruth);
  const unit: TraceUnit = { id: header.sample || header.user || 'trace', span: { start: tree.bom.length, end: text.length }, steps: out, recommendations, groundTruth, header };
  if (header.mode === 'thinking' || header.mode === 'non-thinking') unit.mode = header.mode;
  return unit;
}

/** Set `codeIndexes` on each entry from the codes inside its span. */
function attachCodes<T extends { span: Span; codeIndexes?: number[] }>(codes: CodeMatch[], items: T[], spanOf: (t: T) => Span = (t) => t.span): void {
  // Entries are in document order except history items, which may follow layers; sort a view.
  const order = items.map((_, i) => i).sort((a, b) => spanOf(items[a]).start - spanOf(items[b]).start);
  const found = codesWithin(
    codes,
    order.map((i) => spanOf(items[i])),
  );
  order.forEach((i, k) => {
    if (found[k].length > 0) items[i].codeIndexes = found[k];
  });
}

/** Ranks are unique and start at 1; a repeated rank is probably a copy-paste slip. */
function checkRanks(recs: RecNode[], lineOf: (offset: number) => number, problems: Problem[]): void {
  const seen = new Map<number, RecNode>();
  for (const r of recs) {
    const first = seen.get(r.rank);
    if (first) problems.push(problem(r.rankSpan.start, r.rankSpan.end, 'rec/duplicate-rank', `Rank ${r.rank} is already given on line ${lineOf(first.rankSpan.start)}; each recommendation has its own rank.`));
    else seen.set(r.rank, r);
  }
}

/** What identifies an item for hit checks: its first code's levels when it has one, else the text. */
function itemKey(entry: { item: string; codeIndexes?: number[] }, codes: CodeMatch[]): string {
  const c = entry.codeIndexes?.map((k) => codes[k]).find((m) => m.levels.length > 0);
  return c ? `${c.domain ?? ''}:${c.levels.join('/')}` : entry.item;
}

/** A `hit` / `miss` that contradicts the ground-truth section is flagged. */
function checkHits(trace: TraceUnit, codes: CodeMatch[], problems: Problem[]): void {
  const truths = trace.groundTruth ?? [];
  if (truths.length === 0) return;
  const truth = new Set(truths.map((t) => itemKey(t, codes)));
  for (const r of trace.recommendations ?? []) {
    if (r.hit === undefined) continue;
    const inTruth = truth.has(itemKey(r, codes));
    if (r.hit !== inTruth) {
      const msg = r.hit ? 'is marked `hit`, but its item is not in `[ground-truth]`' : 'is marked `miss`, but its item is in `[ground-truth]`';
      problems.push(problem(r.span.start, r.span.end, 'rec/hit-mismatch', `Recommendation #${r.rank} ${msg}; fix the mark or the ground truth.`, 'warning'));
    }
  }
}
