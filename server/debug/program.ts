/**
 * A trace as a program to step through: every place the debugger can stop,
 * in order — the history items, each reasoning step followed by its
 * generated tokens (when the trace records them), the recommendations — and
 * the moves between them. Pure: an analysed trace in, stop indexes out.
 *
 * Moves (docs/debugging.md, "Stepping"):
 * - next (step over): the next stop that is not a token;
 * - step in: from a step into its first token; from a token to the next token;
 * - step out: the first stop of the next layer;
 * - back: the previous stop at the same granularity (a token goes to the
 *   previous token of its step, else to its step; a step to the previous step);
 * - continue / reverse continue: every stop, tokens included, until a breakpoint.
 */
import type { GraphStage } from '../../protocol/graph';
import type { Span } from '../items/types';
import type { Recommendation, Step, TraceUnit } from '../trace/model';

/** A generated token as the debugger shows it (from the trace's token record, when it has one). */
export interface TokenStop {
  text: string;
  logprob: number;
  /** The alternatives the model weighed, most probable first (the chosen one included). */
  top: { token: string; prob: number }[];
  /** Its line in the document (the token record), when it has one. */
  span?: Span;
}

/** Events a function breakpoint can name. */
export const EVENTS = ['layer', 'thinking-end', 'code', 'low-confidence'] as const;
export type DebugEvent = (typeof EVENTS)[number];

/** Below this probability a chosen token (or a step's least certain token) is a `low-confidence` event. */
export const LOW_CONFIDENCE = 0.5;

export interface Stop {
  kind: 'history' | 'step' | 'token' | 'recommendation';
  /** The layer the stop belongs to: `history`, a layer name, or `recommendations`. */
  layer: string;
  stage: GraphStage;
  /** Index of the layer in `ReplayProgram.layers`. */
  layerIndex: number;
  step?: Step;
  rec?: Recommendation;
  token?: TokenStop & { index: number };
  /** The stop of the step a token belongs to. */
  parent?: number;
  /** Where the editor shows the stop. */
  span: Span;
  events: DebugEvent[];
}

export interface LayerInfo {
  name: string;
  stage: GraphStage;
  /** Index of the layer's first stop. */
  first: number;
}

/** Tokens of a step, by step id (from the trace's token record; empty when it has none). */
export type TokensByStep = ReadonlyMap<string, readonly TokenStop[]>;

/** The stops of one trace and the moves between them. */
export class ReplayProgram {
  readonly stops: Stop[] = [];
  readonly layers: LayerInfo[] = [];

  constructor(
    readonly trace: TraceUnit,
    tokens: TokensByStep = new Map(),
  ) {
    const open = (name: string, stage: GraphStage): number => {
      const last = this.layers[this.layers.length - 1];
      if (last?.name === name) return this.layers.length - 1;
      this.layers.push({ name, stage, first: this.stops.length });
      return this.layers.length - 1;
    };
    let lastThinking = -1;
    for (const step of trace.steps) {
      const history = step.kind === 'history';
      const stage: GraphStage = history ? 'history' : step.stage;
      const layerIndex = open(history ? 'history' : step.layer, stage);
      const at = this.stops.length;
      this.stops.push({ kind: history ? 'history' : 'step', layer: this.layers[layerIndex].name, stage, layerIndex, step, span: step.idSpan, events: [] });
      if (history) continue;
      lastThinking = at;
      (tokens.get(step.id) ?? []).forEach((t, index) => {
        lastThinking = this.stops.length;
        this.stops.push({ kind: 'token', layer: step.layer, stage, layerIndex, step, token: { ...t, index }, parent: at, span: t.span ?? step.idSpan, events: [] });
      });
    }
    for (const rec of trace.recommendations ?? []) {
      const layerIndex = open('recommendations', 'recommendation');
      this.stops.push({ kind: 'recommendation', layer: 'recommendations', stage: 'recommendation', layerIndex, rec, span: rec.span, events: ['code'] });
    }
    for (const l of this.layers) if (this.stops[l.first]) this.stops[l.first].events.push('layer');
    if (lastThinking >= 0) this.stops[lastThinking].events.push('thinking-end');
    for (const s of this.stops) if (s.token && Math.exp(s.token.logprob) < LOW_CONFIDENCE) s.events.push('low-confidence');
  }

  /** The next stop that is not a token, or undefined at the end. */
  next(i: number): number | undefined {
    for (let j = i + 1; j < this.stops.length; j++) if (this.stops[j].kind !== 'token') return j;
    return undefined;
  }

  /** Into a step's tokens, or on to the next token; a stop without tokens steps over. */
  stepIn(i: number): number | undefined {
    const following = this.stops[i + 1];
    if (following?.kind === 'token') return i + 1;
    return this.next(i);
  }

  /** The first stop of the next layer. */
  stepOut(i: number): number | undefined {
    return this.layers[this.stops[i].layerIndex + 1]?.first;
  }

  /** The previous stop at the granularity of `i`: a token's previous token (else its step), a step's previous non-token stop. */
  back(i: number): number | undefined {
    const s = this.stops[i];
    if (s.kind === 'token') return i - 1 >= 0 ? i - 1 : undefined;
    for (let j = i - 1; j >= 0; j--) if (this.stops[j].kind !== 'token') return j;
    return undefined;
  }

  /** The stops of the call stack at `i`, innermost first: token, step, layer (its first stop). */
  frames(i: number): { name: string; stop: number }[] {
    const s = this.stops[i];
    const out: { name: string; stop: number }[] = [];
    if (s.kind === 'token' && s.token && s.parent !== undefined) {
      out.push({ name: `token ${s.token.index + 1} ${JSON.stringify(s.token.text)} p=${Math.exp(s.token.logprob).toFixed(3)}`, stop: i });
      i = s.parent;
    }
    const at = this.stops[i];
    const name =
      at.kind === 'recommendation' && at.rec
        ? `#${at.rec.rank} ${at.rec.item}`
        : at.step
          ? `${at.step.id} ${firstLine(at.step.text)}`
          : at.layer;
    out.push({ name, stop: i });
    out.push({ name: `${at.layer} (${at.stage})`, stop: this.layers[at.layerIndex].first });
    return out;
  }
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}
