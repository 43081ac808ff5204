/**
 * A live run in this process: `runInference`'s decoding taken one step at a
 * time — a thinking token, or one level of a code search — so the debugger
 * can pause between steps, show the distribution a step came from, and
 * change what the model wrote. Built from runInference's own stages
 * (contexts, sampling state, beam search, record), so stepping a run to
 * its end with no intervention gives the record runInference gives.
 *
 * Order: each thinking sample, then the code search after it; then the
 * non-thinking branch (race mode). Runs with several samples decode them
 * one after another where runInference batches them: the same generator
 * per sample, but batched and unbatched logits may differ in the last bits.
 *
 * KV cache: a sample's cache is extended token by token (a forced text in
 * one forward pass over all its tokens, nothing before it recomputed); the
 * code stage re-encodes its text as runInference does and reuses the
 * sample's cache for the longest prefix the encoding shares with it.
 */
import { defaultLayers, type LayerSpec } from '../../../protocol/layers';
import type { Branch, BranchContext, Intervention, ThinkingSample, Timings, TokenRecord } from '../../../protocol/inference';
import { splitLayers } from '../../trace/layers';
import { BeamSearch } from '../beam-search';
import type { Search } from '../candidates';
import { CancelledError, tokenRecord, type OnnxEngine } from '../engine';
import {
  beamRequest,
  codeStageText,
  inferenceRecord,
  runBranches,
  searchSize,
  stageContexts,
  startTimings,
  thinkEndId,
  thinkingSample,
  type InferenceInput,
} from '../infer';
import { chooseToken, logSumExp, SampleState, type Penalties, type SamplingSettings } from '../sampling';
import type { KvCache } from '../session';
import { codeDistribution, thinkingDistribution } from './distribution';
import { closeStep, matches } from './stop';
import type { LiveBeam, LiveDistribution, LiveEvent, LiveOptions, LivePeek, LiveRecord, LiveRun, LiveStarted, LiveStep, StopCondition, StopWhen } from './types';

/** runInference's input with the local engine (a live run steps its decoder). */
export interface LiveInput extends Omit<InferenceInput, 'engine'> {
  engine: OnnxEngine;
}

/** One thinking sample being generated. */
interface Cursor {
  sample: number;
  /** The prompt's token ids. */
  context: number[];
  /** Tokens generated (or forced) so far, the stop token left out. */
  ids: number[];
  records: TokenRecord[];
  state: SampleState;
  /** Covers `context + ids` (all but the last token when the sample stopped at its token limit). */
  cache: KvCache;
  /** Next-token logits after `cache`. */
  logits: Float32Array;
  /** `ids` as text, token by token (for line and heading detection). */
  text: string;
  lineStart: number;
  line: number;
  stop?: ThinkingSample['stop'];
}

type Stage = { kind: 'thinking'; sample: number } | { kind: 'code'; branch: Branch; sample?: number };
type Phase = { kind: 'thinking'; c: Cursor } | { kind: 'code'; branch: Branch; sample?: number; search: BeamSearch };

const EMPTY: LiveDistribution = { top: [], entropy: 0, support: 0 };

export class LocalLiveRun implements LiveRun {
  private stages: Stage[] = [];
  private next_ = 0;
  private phase: Phase | undefined;
  private samples: ThinkingSample[] = [];
  private searches: Search[] = [];
  /** Interventions with their index among the generated tokens (the opening not yet split off). */
  private interventions: (Intervention & { generated: number })[] = [];
  private timings: Timings;
  private promptTokens = 0;
  private run0 = 0;
  private started = false;
  private pauseAsked = false;
  private cancelled = false;
  /** Public calls run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The distribution of the last step a lean `run` took, computed when it stops there. */
  private pendingDistribution: (() => LiveDistribution) | undefined;
  private readonly contexts: Partial<Record<Branch, BranchContext>>;
  /** Tokens of the opening each sample wrote itself (split off in the record). */
  private openings: number[] = [];
  private readonly sampling: SamplingSettings & Penalties;
  private readonly layers: readonly LayerSpec[];
  private readonly top: number;
  private readonly lowConfidence: number;

