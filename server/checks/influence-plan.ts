/**
 * The texts the influence analysis scores, from an `InfluenceSource` and the
 * exact stage texts (the trace's raw blocks, or rebuilt as runInference
 * builds them). The code stage read `prompt + thinking + code`; every
 * variant changes one thing of that text and keeps the rest byte for byte:
 *
 * - Step removed: the step's lines are cut out of the thinking — from the
 *   start of its first line (its bullet and indentation included) to the
 *   end of its last line, line break included. When a heading shares the
 *   step's first line (`**Persona:** text…`), the cut starts at the step's
 *   first character and keeps the line break, so the heading stays. Other
 *   steps, headings and blank lines stay as written.
 * - Empty thinking: the think block (`<think>\n` … `</think>\n`) is
 *   replaced by the empty think block non-thinking mode writes
 *   (`<think>\n\n</think>\n\n`); the prompt, its `/think` switch included,
 *   and the begin token stay.
 * - History item occluded: the item's code is cut out of the prompt's
 *   history (the codes around it stay, as written); the thinking is kept as
 *   generated.
 *
 * A target is scored as the code stage scores a beam: the log-probability
 * of its level tokens after the begin token. Pure.
 */
import { defaultPrompt } from '../../protocol/inference';
import { formatCode, type CompiledGrammar } from '../items/grammar';
import type { Span } from '../items/types';
import { InfluenceError, type InfluenceSource, type SourceItem } from './influence-trace';

/** Recommendations scored by default (the ground truth is always scored). */
export const DEFAULT_INFLUENCE_TOP = 3;

/** The exact text of the thinking branch's two stages. */
export interface StageTexts {
  /** The thinking stage's context: the prompt and the opening the engine appended. */
  prompt: string;
  /** What the code stage appended after the thinking: `</think>\n` and the begin token. */
  code: string;
}

export interface PlanTarget {
  item: string;
  role: 'recommendation' | 'ground-truth';
  /** The text scored after the context: the code's level tokens (`<s_a_1><s_b_2><s_c_3>`). */
  continuation: string;
  /** The log-probability the trace recorded for it (recommendations). */
  recorded?: number;
}

/** Everything the analysis scores, as text (it crosses the worker's IPC channel). */
export interface InfluencePlan {
  traceId: string;
  prompt: string;
  /** The thinking as the code stage read it (the opening the model wrote included). */
  thinking: string;
  code: string;
  /** The whole context of the empty-thinking comparison. */
  emptyThinking: string;
  /** Each step and what its removal cuts out of `thinking`. */
  steps: { id: string; text: string; cut: Span }[];
  /** Each history item found in `prompt` and the cut of its code. */
  history: { id: string; item: string; cut: Span }[];
  targets: PlanTarget[];
  notes: string[];
}

const EMPTY_THINK = defaultPrompt.emptyThink;
const PROMPT_OPENS = /<think>\s*$/;

/** The cut that removes a step: its whole lines, or from its first character when a heading shares its first line (see the module comment). */
export function stepCut(text: string, span: Span): Span {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  const before = text.slice(lineStart, span.start);
  const eol = text.indexOf('\n', Math.max(span.start, span.end - 1));
  const lineEnd = eol < 0 ? text.length : eol;
  // Only a bullet or indentation before the step: its lines go, line break included.
  if (/^\s*(?:[-*+•·]|\d{1,3}[.)、．]|[（(]\d{1,3}[)）])?\s*$/.test(before)) return { start: lineStart, end: eol < 0 ? text.length : eol + 1 };
  return { start: span.start, end: lineEnd };
}

/** The context with the think block replaced by the empty one; the prompt and the code's begin token kept. */
export function emptyThinkingContext(prompt: string, thinking: string, code: string): string {
  const open = PROMPT_OPENS.exec(prompt);
  const close = /^\s*<\/think>\s*/.exec(code);
  if (close && (open || /^\s*<think>/.test(thinking))) return (open ? prompt.slice(0, open.index) : prompt) + EMPTY_THINK + code.slice(close[0].length);
  // No think tags to replace: the thinking is cut whole.
  return prompt + code;
}

/** The level tokens of a code, as the code stage generates them after the begin token. */
export function levelText(grammar: CompiledGrammar, levels: readonly number[]): string {
  return levels.map((v, k) => `${grammar.levelAffixes[k].prefix}${v}${grammar.levelAffixes[k].suffix}`).join('');
}

/** Where each history item's code stands in the prompt, in history order (a code written twice is found at its own place). */
function historyCuts(prompt: string, history: readonly SourceItem[], grammar: CompiledGrammar, notes: string[]): InfluencePlan['history'] {
  const out: InfluencePlan['history'] = [];
  const missing: string[] = [];
  let from = 0;
  for (const h of history) {
    const spellings = [h.item, formatCode(grammar, h.levels, { domain: h.domain })];
    let at = -1;
    let text = '';
    for (const s of spellings) {
      at = prompt.indexOf(s, from);
      if (at >= 0) {
        text = s;
        break;
      }
    }
    if (at < 0) {
      missing.push(h.id);
      continue;
    }
    out.push({ id: h.id, item: h.item, cut: { start: at, end: at + text.length } });
    from = at + text.length;
  }
  if (missing.length > 0) notes.push(`history items not found in the prompt, so not occluded: ${missing.join(', ')}`);
  return out;
}

/** The plan of one analysis: the top `top` recommendations and the ground truth as targets. */
export function influencePlan(source: InfluenceSource, stages: StageTexts, grammar: CompiledGrammar, top = DEFAULT_INFLUENCE_TOP): InfluencePlan {
  const notes = [...source.notes];
  // A rebuilt prompt that opens the thinking itself does not get the opening a raw output wrote a second time.
  const opening = source.opening !== '' && PROMPT_OPENS.test(stages.prompt) ? '' : source.opening;
  const thinking = opening + source.thinking;
  const steps = source.steps.map((s) => ({ id: s.id, text: s.text, cut: stepCut(thinking, { start: s.span.start + opening.length, end: s.span.end + opening.length }) }));
  const target = (x: SourceItem & { recorded?: number }, role: PlanTarget['role']): PlanTarget => {
    const t: PlanTarget = { item: x.item, role, continuation: levelText(grammar, x.levels) };
    if (x.recorded !== undefined) t.recorded = x.recorded;
    return t;
  };
  const targets = [...source.recommendations.slice(0, Math.max(0, top)).map((x) => target(x, 'recommendation')), ...source.groundTruth.map((x) => target(x, 'ground-truth'))];
  if (targets.length === 0) throw new InfluenceError(`trace ${source.traceId} has no recommendation and no ground truth with a full code: influence is measured on them`);
  return {
    traceId: source.traceId,
    prompt: stages.prompt,
    thinking,
    code: stages.code,
    emptyThinking: emptyThinkingContext(stages.prompt, thinking, stages.code),
    steps,
    history: historyCuts(stages.prompt, source.history, grammar, notes),
    targets,
    notes,
  };
}
