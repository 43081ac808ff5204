/**
 * One single-user inference, decoded as OneReason's benchmark decodes: per
 * branch, either thinking — sample N thinking traces from the prompt
 * (vLLM's penalties, temperature, top-k, top-p; stop at `</think>`), then
 * for each a beam search over the code tokens after `prompt + thinking +
 * </think>\n + begin token` — or non-thinking — a beam search after the
 * prompt (with its empty think block) and the begin token. Race mode runs
 * both. Each stage is fed the tokenizer's encoding of its whole text, as
 * vLLM is fed the benchmark's prompt strings; the record keeps those texts
 * (`contexts`) and everything else needed to debug the run.
 */
import type { Branch, BranchContext, DecodeSettings, InferenceRecord, ProgressEvent, PromptSettings, ThinkingSample, Timings, TokenRecord } from '../../protocol/inference';
import { codeKey, formatCode, type CompiledGrammar } from '../items/grammar';
import type { UserRecord } from '../users/types';
import { listCandidates, type Search } from './candidates';
import type { CodeVocabulary } from './codes';
import type { BeamRequest, Engine, GeneratedThinking, ThinkingRequest } from './engine';
import { branchContext, promptHistory, type ChatTemplate } from './prompt';
import type { TextTokenizer } from './tokenizer';

export interface InferenceInput {
  user: UserRecord;
  engine: Engine;
  tokenizer: TextTokenizer;
  /** The code vocabulary of the run's domain (its begin token and item pool). */
  codes: CodeVocabulary;
  grammar: CompiledGrammar;
  decoding: DecodeSettings;
  prompt: PromptSettings;
  /** The model's chat template, when its folder has one. */
  chatTemplate?: ChatTemplate;
  /** End-of-generation ids (config / generation config). */
  eos: readonly number[];
  model: string;
  checkpoint?: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /** Clock for the `created` field (tests pin it). */
  now?: () => Date;
}

const PROGRESS_MS = 100;

/** Beam width and candidates returned per search: race mode in benchmark order runs two searches of half the candidates each, as OneReason does. */
export function searchSize(decoding: DecodeSettings): { width: number; numReturn: number } {
  if (decoding.mode === 'race' && decoding.candidateOrder === 'benchmark') {
    const half = Math.max(1, Math.floor(decoding.numReturn / 2));
    return { width: half, numReturn: half };
  }
  return { width: decoding.beams, numReturn: decoding.numReturn };
}

/** The branches a mode runs, in run order. */
export function runBranches(decoding: DecodeSettings): Branch[] {
  return decoding.mode === 'race' ? ['thinking', 'non-thinking'] : [decoding.mode];
}

/** The exact text of each branch's stages (see `BranchContext`). */
export function stageContexts(input: InferenceInput): Partial<Record<Branch, BranchContext>> {
  const { user, codes } = input;
  return Object.fromEntries(runBranches(input.decoding).map((b) => [b, branchContext(user, b, input.prompt, input.grammar, codes.begin, input.chatTemplate)]));
}

/** The id of `</think>`, which ends the thinking; throws when the tokenizer has none. */
export function thinkEndId(tokenizer: TextTokenizer): number {
  const id = tokenizer.tokenId('</think>');
  if (id === undefined) throw new Error('the tokenizer has no "</think>" token, so this model cannot think; use mode non-thinking');
  return id;
}

/** The thinking-stage request of a run after the prompt `context` (all but the progress callback). */
export function thinkingRequest(input: InferenceInput, context: number[]): Omit<ThinkingRequest, 'onStep'> {
  const { decoding } = input;
  return {
    context,
    samples: decoding.thinkingSamples,
    temperature: decoding.temperature,
    topP: decoding.topP,
    topK: decoding.topK,
    presencePenalty: decoding.presencePenalty,
    frequencyPenalty: decoding.frequencyPenalty,
    seed: decoding.seed,
    maxTokens: decoding.maxThinkingTokens,
    stopAt: thinkEndId(input.tokenizer),
    eos: input.eos,
    alternatives: decoding.alternatives,
    signal: input.signal,
  };
}

/** A generated thinking sample as the record keeps it: the opening the model wrote split off, the text decoded. */
export function thinkingSample(input: InferenceInput, index: number, generated: GeneratedThinking): ThinkingSample {
  const openTag = input.prompt.thinkOpen.trim() || '<think>';
  const { opening, tokens } = splitOpening(generated.tokens, openTag);
  return { index, opening, text: input.tokenizer.decode(tokens.map((t) => t.id)), tokens, stop: generated.stop };
}

/** The text the code stage of `branch` is fed: after the prompt (and thinking sample `sample`), the close and begin token. */
export function codeStageText(ctx: BranchContext, sample?: ThinkingSample): string {
  return sample ? ctx.prompt + sample.opening + sample.text + ctx.code : ctx.prompt + ctx.code;
}

/** The code-stage request after `context` (token ids of `codeStageText`). */
export function beamRequest(input: InferenceInput, context: number[]): BeamRequest {
  const size = searchSize(input.decoding);
  return { context, codes: input.codes, width: size.width, numReturn: size.numReturn, constrained: input.decoding.constrained, signal: input.signal };
}

/** What a run produced, for `inferenceRecord`. */
export interface RunParts {
  contexts: Partial<Record<Branch, BranchContext>>;
  samples: ThinkingSample[];
  /** In run order: thinking samples' searches in sample order, then the non-thinking one. */
  searches: Search[];
  promptTokens: number;
  timings: Timings;
}

