/**
 * An inference record as an `.rtrace` trace: the header, the history, the
 * first thinking sample split into layered steps with evidence and
 * alternatives, the candidates, the targets, the interventions, the
 * model's text verbatim, and every generated token.
 * Pure and deterministic: the same record gives the same text.
 *
 * Rules (docs/trace-format.md, "Traces written by the engine"):
 * - Steps come from the first thinking sample. `splitLayers` cuts it at the
 *   configured heading markers; the heading (decoration, marker, colon; a
 *   second marker of the layer, as in `R0 Perception:`) is dropped and the
 *   rest of its line is body text. In a block, a line
 *   starting with a bullet (`- `, `* `, `+ `, `• `, `1. `, `1) `, `1、`)
 *   opens a step, which indented lines continue; other lines form
 *   paragraph steps that run to a blank line or a bullet. Text before the
 *   first marker (or a thinking with none) is one step of the first
 *   cognition layer configured. Blocks of one layer are merged into one
 *   section and sections are ordered by stage, so the file reads in stage
 *   order even when the model did not; ids count per stage (`p1`, `c1`,
 *   `r1`) in file order. Step text keeps the model's words, each line
 *   trimmed.
 * - Evidence, from the itemic codes and prefixes a step names (X ⊑ Y: X is
 *   Y or lies under it, compared level by level; domains must agree when
 *   both codes name one):
 *   every step cites the history items whose full code it names; a
 *   perception step also cites history items under a prefix it names; a
 *   cognition step, for each code X it names, cites the perception steps
 *   naming a code ⊑ X, or else the history items ⊑ X; a recommendation step
 *   cites the cognition steps naming a code ⊑ or ⊒ one it names. A
 *   cognition or recommendation step left without evidence cites every step
 *   of the nearest earlier stage that has steps. Evidence only points to
 *   earlier stages and history, so the graph is a forward DAG.
 * - Alternatives: the tokens of sample 1 are placed in its text by adding
 *   up their texts (placement.ts: resynchronising after tokens that decode
 *   to U+FFFD on their own); a token starting inside a step's text whose chosen
 *   probability is below 0.5 is a decision point. A step keeps its three
 *   least certain ones, in text order; each lists the recorded top tokens
 *   with probabilities rounded to 4 decimals (the chosen token always).
 * - Recommendations: the candidates best first; the score is the
 *   log-probability rounded to 4 decimals; `branch` only in race mode;
 *   `hit`/`miss` when there are targets; `seen` when the user's history
 *   holds the code. A candidate that continued sample 1
 *   of the thinking branch cites the steps of the last stage present whose
 *   named code it lies under, else all of them; other candidates (the
 *   non-thinking branch, later samples) did not read these steps and cite
 *   none. A code that is empty or holds blanks (an invalid beam) is written
 *   as a JSON string with blanks escaped, to stay one word.
 * - Tokens: a `[tokens thinking-N]` section per sample with recorded
 *   tokens (or no text), `from=` the opening's length; log-probabilities
 *   and probabilities to 4 significant digits, clamped to ≤ 0 and [0, 1];
 *   sample 1's tokens name the step they start in, by the alternatives'
 *   rule. Candidates carry their per-level log-probabilities (`logprobs=`).
 * - Notes give an item's title (else caption, clipped to 120 characters),
 *   found by id, else by code (most popular item first).
 */
import type { LayerSchemeName, LayerSpec } from '../../../protocol/layers';
import type { CompiledGrammar } from '../../items/grammar';
import type { ItemLookup } from '../../items/lookup';
import { answerEvidence, namedCodes, thinkingSteps, type NamedCode, type ThinkingStep } from '../steps';
import { printTrace } from './build';
import { placeTokens } from './placement';
import { RTRACE_VERSION, sampleLabel } from './spec';
import type { AlternativeValue, DecodingValue, HistoryValue, InterventionValue, LayerValue, RawValue, RecommendationValue, StepValue, TokensValue, TokenValue, TraceHeader, TraceValue } from './value';
import { decodingSpecs, type Candidate, type DecodingKey, type InferenceRecord, type Intervention, type ThinkingSample, type TokenRecord } from '../../../protocol/inference';

