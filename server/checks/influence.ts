/**
 * Counterfactual influence (docs/checks.md, "Influence"): does the
 * recommendation depend on the reasoning, and on which history items? For
 * each target (the trace's top recommendations and its ground truth) the
 * log-probability of its code is scored, teacher-forced, after the code
 * stage's context as the engine fed it, and after variants of it (built in
 * influence-plan.ts): the thinking replaced by an empty think block, each
 * step cut out, each history item cut out of the prompt. A step's (an
 * item's) influence is log p(target | context) − log p(target | variant),
 * averaged over the targets.
 *
 * Cost: one scoring call per variant, the targets batched in it (one
 * forward of every target's code over the variant's context). Variants
 * differ from the full context only after a point — a step removal after
 * the prompt and the thinking before the step, an occlusion after the
 * prompt before the item — so they are scored in the order of that point,
 * and before each the common prefix is prefilled, extending the previous
 * one: the engine then computes every shared token once (its KV cache of
 * recent prefixes) and each variant only from where it differs. An
 * occlusion shares only the prompt before its item, so it recomputes the
 * rest of the prompt and the thinking. Pure orchestration over a scorer;
 * cancellable between calls (and inside them, by the engine).
 */
import { throwIfCancelled } from '../engine/engine';
import type { InfluencePlan, PlanTarget } from './influence-plan';
import type { InfluenceReport } from './types';

/** Nats a step (or the empty thinking) must move some target by for the chain not to be decorative. */
export const DEFAULT_INFLUENCE_THRESHOLD = 0.1;

/** What the analysis scores with: the model's tokenizer and teacher-forced scoring (`Engine.score`). */
export interface InfluenceScorer {
  encode(text: string): number[];
  /** The log-probability of each continuation after `context` (summed over its tokens). */
  score(context: number[], continuations: number[][], signal?: AbortSignal): Promise<{ total: number }[]>;
  /** Compute and keep the cache of `context` so that later contexts extending it start from it; without it nothing is shared. */
  prefill?(context: number[], signal?: AbortSignal): Promise<void>;
}

export interface InfluenceOptions {
  threshold?: number;
  signal?: AbortSignal;
  /** After each scored context: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
}

/** The report with what it rests on: per-target numbers, the removed text, and the cost. */
export interface InfluenceAnalysis extends InfluenceReport {
  traceId: string;
  targets: (InfluenceReport['targets'][number] & { recorded?: number })[];
  steps: (InfluenceReport['steps'][number] & { text: string; removed: string; byTarget: number[] })[];
  history: (InfluenceReport['history'][number] & { item: string; byTarget: number[] })[];
  threshold: number;
  /** Contexts scored; tokens they hold; tokens whose cache came from a shared prefix instead of being computed again. */
  cost: { contexts: number; tokens: number; reused: number };
  notes: string[];
}

interface Variant {
  kind: 'full' | 'empty' | 'step' | 'history';
  index: number;
  ids: number[];
  /** Tokens in common with the full context. */
  shared: number;
  scores?: number[];
}

const commonPrefix = (a: readonly number[], b: readonly number[]): number => {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
};

const cut = (text: string, span: { start: number; end: number }): string => text.slice(0, span.start) + text.slice(span.end);
const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, x) => a + x, 0) / xs.length);

/** The influence of each step and history item of `plan` on its targets. */
export async function analyzeInfluence(plan: InfluencePlan, scorer: InfluenceScorer, options: InfluenceOptions = {}): Promise<InfluenceAnalysis> {
  const t0 = performance.now();
  const { signal } = options;
  const threshold = options.threshold ?? DEFAULT_INFLUENCE_THRESHOLD;
  throwIfCancelled(signal);
  const full = scorer.encode(plan.prompt + plan.thinking + plan.code);
  const continuations = plan.targets.map((t: PlanTarget) => scorer.encode(t.continuation));
  const variant = (kind: Variant['kind'], index: number, text: string): Variant => {
    const ids = kind === 'full' ? full : scorer.encode(text);
    return { kind, index, ids, shared: commonPrefix(full, ids) };
  };
  const variants: Variant[] = [
    variant('full', 0, ''),
    variant('empty', 0, plan.emptyThinking),
    ...plan.steps.map((s, i) => variant('step', i, plan.prompt + cut(plan.thinking, s.cut) + plan.code)),
    ...plan.history.map((h, i) => variant('history', i, cut(plan.prompt, h.cut) + plan.thinking + plan.code)),
  ];
  const cost = { contexts: variants.length, tokens: 0, reused: 0 };
  if (continuations.length > 0) {
    // Shortest shared prefix first: each prefill extends the previous one, and the full context comes last.
    const order = [...variants].sort((a, b) => a.shared - b.shared);
    let prefilled = 0;
    for (const [done, v] of order.entries()) {
      throwIfCancelled(signal);
      // At least one token of the variant is computed: its last position's logits score the first target token.
      const shared = Math.min(v.shared, v.ids.length - 1);
      if (scorer.prefill && shared > prefilled) {
        await scorer.prefill(full.slice(0, shared), signal);
        prefilled = shared;
      }
      if (scorer.prefill) cost.reused += Math.min(shared, prefilled);
      cost.tokens += v.ids.length;
      v.scores = (await scorer.score(v.ids, continuations, signal)).map((r) => r.total);
      options.onProgress?.(done + 1, order.length);
    }
  }
  const scores = (v: Variant): number[] => v.scores ?? [];
  const base = scores(variants[0]);
  const empty = scores(variants[1]);
  const delta = (v: Variant): number[] => base.map((x, t) => x - scores(v)[t]);
  const steps = plan.steps.map((s, i) => {
    const byTarget = delta(variants[2 + i]);
    return { id: s.id, influence: mean(byTarget), text: s.text, removed: plan.thinking.slice(s.cut.start, s.cut.end), byTarget };
  });
  const history = plan.history.map((h, i) => {
    const byTarget = delta(variants[2 + plan.steps.length + i]);
    return { id: h.id, influence: mean(byTarget), item: h.item, byTarget };
  });
  const targets = plan.targets.map((t, k) => ({
    item: t.item,
    role: t.role,
    withThinking: base[k],
    withoutThinking: empty[k],
    ...(t.recorded !== undefined && { recorded: t.recorded }),
  }));
  const moves = [...targets.map((t) => t.withThinking - t.withoutThinking), ...steps.flatMap((s) => s.byTarget)];
  return {
    traceId: plan.traceId,
    targets,
    steps,
    history,
    decorative: moves.every((m) => Math.abs(m) <= threshold),
    ms: performance.now() - t0,
    threshold,
    cost,
    notes: plan.notes,
  };
}
