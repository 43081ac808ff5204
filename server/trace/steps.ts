/**
 * Turns one model output (decoded text, with a map back to the document)
 * into the steps, recommendations and problems of a `TraceUnit`.
 *
 * Decisions:
 * - Each layer block of the thinking is a step; ids are the stage letter and
 *   a counter (`p1`, `c1`, `c2`, `r1`), like `.rtrace`, so graph building
 *   treats both alike. Text before the first marker, or thinking with no
 *   marker at all, is one step of layer `thinking` (stage cognition).
 * - Evidence of a free-text step: the history items it mentions — a code in
 *   the step equal to the n-th code of the prompt's history links to `h<n>`.
 *   Free text names no other evidence, so nothing else is guessed.
 * - The answer (after `</think>`) is not a step: its codes are the
 *   recommendations, ranked in order of appearance.
 */
import type { LayerSpec } from '../../protocol/settings';
import type { CodeList } from '../items/code-list';
import type { Span } from '../items/types';
import { splitLayers } from './layers';
import type { EvidenceLink, Problem, Recommendation, Stage, Step } from './model';
import { splitThinking, type Mode } from './thinking';

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
  mode?: Mode;
  problems: Problem[];
}

const stageLetter: Record<Stage, string> = { perception: 'p', cognition: 'c', recommendation: 'r' };

/** History steps (`h1`, `h2`, …) for the codes of a prompt. */
export function historySteps(doc: string, codes: CodeList, indexes: number[]): Step[] {
  return indexes.map((ci, n) => {
    const span = { start: codes.start(ci), end: codes.end(ci) };
    return { id: `h${n + 1}`, layer: 'history', stage: 'perception', span, idSpan: span, text: doc.slice(span.start, span.end), evidence: [], codeIndexes: [ci], kind: 'history' };
  });
}

/** Map of code key → history step id, for evidence links. */
export function historyIndex(codes: CodeList, history: Step[]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const h of history) {
    const ci = h.codeIndexes?.[0];
    if (ci !== undefined && codes.levelCount(ci) > 0) {
      const key = codes.key(ci);
      if (!byKey.has(key)) byKey.set(key, h.id);
    }
  }
  return byKey;
}

const trimmed = (text: string, from: number, to: number): Span => {
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  return { start: from, end: to };
};

/** Step and rank counters, shared when one trace has several model outputs (so ids stay unique). */
export interface Counters {
  p: number;
  c: number;
  r: number;
  rank: number;
}

/** Steps, recommendations and problems of one model output. */
export function reasoning(src: ModelText, codes: CodeList, layers: LayerSpec[], history: Map<string, string>, counters: Counters = { p: 0, c: 0, r: 0, rank: 0 }): ReasoningResult {
  const { text, toDoc } = src;
  const docSpan = (s: Span): Span => ({ start: toDoc(s.start), end: toDoc(s.end) });
  const split = splitThinking(text, src.from, src.to);
  const steps: Step[] = [];
  const problems: Problem[] = [];
  if (split.thinking && split.mode === 'thinking') {
    const layered = splitLayers(text, split.thinking.start, split.thinking.end, layers);
    for (const block of layered.blocks) {
      const local = trimmed(text, block.span.start, block.span.end);
      if (local.start >= local.end) continue;
      const stage: Stage = block.layer?.stage ?? 'cognition';
      const letter = stageLetter[stage] as 'p' | 'c' | 'r';
      const span = docSpan(local);
      const codeIndexes = codes.within(span);
      const evidence: EvidenceLink[] = [];
      for (const ci of codeIndexes) {
        const target = history.size > 0 && codes.levelCount(ci) > 0 ? history.get(codes.key(ci)) : undefined;
        if (target) evidence.push({ target, span: { start: codes.start(ci), end: codes.end(ci) } });
      }
      const lineEnd = text.indexOf('\n', local.start);
      const idLocal = block.marker ?? { start: local.start, end: Math.min(lineEnd < 0 || lineEnd > local.end ? local.end : lineEnd, local.start + 40) };
      steps.push({
        id: `${letter}${++counters[letter]}`,
        layer: block.layer?.name ?? 'thinking',
        stage,
        span,
        idSpan: docSpan(idLocal),
        text: text.slice(local.start, local.end),
        evidence,
        codeIndexes,
        kind: 'reasoning',
      });
    }
    for (const o of layered.outOfOrder) {
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
  const answer = docSpan(split.answer);
  for (const ci of codes.within(answer)) {
    const m = codes.get(ci);
    if (m.levels.length === 0 && m.bare === undefined) continue;
    recommendations.push({ rank: ++counters.rank, item: src.doc.slice(m.span.start, m.span.end), span: m.span, itemSpan: m.span, evidence: [], codeIndexes: [ci] });
  }
  return { steps, recommendations, mode: split.mode, problems };
}
