/**
 * One model output found in a document (a dump's generation, a chat
 * record's assistant turn, a `<think>` block of a log) as the steps,
 * recommendations and problems of a `TraceUnit`: the thinking goes through
 * `thinkingSteps` (steps.ts), the one way from thinking text to steps that
 * `.rtrace` traces written by RecLens use too, so both draw the same graph.
 * The answer (after `</think>`) is not a step: its codes are the
 * recommendations, ranked in order of appearance, each citing the chain of
 * thought it continued (`answerEvidence`).
 */
import type { CodeList } from '../items/code-list';
import type { Span } from '../items/types';
import type { AnalyzeContext, Problem, Recommendation, Step } from './model';
import { answerEvidence, thinkingSteps, type NamedCode } from './steps';
import type { Branch } from '../../protocol/inference';
import { splitThinking } from './thinking';

/** Where a model output was found, and how its offsets reach the document. */
export interface ModelText {
  text: string;
  from: number;
  to: number;
  toDoc: (offset: number) => number;
  /** The whole document, for the text of the codes. */
  doc: string;
}

export interface ReasoningResult {
  steps: Step[];
  recommendations: Recommendation[];
  /** Which branch the output is: thinking (non-empty thinking) or non-thinking. */
  mode?: Branch;
  problems: Problem[];
}

/** History steps (`h1`, `h2`, …) for the codes of a prompt. */
export function historySteps(doc: string, codes: CodeList, indexes: number[]): Step[] {
  return indexes.map((ci, n) => {
    const span = { start: codes.start(ci), end: codes.end(ci) };
    return { id: `h${n + 1}`, layer: 'history', stage: 'perception', span, idSpan: span, text: doc.slice(span.start, span.end), evidence: [], codeIndexes: [ci], kind: 'history' };
  });
}

/** The full code of each history step (`undefined` for a prefix, a bare number or no code), for evidence. */
export function historyCodes(codes: CodeList, history: readonly Step[]): (NamedCode | undefined)[] {
  return history.map((h) => {
    const ci = h.codeIndexes?.[0];
    if (ci === undefined || codes.levelCount(ci) !== codes.grammar.levelCount) return undefined;
    const domain = codes.domain(ci);
    return domain ? { levels: codes.levels(ci), domain } : { levels: codes.levels(ci) };
  });
}

/** Step and rank counters, shared when one trace has several model outputs (so ids stay unique). */
export interface Counters {
  p: number;
  c: number;
  r: number;
  rank: number;
}

/** Steps, recommendations and problems of one model output. */
export function reasoning(src: ModelText, codes: CodeList, ctx: AnalyzeContext, history: readonly (NamedCode | undefined)[], counters: Counters = { p: 0, c: 0, r: 0, rank: 0 }): ReasoningResult {
  const { text, toDoc } = src;
  const docSpan = (s: Span): Span => ({ start: toDoc(s.start), end: toDoc(s.end) });
  const split = splitThinking(text, src.from, src.to);
  const steps: Step[] = [];
  const problems: Problem[] = [];
  let chain: ReturnType<typeof thinkingSteps>['steps'] = [];
  if (split.thinking && split.mode === 'thinking') {
    // Later outputs of one trace continue the numbering.
    const found = thinkingSteps(text, split.thinking.start, split.thinking.end, ctx.layers, ctx.grammar, history, counters);
    chain = found.steps;
    for (const s of chain) {
      const text = docSpan(s.span);
      const idSpan = docSpan(s.idSpan);
      // A block's first step is named by its heading, which stands before its text: the step covers both.
      const span = { start: Math.min(text.start, idSpan.start), end: Math.max(text.end, idSpan.end) };
      steps.push({
        id: s.id,
        layer: s.layer.name,
        stage: s.layer.stage,
        span,
        idSpan,
        text: s.text,
        evidence: s.evidence.map((target) => ({ target })),
        codeIndexes: codes.within(span),
        kind: 'reasoning',
      });
    }
    for (const s of steps) counters[s.id[0] as 'p' | 'c' | 'r']++;
    for (const o of found.outOfOrder) {
      problems.push({
        span: docSpan(o.marker),
        severity: 'warning',
        code: 'step/layers-out-of-order',
        message: `layers out of order: "${text.slice(o.marker.start, o.marker.end)}" (${o.layer.name}, ${o.layer.stage}) comes after a ${o.after.stage} layer (${o.after.name}); reasoning is expected to go perception → cognition → recommendation`,
      });
    }
  }
  if (split.open && !split.close) {
    problems.push({ span: docSpan(split.open), severity: 'information', code: 'thinking/unclosed', message: '<think> is never closed by </think>: the generation was probably cut off while thinking, so it has no answer' });
  }
  const recommendations: Recommendation[] = [];
  for (const ci of codes.within(docSpan(split.answer))) {
    const m = codes.get(ci);
    if (m.levels.length === 0 && m.bare === undefined) continue;
    const code = m.levels.length > 0 ? (m.domain ? { levels: m.levels, domain: m.domain } : { levels: m.levels }) : undefined;
    const evidence = answerEvidence(chain, code).map((target) => ({ target }));
    recommendations.push({ rank: ++counters.rank, item: src.doc.slice(m.span.start, m.span.end), span: m.span, itemSpan: m.span, evidence, codeIndexes: [ci] });
  }
  return { steps, recommendations, mode: split.mode, problems };
}
