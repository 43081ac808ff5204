/**
 * The structured value of an `.rtrace` document — what the inference engine
 * builds and `printTrace` writes — and reading it back from text.
 */
import type { TraceHeader } from '../../../protocol/messages';
import type { Problem } from '../model';
import type { Branch, InterventionKind } from './spec';
import { parseRtraceSyntax } from './syntax';
import type { RtraceSyntax } from './tree';

export type DecodingValue = string | number | boolean;

/** Header fields (protocol/messages.ts, the one definition `reclens/traceHeader` returns too); absent ones are omitted. Strings are single-line. */
export type { TraceHeader };

/** One input item of the user's history. */
export interface HistoryValue {
  id: string;
  /** The itemic code (or item id) as written, without spaces. */
  item: string;
  note?: string;
}

/** One top-k alternative token at a step. */
export interface AlternativeValue {
  token: string;
  prob: number;
}

/** A reasoning step. */
export interface StepValue {
  id: string;
  /** Lines of text joined with `\n`; each line trimmed and non-empty. */
  text: string;
  /** Ids of the steps or history items this step rests on. */
  evidence: string[];
  /** Top-k lists, one per decision point the engine recorded. */
  alternatives?: AlternativeValue[][];
}

/** A `[layer NAME]` section. */
export interface LayerValue {
  name: string;
  steps: StepValue[];
}

/** One recommended item. */
export interface RecommendationValue {
  rank: number;
  item: string;
  /** Log-probability of the item's code. */
  score?: number;
  /** Log-probability of each level's token of the code, in level order (they add up to `score`, up to rounding). */
  logprobs?: number[];
  prob?: number;
  beam?: number;
  branch?: Branch;
  hit?: boolean;
  /** The item was already in the user's history. */
  seen?: boolean;
  evidence: string[];
}

export interface GroundTruthValue {
  item: string;
  note?: string;
}

/** A verbatim block of model text. */
export interface RawValue {
  label?: string;
  text: string;
}

/** One generated token of a thinking sample: a line of `[tokens thinking-N]`. */
export interface TokenValue {
  /** The step whose text the token starts in; absent for heading and blank tokens. */
  step?: string;
  text: string;
  /** Log-probability of the token (≤ 0, `-Infinity` allowed). */
  logprob: number;
  /** The recorded top-k alternatives, most probable first; the chosen token is among them when it made the top k. */
  top: AlternativeValue[];
}

/** A `[tokens thinking-N]` section: every token of one thinking sample, in order. */
export interface TokensValue {
  /** The raw block the tokens make up: `thinking-N`. */
  label: string;
  /** Where the first token starts in the raw block's text, when not at 0 (after an opening the model wrote itself, `<think>\n`). */
  from?: number;
  tokens: TokenValue[];
}

/** A line of `[interventions]`: what the user forced in a live run (`Intervention` in protocol/inference.ts). */
export interface InterventionValue {
  /** The sample's raw block: `thinking-N`. */
  label: string;
  /** Position of the forced token(s) in the sample's tokens, 0-based. */
  index: number;
  kind: InterventionKind;
  /** The token the model had chosen at `index`. */
  original: { text: string; logprob: number; id?: number };
  /** What was forced in its place. */
  forced: { text: string; ids?: number[] };
}

/** A whole trace document as a value. */
export interface TraceValue {
  version: number;
  header: TraceHeader;
  history: HistoryValue[];
  layers: LayerValue[];
  recommendations: RecommendationValue[];
  groundTruth: GroundTruthValue[];
  raw: RawValue[];
  /** One entry per `[tokens thinking-N]` section; absent when there are none. */
  tokens?: TokensValue[];
  /** The `[interventions]` lines; absent when there are none. */
  interventions?: InterventionValue[];
}

const STRING_KEYS = ['user', 'sample', 'model', 'checkpoint', 'task', 'level', 'domain', 'layers', 'provider', 'created', 'source'] as const;