  constructor(
    private readonly input: LiveInput,
    options: LiveOptions = {},
  ) {
    this.contexts = stageContexts(input);
    const d = input.decoding;
    this.sampling = { temperature: d.temperature, topK: d.topK, topP: d.topP, presencePenalty: d.presencePenalty, frequencyPenalty: d.frequencyPenalty };
    this.layers = options.layers ?? defaultLayers;
    this.top = options.top ?? 10;
    this.lowConfidence = options.lowConfidence ?? 0.5;
    this.timings = startTimings(input.engine);
  }

  private get engine(): OnnxEngine {
    return this.input.engine;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      if (this.cancelled) throw new CancelledError();
      return f();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  start(): Promise<LiveStarted> {
    return this.serial(() => this.begin());
  }

  restart(): Promise<LiveStarted> {
    this.cancelled = false;
    return this.serial(() => this.begin());
  }

  private async begin(): Promise<LiveStarted> {
    const { input } = this;
    const branches = runBranches(input.decoding);
    this.stages = branches.flatMap((branch): Stage[] =>
      branch === 'thinking'
        ? Array.from({ length: input.decoding.thinkingSamples }, (_, sample): Stage[] => [{ kind: 'thinking', sample }, { kind: 'code', branch, sample }]).flat()
        : [{ kind: 'code', branch }],
    );
    this.next_ = 0;
    this.phase = undefined;
    this.samples = [];
    this.searches = [];
    this.interventions = [];
    this.openings = [];
    this.timings = startTimings(this.engine);
    this.run0 = this.engine.runMs;
    if (branches.includes('thinking')) thinkEndId(input.tokenizer);
    this.promptTokens = branches.includes('thinking')
      ? input.tokenizer.encode(this.contexts.thinking!.prompt).length
      : input.tokenizer.encode(codeStageText(this.contexts['non-thinking']!)).length;
    this.started = true;
    await this.current();
    return { branches, samples: branches.includes('thinking') ? input.decoding.thinkingSamples : 0, promptTokens: this.promptTokens };
  }

  /** The phase the next step belongs to, beginning it when the last one ended; undefined at the end of the run. */
  private async current(): Promise<Phase | undefined> {
    if (!this.started) throw new Error('the live run has not started: call start() first');
    while (!this.phase || this.finished(this.phase)) {
      if (this.next_ >= this.stages.length) return undefined;
      this.phase = await this.open(this.stages[this.next_++]);
    }
    return this.phase;
  }

  private finished(p: Phase): boolean {
    return p.kind === 'thinking' ? p.c.stop !== undefined : p.search.done;
  }

  private atEnd(): boolean {
    return this.next_ >= this.stages.length && (!this.phase || this.finished(this.phase));
  }

  private async open(stage: Stage): Promise<Phase> {
    const { input } = this;
    const t0 = performance.now();
    try {
      if (stage.kind === 'thinking') {
        const context = input.tokenizer.encode(this.contexts.thinking!.prompt);
        const run0 = this.engine.runMs;
        const start = await this.engine.prefill(context);
        if (stage.sample === 0) this.timings.prefillMs = this.engine.runMs - run0;
        const c: Cursor = { sample: stage.sample, context, ids: [], records: [], state: SampleState.of(this.sampling, input.decoding.seed, stage.sample), cache: start.cache, logits: start.logits, text: '', lineStart: 0, line: 1 };
        return { kind: 'thinking', c };
      }
      const sample = stage.sample === undefined ? undefined : this.samples[stage.sample];
      const text = codeStageText(this.contexts[stage.branch]!, sample);
      const search = await BeamSearch.start(this.engine, beamRequest(input, input.tokenizer.encode(text)));
      return { kind: 'code', branch: stage.branch, sample: stage.sample, search };
    } finally {
      // A thinking sample's prefill is counted in prefillMs.
      if (stage.kind === 'code') this.timings.beamMs += performance.now() - t0;
    }
  }

  next(): Promise<LiveStep | undefined> {
    return this.serial(() => this.advance(true));
  }

  /** One step; `full` computes its distribution now, else it is kept for `complete`. */
  private async advance(full: boolean): Promise<LiveStep | undefined> {
    if (this.cancelled) throw new CancelledError();
    const p = await this.current();
    if (!p) return undefined;
    const t0 = performance.now();
    const step = p.kind === 'thinking' ? await this.thinkingStep(p.c, full) : await this.codeStep(p, full);
    this.timings[p.kind === 'thinking' ? 'thinkingMs' : 'beamMs'] += performance.now() - t0;
    step.done = this.atEnd();
    return step;
  }

  private complete(step: LiveStep): LiveStep {
    if (this.pendingDistribution) step.distribution = this.pendingDistribution();
    this.pendingDistribution = undefined;
    return step;
  }

  private async thinkingStep(c: Cursor, full: boolean): Promise<LiveStep> {
    const row = c.logits;
    const penalised = c.state.penalised(row);
    const id = chooseToken(penalised, this.sampling, c.state.random);
    c.state.count(id);
    const step = this.take(c, id, row, false);
    const describe = (): LiveDistribution => thinkingDistribution(row, penalised, this.sampling, this.input.tokenizer, this.top);
    if (full) step.distribution = describe();
    else this.pendingDistribution = describe;
    // The stop token and a sample's last token are never fed (as runInference): the code stage starts from the text.
    if (!c.stop) ({ logits: c.logits, cache: c.cache } = await this.engine.decoder.forward([[id]], c.cache));
    return step;
  }

  /** Record token `id` (chosen from `row`) in the sample: its record, text, lines and events; end the sample at a stop token or the token limit. */
  private take(c: Cursor, id: number, row: Float32Array, forced: boolean): LiveStep {
    const { tokenizer, decoding, eos } = this.input;
    const record = tokenRecord(tokenizer, row, id, decoding.alternatives);
    const events: LiveEvent[] = [];
    const step: LiveStep = { stage: 'thinking', branch: 'thinking', sample: c.sample, index: c.ids.length, token: { id, text: record.text, logprob: record.logprob }, forced, distribution: EMPTY, events, line: c.line, endLine: c.line, done: false };
    const stopAt = thinkEndId(tokenizer);
    if (id === stopAt || eos.includes(id)) {
      c.stop = id === stopAt ? 'think-end' : 'eos';
      if (id === stopAt) events.push('thinking-end');
    } else {
      c.records.push(record);
      c.ids.push(id);
      c.text += record.text;
      for (let eol = c.text.indexOf('\n', c.lineStart); eol >= 0; eol = c.text.indexOf('\n', c.lineStart)) {
        const heading = splitLayers(c.text, c.lineStart, eol, this.layers).blocks.find((b) => b.layer);
        if (heading?.layer && !events.includes('layer')) {
          events.push('layer');
          step.layer = heading.layer.name;
        }
        c.lineStart = eol + 1;
        c.line++;
      }
      step.endLine = c.line;
      if (c.ids.length >= decoding.maxThinkingTokens) c.stop = 'max-tokens';
    }
    if (!forced && Math.exp(record.logprob) < this.lowConfidence) events.push('low-confidence');
    if (c.stop) {
      step.stop = c.stop;
      this.endSample(c);
    }
    return step;
  }

  private endSample(c: Cursor): void {
    const length = c.context.length + c.ids.length;
    // Keep the sample's cache for its code stage, as generateThinking does.
    if (c.cache.length === length) this.engine.remember([...c.context, ...c.ids], c.cache, new Float32Array(0));
    const sample = thinkingSample(this.input, c.sample, { tokens: c.records, stop: c.stop! });
    this.samples[c.sample] = sample;
    this.openings[c.sample] = c.records.length - sample.tokens.length;
    this.timings.thinkingTokens += c.records.length;
  }

  private async codeStep(p: Extract<Phase, { kind: 'code' }>, full: boolean): Promise<LiveStep> {
    const { search } = p;
    const { codes, tokenizer, decoding } = this.input;
    const parents = search.beams;
    const rows = parents.map((_, r) => search.row(r));
    const level = search.level;
    const kept = await search.step();
    if (search.done) {
      this.searches.push({ branch: p.branch, sample: p.sample, beams: search.result() });
      this.timings.beamSteps += searchSize(decoding).width * codes.levels;
    }
    const best = kept[0];
    const token = best ? { id: best.token, text: tokenizer.text(best.token), logprob: best.step } : { id: -1, text: '', logprob: -Infinity };
    const events: LiveEvent[] = ['code'];
    if (Math.exp(token.logprob) < this.lowConfidence) events.push('low-confidence');
    const step: LiveStep = { stage: 'code', branch: p.branch, sample: p.sample, index: level, token, forced: false, distribution: EMPTY, events, beams: this.liveBeams(search), done: false };
    const describe = (): LiveDistribution =>
      best ? codeDistribution(rows[best.parent], decoding.constrained ? codes.allowed(parents[best.parent].levels).tokens : undefined, tokenizer, this.top) : EMPTY;
    if (full) step.distribution = describe();
    else this.pendingDistribution = describe;
    return step;
  }

  private liveBeams(search: BeamSearch): LiveBeam[] {
    const { codes, tokenizer } = this.input;
    return search.beams.map((b) => ({
      tokens: b.tokens,
      text: b.tokens.length > 0 ? tokenizer.decode(b.tokens) : '',
      levels: b.levels,
      logprob: b.logprob,
      valid: b.valid,
      continuations: b.valid && b.levels.length < codes.levels ? codes.allowed(b.levels).tokens.length : 0,
    }));
  }

  peek(): Promise<LivePeek | undefined> {
    return this.serial(async () => {
      const p = await this.current();
      if (!p) return undefined;
      const { tokenizer, codes, decoding } = this.input;
      if (p.kind === 'thinking') {
        const { c } = p;
        const penalised = c.state.penalised(c.logits);
        const id = chooseToken(penalised, this.sampling, c.state.random.fork());
        const wouldChoose = { id, text: tokenizer.text(id), logprob: c.logits[id] - logSumExp(c.logits) };
        return { stage: 'thinking', branch: 'thinking', sample: c.sample, index: c.ids.length, distribution: thinkingDistribution(c.logits, penalised, this.sampling, tokenizer, this.top), wouldChoose };
      }
      const { search } = p;
      const first = search.beams[0];
      const distribution = first ? codeDistribution(search.row(0), decoding.constrained ? codes.allowed(first.levels).tokens : undefined, tokenizer, this.top) : EMPTY;
      return { stage: 'code', branch: p.branch, sample: p.sample, index: search.level, distribution, beams: this.liveBeams(search) };
    });
  }

  force(token: number | string): Promise<LiveStep[]> {
    return this.serial(() => this.intervene(typeof token === 'number' ? 'token' : 'text', typeof token === 'number' ? [token] : this.encode(token)));
  }

  /**
   * The rest of the current step — what the model would write from here to
   * the next step boundary (a blank line, a layer heading's line,
   * `</think>`) — is dropped and `text` written instead, closed by a blank
   * line so that the model goes on with the next step (or ends its
   * thinking). The intervention records the token the model would have
   * written here.
   */
  replaceRest(text: string): Promise<LiveStep[]> {
    return this.serial(() => this.intervene('text', this.encode(closeStep(text))));
  }

  private encode(text: string): number[] {
    const ids = this.input.tokenizer.encode(text);
    if (ids.length === 0) throw new Error('nothing to force: the text is empty');
    return ids;
  }

  /** Feed `ids` in place of what the model would write next, recording what it would have chosen. */
  private async intervene(kind: Intervention['kind'], ids: number[]): Promise<LiveStep[]> {
    const p = await this.current();
    if (!p) throw new Error('the live run has ended: nothing to force');
    if (p.kind !== 'thinking') throw new Error('forcing applies to the thinking stage; the code stage is a beam search over the code trie');
    const { c } = p;
    const { tokenizer, eos } = this.input;
    const V = this.engine.decoder.vocabSize;
    const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= V);
    if (bad !== undefined) throw new Error(`token id ${bad} is not in the vocabulary (0 to ${V - 1})`);
    // The model's own choice here, drawn from the sample's generator: the draws after it stay where they were.
    const original = chooseToken(c.state.penalised(c.logits), this.sampling, c.state.random);
    const stopAt = thinkEndId(tokenizer);
    const end = ids.findIndex((id) => id === stopAt || eos.includes(id));
    const before = end < 0 ? ids : ids.slice(0, end);
    const fed = before.slice(0, this.input.decoding.maxThinkingTokens - c.ids.length);
    const taken = end >= 0 && fed.length === before.length ? [...fed, ids[end]] : fed;
    this.interventions.push({
      sample: c.sample,
      index: 0,
      generated: c.ids.length,
      kind,
      original: { id: original, text: tokenizer.text(original), logprob: c.logits[original] - logSumExp(c.logits) },
      forced: { ids: fed, text: fed.length > 0 ? tokenizer.decode(fed) : '' },
    });
    // One forward pass over every fed token, appended to the sample's cache: the logits at each position give the next token's record.
    const rowOf: Float32Array[] = [c.logits];
    if (fed.length > 0) {
      const out = await this.engine.decoder.forward([fed], c.cache, true);
      for (let i = 0; i < fed.length; i++) rowOf.push(out.logits.subarray(i * V, (i + 1) * V));
      c.cache = out.cache;
      c.logits = rowOf[fed.length];
    }
    const steps: LiveStep[] = [];
    taken.forEach((id, i) => {
      const penalised = c.state.penalised(rowOf[i]);
      c.state.count(id);
      const step = this.take(c, id, rowOf[i], true);
      step.distribution = thinkingDistribution(rowOf[i], penalised, this.sampling, tokenizer, this.top);
      steps.push(step);
    });
    if (steps.length > 0) steps[steps.length - 1].done = this.atEnd();
    return steps;
  }