/** What a trace needs besides the record: the code spelling, the layer scheme and, for titles, the items. */
export interface TraceContext {
  grammar: CompiledGrammar;
  /** The layers of the scheme (generic layers included), as analysers get them. */
  layers: LayerSpec[];
  /** The scheme's name, written in the `layers:` header so that the trace reads back with it. */
  scheme?: LayerSchemeName;
  lookup?: ItemLookup;
}

const UNCERTAIN = 0.5;
const ALTS_PER_STEP = 3;
const NOTE_LENGTH = 120;

/** Rounded half away from zero, so that -0.00005 and 0.00005 mirror each other. */
const round4 = (x: number): number => (Number.isFinite(x) ? (Math.sign(x) * Math.round(Math.abs(x) * 1e4)) / 1e4 || 0 : x);
/** Four significant digits: a token's log-probability near 0 and a small alternative's probability keep their information. */
const sig4 = (x: number): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(4)) : x);
/** A log-probability to 4 significant digits, at most 0 (rounding can leave a hair above); NaN stays NaN. */
const logprobOf = (x: number): number => {
  const v = sig4(x);
  return v >= 0 ? 0 : v;
};
/** A probability to 4 significant digits, within [0, 1]; NaN stays NaN. */
const probOf = (x: number): number => {
  const v = sig4(x);
  return v <= 0 ? 0 : v > 1 ? 1 : v;
};

/** The trace of one inference record. */
export function traceFromRecord(record: InferenceRecord, ctx: TraceContext): TraceValue {
  const history = record.history.map((h) => ({ ...h, code: fullCode(h.item, ctx.grammar) }));
  const thinking = record.thinking[0] ?? '';
  const drafts = thinkingSteps(thinking, 0, thinking.length, ctx.layers, ctx.grammar, history.map((h) => h.code)).steps;
  const offsets = record.samples.map((x, i) => placeTokens(record.thinking[i] ?? x.text, x.tokens).offsets);
  const alternatives = record.samples.length > 0 ? decisionPoints(record.samples[0].tokens, offsets[0]) : [];
  // A sample whose text has no recorded tokens gets no section: an empty one would say it generated none.
  const sections = record.samples.flatMap((x, i) => (x.tokens.length > 0 || (record.thinking[i] ?? x.text) === '' ? [tokensSection(x, offsets[i], i === 0 ? drafts : [])] : []));
  const layers: LayerValue[] = [];
  for (const d of drafts) {
    let layer = layers[layers.length - 1];
    if (layer?.name !== d.layer.name) layers.push((layer = { name: d.layer.name, steps: [] }));
    const step: StepValue = { id: d.id, text: d.text, evidence: d.evidence };
    const alts = alternatives.filter((a) => a.offset >= d.span.start && a.offset < d.span.end);
    const kept = alts.sort((a, b) => a.prob - b.prob || a.offset - b.offset).slice(0, ALTS_PER_STEP).sort((a, b) => a.offset - b.offset);
    if (kept.length > 0) step.alternatives = kept.map((a) => a.list);
    layer.steps.push(step);
  }
  return {
    version: RTRACE_VERSION,
    header: { ...header(record), ...(ctx.scheme && { layers: ctx.scheme }) },
    history: history.map((h, i): HistoryValue => withNote({ id: `h${i + 1}`, item: h.item }, itemNote(ctx.lookup, h.id, h.code))),
    layers,
    recommendations: record.candidates.map((c, i) => recommendation(record, c, i + 1, drafts, ctx.grammar)),
    groundTruth: record.targets.map((t) => withNote({ item: t.item }, itemNote(ctx.lookup, t.id, fullCode(t.item, ctx.grammar)))),
    raw: rawBlocks(record),
    ...(sections.length > 0 && { tokens: sections }),
    ...(record.interventions && record.interventions.length > 0 && { interventions: record.interventions.map(interventionValue) }),
  };
}