/** The value of a parsed tree; parts that did not parse are left out (see `tree.problems`). */
export function traceValueOf(tree: RtraceSyntax): TraceValue {
  const value: TraceValue = { version: 0, header: {}, history: [], layers: [], recommendations: [], groundTruth: [], raw: [] };
  const header = value.header;
  for (const n of tree.prologue) {
    if (n.kind === 'version') value.version = n.version ?? 0;
    if (n.kind !== 'field') continue;
    if ((STRING_KEYS as readonly string[]).includes(n.key)) {
      const key = n.key as (typeof STRING_KEYS)[number];
      if (header[key] === undefined) header[key] = n.value;
    } else if (n.key === 'mode') header.mode ??= n.mode;
    else if (n.key === 'decoding' && n.decoding) {
      const d = (header.decoding ??= {});
      for (const e of n.decoding) if (!(e.key in d)) d[e.key] = e.value;
    } else if (n.key.startsWith('x-')) (header.extensions ??= {})[n.key] ??= n.value;
  }
  if (header.mode === undefined) delete header.mode;
  for (const s of tree.sections) {
    if (s.kind === 'layer') {
      const layer: LayerValue = { name: s.name ?? '', steps: [] };
      for (const n of s.body) {
        if (n.kind !== 'step') continue;
        const step: StepValue = { id: n.id, text: n.text, evidence: n.evidence.map((r) => r.id) };
        if (n.alternatives.length > 0) step.alternatives = n.alternatives.map((a) => a.tokens.map((t) => ({ token: t.token, prob: t.prob })));
        layer.steps.push(step);
      }
      value.layers.push(layer);
    }
    for (const n of s.body) {
      if (n.kind === 'history') value.history.push(n.note === undefined ? { id: n.id, item: n.item } : { id: n.id, item: n.item, note: n.note });
      else if (n.kind === 'truth') value.groundTruth.push(n.note === undefined ? { item: n.item } : { item: n.item, note: n.note });
      else if (n.kind === 'intervention') {
        const original: InterventionValue['original'] = { text: n.original.text, logprob: n.original.logprob };
        if (n.original.id !== undefined) original.id = n.original.id;
        const forced: InterventionValue['forced'] = { text: n.forced.text };
        if (n.forced.ids !== undefined) forced.ids = n.forced.ids;
        (value.interventions ??= []).push({ label: n.label, index: n.index, kind: n.interventionKind, original, forced });
      } else if (n.kind === 'rec') {
        const r: RecommendationValue = { rank: n.rank, item: n.item, evidence: n.evidence.map((e) => e.id) };
        if (n.score !== undefined) r.score = n.score;
        if (n.logprobs !== undefined) r.logprobs = n.logprobs;
        if (n.prob !== undefined) r.prob = n.prob;
        if (n.beam !== undefined) r.beam = n.beam;
        if (n.branch !== undefined) r.branch = n.branch;
        if (n.hit !== undefined) r.hit = n.hit;
        if (n.seen) r.seen = true;
        value.recommendations.push(r);
      }
    }
    if (s.kind === 'tokens') {
      const tokens: TokenValue[] = [];
      for (const n of s.body) {
        if (n.kind !== 'token') continue;
        const t: TokenValue = { text: n.text, logprob: n.logprob, top: n.top.map((a) => ({ token: a.token, prob: a.prob })) };
        tokens.push(n.step === undefined ? t : { step: n.step, ...t });
      }
      (value.tokens ??= []).push(s.from === undefined ? { label: s.label ?? '', tokens } : { label: s.label ?? '', from: s.from, tokens });
    }
    if (s.kind === 'raw') {
      const body = s.body[0];
      const raw: RawValue = { text: body && body.kind === 'raw-text' ? body.text : '' };
      if (s.label !== undefined) raw.label = s.label;
      value.raw.push(raw);
    }
  }
  return value;
}

/** Read a trace value from text, with the problems that need no settings to find. */
export function readTrace(text: string): { value: TraceValue; problems: Problem[] } {
  const tree = parseRtraceSyntax(text);
  return { value: traceValueOf(tree), problems: tree.problems };
}