  run(until: StopCondition): Promise<LiveStep | undefined> {
    this.pauseAsked = false;
    return this.serial(async () => {
      const predicate = typeof until === 'function' ? until : undefined;
      let last: LiveStep | undefined;
      for (let taken = 1; ; taken++) {
        // A predicate may read the distribution: compute it at every step; a plain condition needs it only where it stops.
        const step = await this.advance(predicate !== undefined);
        if (!step) break;
        last = step;
        if (step.done || (predicate ? predicate(step) : matches(step, until as StopWhen, taken)) || this.pauseAsked) break;
      }
      this.pauseAsked = false;
      return last && this.complete(last);
    });
  }

  pause(): void {
    this.pauseAsked = true;
  }

  finish(): Promise<LiveRecord> {
    return this.serial(async () => {
      while (await this.advance(false));
      this.pendingDistribution = undefined;
      const t = this.timings;
      t.totalMs = t.prefillMs + t.thinkingMs + t.beamMs;
      t.runMs = this.engine.runMs - this.run0;
      const record: LiveRecord = inferenceRecord(this.input, { contexts: this.contexts, samples: this.samples, searches: this.searches, promptTokens: this.promptTokens, timings: t });
      if (this.interventions.length > 0) {
        record.interventions = this.interventions.map(({ generated, ...i }) => {
          // The record's tokens start after the opening the model wrote (splitOpening).
          return { ...i, index: Math.max(0, generated - (this.openings[i.sample] ?? 0)) };
        });
      }
      return record;
    });
  }

  cancel(): Promise<void> {
    this.cancelled = true;
    this.pauseAsked = true;
    this.phase = undefined;
    this.started = false;
    return Promise.resolve();
  }
}
