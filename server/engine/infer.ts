/**
 * One single-user inference, as the reference pipelines decode: the prompt,
 * then per branch either N sampled thinking traces, each followed by
 * `</think>\n` + the begin token and a beam search over the code tokens
 * (thinking), or the empty think block + the begin token and a beam search
 * (non-thinking); race mode runs both and merges the candidates, each
 * labelled with its branch. Records everything needed to debug the run.
 */
import { codeKey, formatCode, type CompiledGrammar } from '../items/grammar';
import type { UserRecord } from '../users/types';
import type { CodeVocabulary } from './codes';
import type { Beam, Engine } from './engine';
import { buildPrompt, promptHistory } from './prompt';
import type { TextTokenizer } from './tokenizer';
import type { Branch, Candidate, DecodeSettings, InferenceRecord, ProgressEvent, PromptSettings, ThinkingSample } from './types';

export interface InferenceInput {
  user: UserRecord;
  engine: Engine;
  tokenizer: TextTokenizer;
  codes: CodeVocabulary;
  grammar: CompiledGrammar;
  decoding: DecodeSettings;
  prompt: PromptSettings;
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

export async function runInference(input: InferenceInput): Promise<InferenceRecord> {
  const { engine, tokenizer, codes, decoding, user } = input;
  const t0 = performance.now();
  const run0 = engine.runMs;
  const emit = input.onProgress ?? (() => {});
  const branches: Branch[] = decoding.mode === 'race' ? ['thinking', 'non-thinking'] : [decoding.mode];
  const prompts = Object.fromEntries(branches.map((b) => [b, buildPrompt(user, b, input.prompt, input.grammar)])) as Partial<Record<Branch, string>>;
  const targetKeys = new Set(user.targets.map((t) => codeKey(t.levels, t.domain)));
  const timings = { loadMs: engine.loadMs, prefillMs: 0, thinkingMs: 0, thinkingTokens: 0, beamMs: 0, beamSteps: 0, totalMs: 0, runMs: 0 };
  const samples: ThinkingSample[] = [];
  const beams: { beam: Beam; branch: Branch; sample?: number; rank: number }[] = [];
  let promptTokens = 0;
  const beamSearch = async (context: number[], branch: Branch, sample?: number): Promise<void> => {
    const tb = performance.now();
    const found = await engine.beamSearchCodes({
      context,
      codes,
      width: decoding.beams,
      numReturn: decoding.numReturn,
      constrained: decoding.constrained,
      signal: input.signal,
      onLevel: (level) => emit({ kind: 'beams', branch, sample, level, levels: codes.levels }),
    });
    timings.beamMs += performance.now() - tb;
    timings.beamSteps += decoding.beams * codes.levels;
    found.forEach((beam, i) => beams.push({ beam, branch, sample, rank: i + 1 }));
  };
  const codeOpen = (text: string): number[] => tokenizer.encode(text + codes.begin);

  for (const branch of branches) {
    const prompt = prompts[branch]!;
    if (branch === 'non-thinking') {
      const context = tokenizer.encode(prompt + input.prompt.emptyThink + codes.begin);
      promptTokens ||= context.length;
      emit({ kind: 'prefill', promptTokens: context.length });
      await beamSearch(context, branch);
      continue;
    }
    const context = tokenizer.encode(prompt + input.prompt.thinkOpen);
    promptTokens = context.length;
    emit({ kind: 'prefill', promptTokens });
    const thinkEnd = tokenizer.tokenId('</think>');
    if (thinkEnd === undefined) throw new Error('the tokenizer has no "</think>" token, so this model cannot think; use mode non-thinking');
    const tp = performance.now();
    const runBefore = engine.runMs;
    let first = true;
    let last = 0;
    const tt = performance.now();
    const generated = await engine.generateThinking({
      context,
      samples: decoding.thinkingSamples,
      temperature: decoding.temperature,
      topP: decoding.topP,
      topK: decoding.topK,
      seed: decoding.seed,
      maxTokens: decoding.maxThinkingTokens,
      stopAt: thinkEnd,
      eos: input.eos,
      alternatives: decoding.alternatives,
      signal: input.signal,
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
      samples.push({ index, text: tokenizer.decode(g.tokens.map((t) => t.id)), tokens: g.tokens, stop: g.stop });
      timings.thinkingTokens += g.tokens.length;
    });
    for (const s of samples) await beamSearch([...context, ...s.tokens.map((t) => t.id), ...codeOpen(input.prompt.thinkClose)], branch, s.index);
  }

  const candidates = mergeCandidates(beams, codes, tokenizer, targetKeys, decoding);
  timings.totalMs = performance.now() - t0;
  timings.runMs = engine.runMs - run0;
  emit({ kind: 'done', totalMs: timings.totalMs });
  const describe = (levels: number[], domain: string | undefined, id?: string) => ({ item: formatCode(input.grammar, levels, { domain }), id });
  return {
    user: user.id,
    model: input.model,
    checkpoint: input.checkpoint,
    executionProvider: engine.provider,
    providerNote: engine.providerNote,
    mode: decoding.mode,
    prompt: prompts[branches[0]]!,
    prompts,
    promptTokens,
    settings: decoding,
    thinking: samples.map((s) => s.text),
    samples,
    candidates,
    invalidBeams: beams.filter((b) => !b.beam.valid).length,
    history: promptHistory(user, input.prompt).map((h) => describe(h.levels, h.domain, h.id)),
    targets: user.targets.map((t) => describe(t.levels, t.domain, t.id)),
    timings,
    created: (input.now?.() ?? new Date()).toISOString(),
  };
}

/**
 * Best first; one entry per code (the best beam that reached it). With one
 * branch and one sample: the beam search's own top `numReturn`. Across
 * samples or branches: the union, ordered by log-probability, each
 * search contributing its top `numReturn`.
 */
function mergeCandidates(
  beams: { beam: Beam; branch: Branch; sample?: number; rank: number }[],
  codes: CodeVocabulary,
  tokenizer: TextTokenizer,
  targets: Set<string>,
  decoding: DecodeSettings,
): Candidate[] {
  const byCode = new Map<string, Candidate>();
  for (const { beam, branch, sample, rank } of beams) {
    const complete = beam.levels.length === codes.levels;
    const code = complete ? codes.format(beam.levels) : tokenizer.decode(beam.tokens);
    const previous = byCode.get(code);
    if (previous && previous.logprob >= beam.logprob) continue;
    byCode.set(code, {
      code,
      levels: beam.levels,
      logprob: beam.logprob,
      stepLogprobs: beam.stepLogprobs,
      valid: beam.valid,
      branch,
      sample,
      beam: rank,
      items: beam.valid ? codes.items(beam.levels) : [],
      hit: targets.size > 0 ? complete && targets.has(codeKey(beam.levels, codes.domain)) : undefined,
    });
  }
  const merged = [...byCode.values()].sort((a, b) => b.logprob - a.logprob || a.code.localeCompare(b.code));
  const searches = new Set(beams.map((b) => `${b.branch}/${b.sample ?? ''}`)).size;
  return searches > 1 ? merged : merged.slice(0, decoding.numReturn);
}