/** The `.rtrace` text of one inference record. */
export function renderTrace(record: InferenceRecord, ctx: TraceContext): string {
  return printTrace(traceFromRecord(record, ctx));
}

/** The header: who, which model, the mode, the code stage's domain, and every decoding setting that has a trace key (`decodingSpecs`). */
function header(record: InferenceRecord): TraceHeader {
  const s = record.settings;
  const decoding: Record<string, DecodingValue> = {};
  for (const [key, spec] of Object.entries(decodingSpecs) as [DecodingKey, (typeof decodingSpecs)[DecodingKey]][]) if (spec.trace) decoding[spec.trace] = s[key];
  const extensions: Record<string, string> = { 'x-timings': timings(record) };
  if (record.providerNote) extensions['x-provider-note'] = record.providerNote;
  if (!s.constrained) extensions['x-invalid-beams'] = String(record.invalidBeams);
  const stops = record.samples.filter((x) => x.stop !== 'think-end');
  if (stops.length > 0) extensions['x-thinking-stop'] = stops.map((x) => `thinking-${x.index + 1}=${x.stop}`).join(' ');
  const h: TraceHeader = { user: record.user, sample: `${record.user}/${record.mode}/${record.created}`, model: record.model };
  if (record.checkpoint) h.checkpoint = record.checkpoint;
  if (s.candidateOrder !== 'benchmark') extensions['x-candidate-order'] = s.candidateOrder;
  return { ...h, mode: record.mode, ...(record.domain.name && { domain: record.domain.name }), provider: record.executionProvider, decoding, created: record.created, extensions };
}

/** `load=… prefill=… thinking=… (N tokens, R tok/s) beams=… total=…`; stages that did not run are left out. */
function timings(record: InferenceRecord): string {
  const t = record.timings;
  const ms = (x: number): string => `${Math.round(x)}ms`;
  const parts: string[] = [];
  if (t.loadMs > 0) parts.push(`load=${ms(t.loadMs)}`);
  if (t.prefillMs > 0) parts.push(`prefill=${ms(t.prefillMs)} (${record.promptTokens} prompt tokens)`);
  if (t.thinkingTokens > 0) {
    const rate = t.thinkingMs > 0 ? `, ${Math.round(t.thinkingTokens / (t.thinkingMs / 1000))} tok/s` : '';
    parts.push(`thinking=${ms(t.thinkingMs)} (${t.thinkingTokens} tokens${rate})`);
  }
  parts.push(`beams=${ms(t.beamMs)}`, `total=${ms(t.totalMs)}`);
  return parts.join(' ');
}

/**
 * The exact text each stage read, without repeating it: per branch
 * `prompt` (the thinking stage's context, or the non-thinking prompt with
 * its empty think block) and `code` (what the code stage appended), each
 * sample's generated text as `thinking-N`; race mode suffixes the branch
 * (`prompt-thinking`, `code-non-thinking`). The code stage after sample N
 * read `prompt + thinking-N + code`; the non-thinking one `prompt + code`.
 */
function rawBlocks(record: InferenceRecord): RawValue[] {
  const raw: RawValue[] = [];
  const suffix = (branch: string): string => (record.mode === 'race' ? `-${branch}` : '');
  for (const branch of ['thinking', 'non-thinking'] as const) {
    const ctx = record.contexts[branch];
    if (ctx) raw.push({ label: `prompt${suffix(branch)}`, text: ctx.prompt }, { label: `code${suffix(branch)}`, text: ctx.code });
  }
  record.thinking.forEach((text, i) => raw.push({ label: `thinking-${i + 1}`, text: (record.samples[i]?.opening ?? '') + text }));
  return raw;
}

function withNote<T extends object>(value: T, note: string | undefined): T & { note?: string } {
  return note === undefined ? value : { ...value, note };
}

function itemNote(lookup: ItemLookup | undefined, id: string | undefined, code: NamedCode | undefined): string | undefined {
  if (!lookup) return undefined;
  const item = (id !== undefined ? lookup.byId(id) : undefined) ?? (code ? lookup.exact(code.levels, code.domain)[0] : undefined);
  const text = (item?.title ?? item?.caption)?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > NOTE_LENGTH ? text.slice(0, NOTE_LENGTH - 1).trimEnd() + '…' : text;
}