/** The record of a run: its candidates listed as the settings ask, and everything needed to reproduce it. */
export function inferenceRecord(input: InferenceInput, parts: RunParts): InferenceRecord {
  const { engine, tokenizer, codes, decoding, user } = input;
  const { searches, samples } = parts;
  const key = (levels: readonly number[], domain: string | undefined): string => codeKey(levels, domain);
  const candidates = listCandidates(searches, {
    codes,
    tokenizer,
    decoding,
    half: decoding.mode === 'race' ? searchSize(decoding).numReturn : undefined,
    targets: new Set(user.targets.map((t) => key(t.levels, t.domain))),
    seen: new Set(user.history.map((h) => key(h.levels, h.domain))),
  });
  const describe = (levels: number[], domain: string | undefined, id?: string) => ({ item: formatCode(input.grammar, levels, { domain }), id });
  return {
    user: user.id,
    model: input.model,
    checkpoint: input.checkpoint,
    executionProvider: engine.provider,
    providerNote: engine.providerNote,
    mode: decoding.mode,
    promptSource: input.chatTemplate ? 'chat-template' : 'prompt-template',
    contexts: parts.contexts,
    domain: { name: codes.choice.name, begin: codes.choice.begin, source: codes.choice.source },
    promptTokens: parts.promptTokens,
    settings: decoding,
    thinking: samples.map((s) => s.text),
    samples,
    candidates,
    invalidBeams: searches.reduce((n, s) => n + s.beams.filter((b) => !b.valid).length, 0),
    history: promptHistory(user, input.prompt).map((h) => describe(h.levels, h.domain, h.id)),
    targets: user.targets.map((t) => describe(t.levels, t.domain, t.id)),
    timings: parts.timings,
    created: (input.now?.() ?? new Date()).toISOString(),
  };
}

/** Empty timings, the model's load time filled in. */
export function startTimings(engine: Engine): Timings {
  return { loadMs: engine.loadMs, prefillMs: 0, thinkingMs: 0, thinkingTokens: 0, beamMs: 0, beamSteps: 0, totalMs: 0, runMs: 0 };
}

export async function runInference(input: InferenceInput): Promise<InferenceRecord> {
  const { engine, tokenizer, codes, decoding } = input;
  const t0 = performance.now();
  const run0 = engine.runMs;
  const emit = input.onProgress ?? (() => {});
  const contexts = stageContexts(input);
  const timings = startTimings(engine);
  const samples: ThinkingSample[] = [];
  const searches: Search[] = [];
  const size = searchSize(decoding);
  let promptTokens = 0;
  const beamSearch = async (text: string, branch: Branch, sample?: number): Promise<void> => {
    const tb = performance.now();
    const found = await engine.beamSearchCodes({
      ...beamRequest(input, tokenizer.encode(text)),
      onLevel: (level) => emit({ kind: 'beams', branch, sample, level, levels: codes.levels }),
    });
    timings.beamMs += performance.now() - tb;
    timings.beamSteps += size.width * codes.levels;
    searches.push({ branch, sample, beams: found });
  };

  for (const branch of runBranches(decoding)) {
    const ctx = contexts[branch]!;
    if (branch === 'non-thinking') {
      promptTokens ||= tokenizer.encode(codeStageText(ctx)).length;
      emit({ kind: 'prefill', promptTokens });
      await beamSearch(codeStageText(ctx), branch);
      continue;
    }
    const context = tokenizer.encode(ctx.prompt);
    promptTokens = context.length;
    emit({ kind: 'prefill', promptTokens });
    const request = thinkingRequest(input, context);
    const tp = performance.now();
    const runBefore = engine.runMs;
    let first = true;
    let last = 0;
    const tt = performance.now();
    const generated = await engine.generateThinking({
      ...request,
      onStep: (ids, done) => {
        if (first) {
          // The first step's logits come from the prefill.
          timings.prefillMs = engine.runMs - runBefore;
          first = false;
        }
        const now = performance.now();
        if (now - last < PROGRESS_MS && done.includes(false)) return;
        last = now;
        const tokens = ids.reduce((a, x) => a + x.length, 0);
        ids.forEach((x, sample) =>
          emit({ kind: 'thinking', sample, samples: ids.length, text: tokenizer.decode(x), tokens: x.length, tokensPerSecond: tokens / ((now - tt) / 1000) }),
        );
      },
    });
    timings.thinkingMs = performance.now() - tp - timings.prefillMs;
    generated.forEach((g, index) => {
      samples.push(thinkingSample(input, index, g));
      timings.thinkingTokens += g.tokens.length;
    });
    for (const s of samples) await beamSearch(codeStageText(ctx, s), branch, s.index);
  }

  timings.totalMs = performance.now() - t0;
  timings.runMs = engine.runMs - run0;
  emit({ kind: 'done', totalMs: timings.totalMs });
  return inferenceRecord(input, { contexts, samples, searches, promptTokens, timings });
}

/**
 * The thinking opening a model wrote itself (when the prompt ends at
 * `assistant\n`, Qwen3 writes `<think>` and a line break before reasoning):
 * the leading `openTag` token and the blank tokens after it, as text, and
 * the tokens of the reasoning that follows.
 */
export function splitOpening(tokens: TokenRecord[], openTag: string): { opening: string; tokens: TokenRecord[] } {
  if (tokens[0]?.text !== openTag) return { opening: '', tokens };
  let n = 1;
  while (n < tokens.length && /^\s+$/.test(tokens[n].text)) n++;
  return { opening: tokens.slice(0, n).map((t) => t.text).join(''), tokens: tokens.slice(n) };
}