function fullCode(text: string, grammar: CompiledGrammar): NamedCode | undefined {
  return namedCodes(text, grammar).find((c) => c.levels.length === grammar.levelCount);
}

function recommendation(record: InferenceRecord, c: Candidate, rank: number, drafts: ThinkingStep[], grammar: CompiledGrammar): RecommendationValue {
  const r: RecommendationValue = { rank, item: itemWord(c.code), score: round4(c.logprob), beam: c.beam, evidence: [] };
  // Per level, so that a reader (the debugger stepping through the code stage) sees where the beam was unsure.
  if (c.stepLogprobs.length > 0) r.logprobs = c.stepLogprobs.map(round4);
  if (record.mode === 'race') r.branch = c.branch;
  if (record.targets.length > 0) r.hit = c.hit ?? false;
  if (c.seen) r.seen = true;
  // Only a beam that continued the first thinking sample read these steps.
  if (c.branch === 'thinking' && (c.sample ?? 0) === 0) r.evidence = answerEvidence(drafts, namedCodes(c.code, grammar)[0] ?? { levels: c.levels });
  return r;
}

/** A code as one word of a line: as written, or as a JSON string with blanks escaped when it is empty or holds blanks. */
function itemWord(code: string): string {
  if (code !== '' && !/\s/.test(code)) return code;
  return JSON.stringify(code).replace(/\s/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Tokens the model was unsure of, with their offset in the sample text (`offsets`, from `placeTokens`) and their top list. */
function decisionPoints(tokens: TokenRecord[], offsets: number[]): { offset: number; prob: number; list: AlternativeValue[] }[] {
  const out: { offset: number; prob: number; list: AlternativeValue[] }[] = [];
  tokens.forEach((t, k) => {
    const prob = Math.exp(t.logprob);
    if (!(prob < UNCERTAIN)) return;
    const list = t.top.map((a) => ({ token: a.text, prob: round4(a.prob) })).filter((a) => a.prob > 0 || a.token === t.text);
    if (!t.top.some((a) => a.id === t.id)) list.push({ token: t.text, prob: round4(prob) });
    out.push({ offset: offsets[k], prob, list });
  });
  return out;
}

/**
 * Every token of one thinking sample: its text, log-probability (≤ 0, 4
 * significant digits), recorded top list (probabilities in [0, 1], 4
 * significant digits) and the step it starts in (`steps` are those of
 * sample 1; later samples have none). `from` skips the opening the model
 * wrote itself, which the raw block holds before the tokens' text.
 */
function tokensSection(sample: ThinkingSample, offsets: number[], steps: ThinkingStep[]): TokensValue {
  const sorted = [...steps].sort((a, b) => a.span.start - b.span.start);
  const stepAt = (offset: number): string | undefined => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid].span.start <= offset) lo = mid + 1;
      else hi = mid;
    }
    const s = sorted[lo - 1];
    return s && offset < s.span.end ? s.id : undefined;
  };
  const tokens = sample.tokens.map((t, k): TokenValue => {
    const value: TokenValue = { text: t.text, logprob: logprobOf(t.logprob), top: t.top.map((a) => ({ token: a.text, prob: probOf(a.prob) })) };
    const step = stepAt(offsets[k]);
    return step === undefined ? value : { step, ...value };
  });
  const label = sampleLabel(sample.index);
  return sample.opening === '' ? { label, tokens } : { label, from: sample.opening.length, tokens };
}

/** An intervention of the record as the trace writes it. */
function interventionValue(x: Intervention): InterventionValue {
  return {
    label: sampleLabel(x.sample),
    index: x.index,
    kind: x.kind,
    original: { text: x.original.text, logprob: logprobOf(x.original.logprob), id: x.original.id },
    // An empty typed text has no ids, and a trace writes no empty `ids=`.
    forced: x.forced.ids.length > 0 ? { text: x.forced.text, ids: [...x.forced.ids] } : { text: x.forced.text },
  };
}
