/**
 * The inference engine on the committed demo checkpoints: KV-cache decoding
 * equals recomputation, beam search equals exhaustive enumeration when the
 * width covers every valid prefix, seeded runs repeat exactly, constrained
 * and unconstrained decoding, race mode in OneReason's order, vLLM's
 * penalties, the exact stage texts, seen candidates, domains,
 * cancellation, model-folder errors; plus the pure sampling, prompt
 * (chat template included), domain and candidate-order pieces.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CodeVocabulary } from '../../server/engine/codes';
import { CancelledError } from '../../server/engine/engine';
import { runInference, type InferenceInput } from '../../server/engine/infer';
import { ModelError, readModelFolder } from '../../server/engine/model-folder';
import { branchContext, chatMessages, fillTemplate, type ChatTemplate } from '../../server/engine/prompt';
import { applyPenalties, chooseToken, logSumExp, seededRandom, topIndexes } from '../../server/engine/sampling';
import { OnnxDecoder } from '../../server/engine/session';
import { chooseDomain } from '../../server/engine/domain';
import { defaultPrompt, type DecodeSettings } from '../../protocol/inference';
import { passAtK } from '../../server/eval/metrics';
import { codeKey, formatCode, resolveGrammar } from '../../server/items/grammar';
import type { ItemRecord } from '../../server/items/lookup';
import { createMemoryLookup } from '../../server/items/memory-lookup';
import type { UserRecord } from '../../server/users/types';
import { demoInput, demoModels, demoWorld, grammar, loadDemoModel, worldItemsPath, type DemoModel } from '../support/demo-engine';

const { items: allItems, lookup: world, users } = demoWorld();
const itemsPath = worldItemsPath;
const models = demoModels;
const user = (id: string): UserRecord => users.find((u) => u.id === id)!;
const load = (name: string): Promise<DemoModel> => loadDemoModel(name);

describe('sampling', () => {
  test('the seeded generator repeats its sequence and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = Array.from({ length: 5 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  test('topIndexes agrees with a full sort, ties broken by index', () => {
    const random = seededRandom(1);
    const values = Float32Array.from({ length: 500 }, () => Math.round(random() * 50));
    const sorted = [...values.keys()].sort((i, j) => values[j] - values[i] || i - j);
    for (const k of [1, 5, 37, 500]) assert.deepEqual(topIndexes(values, k), sorted.slice(0, k));
    assert.deepEqual(topIndexes(values, 0), []);
  });

  test('logSumExp is stable for large logits', () => {
    assert.ok(Math.abs(logSumExp(Float32Array.from([1000, 1000])) - (1000 + Math.log(2))) < 1e-9);
    assert.ok(Math.abs(logSumExp(Float32Array.from([0, Math.log(3)])) - Math.log(4)) < 1e-6);
  });

  test('greedy picks the arg-max; top-k and top-p keep sampling inside the head', () => {
    const logits = Float32Array.from([0, 3, 2.9, 1, -5]);
    const random = seededRandom(3);
    assert.equal(chooseToken(logits, { temperature: 0, topK: 0, topP: 1 }, random), 1);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(chooseToken(logits, { temperature: 1, topK: 2, topP: 1 }, random));
    assert.deepEqual([...seen].sort(), [1, 2]);
    // p(1) ≈ 0.47, p(2) ≈ 0.43: a 0.4 nucleus keeps only token 1.
    for (let i = 0; i < 50; i++) assert.equal(chooseToken(logits, { temperature: 1, topK: 0, topP: 0.4 }, random), 1);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[chooseToken(logits, { temperature: 1, topK: 0, topP: 1 }, random)]++;
    const p = (t: number) => Math.exp(logits[t] - logSumExp(logits));
    for (const t of [0, 1, 2, 3]) assert.ok(Math.abs(counts[t] / 4000 - p(t)) < 0.03, `token ${t}: ${counts[t] / 4000} vs ${p(t)}`);
  });

  test("presence and frequency penalties change the sampled distribution as vLLM defines them, before temperature", () => {
    const logits = Float32Array.from([2, 2, 1, 0]);
    // Token 0 generated three times, token 2 once: logits - presence·[n > 0] - frequency·n.
    const counts = new Map([
      [0, 3],
      [2, 1],
    ]);
    const penalties = { presencePenalty: 0.5, frequencyPenalty: 0.25 };
    const penalised = applyPenalties(logits, counts, penalties);
    assert.deepEqual([...penalised], [2 - 0.5 - 0.75, 2, 1 - 0.5 - 0.25, 0]);
    assert.deepEqual([...logits], [2, 2, 1, 0], 'the row itself is left as it was');
    assert.equal(applyPenalties(logits, counts, { presencePenalty: 0, frequencyPenalty: 0 }), logits);
    assert.equal(applyPenalties(logits, new Map(), penalties), logits);
    // Sampling at temperature 0.5 follows softmax(penalised / 0.5).
    const random = seededRandom(11);
    const n = 20000;
    const seen = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) seen[chooseToken(penalised, { temperature: 0.5, topK: 0, topP: 1 }, random)]++;
    const scaled = penalised.map((x) => x / 0.5);
    const expected = [...scaled].map((x) => Math.exp(x - logSumExp(scaled)));
    expected.forEach((q, t) => assert.ok(Math.abs(seen[t] / n - q) < 0.015, `token ${t}: ${seen[t] / n} vs ${q}`));
    // Greedy picks the arg-max after the penalties: token 1 now, token 0 without them.
    assert.equal(chooseToken(penalised, { temperature: 0, topK: 0, topP: 1 }, random), 1);
    assert.equal(chooseToken(applyPenalties(Float32Array.from([3, 2, 1, 0]), new Map([[0, 1]]), { presencePenalty: 2, frequencyPenalty: 0 }), { temperature: 0, topK: 0, topP: 1 }, random), 1);
  });
});

describe('prompt', () => {
  const sid = '<|sid_begin|>';
  const softSwitch: ChatTemplate = {
    file: 'soft-switch.jinja',
    source: fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'chat-templates', 'soft-switch.jinja'), 'utf8'),
    tokens: {},
  };

  test('the template gets the last historyLength codes, the mode switch and the user id', () => {
    const u = user('u0910');
    const text = fillTemplate(u, '/think', { ...defaultPrompt, template: '{user}: {history} {mode} {unknown}', historyLength: 3 }, grammar);
    const codes = u.history.slice(-3).map((h) => formatCode(grammar, h.levels)).join('');
    assert.equal(text, `u0910: ${codes} /think {unknown}`);
    const all = fillTemplate(u, '', { ...defaultPrompt, historyLength: 0 }, grammar);
    assert.equal(all.split(sid).length - 1, u.history.length);
  });

  test('without a chat template the engine appends the thinking opening or the empty think block, and the code stage the close and the begin token', () => {
    const u = user('u0910');
    const thinking = branchContext(u, 'thinking', defaultPrompt, grammar, sid);
    assert.match(thinking.prompt, /\/think<\|im_end\|>\n<\|im_start\|>assistant\n<think>\n$/);
    assert.equal(thinking.code, `</think>\n${sid}`);
    const plain = branchContext(u, 'non-thinking', defaultPrompt, grammar, sid);
    assert.match(plain.prompt, /\/no_think<\|im_end\|>\n<\|im_start\|>assistant\n<think>\n\n<\/think>\n\n$/);
    assert.equal(plain.code, sid);
  });

  test("the benchmark's soft-switch chat template: /think or /no_think after the last user turn, the empty think block only when thinking is off", () => {
    const u = user('u0910');
    const codes = u.history.slice(-20).map((h) => formatCode(grammar, h.levels)).join('');
    const head =
      "<|im_start|>system\nYou are a recommender. Read the user's history of itemic tokens and recommend the next item.<|im_end|>\n" +
      `<|im_start|>user\nThe user interacted with: ${codes}\nPredict the next item. `;
    // What OneReason's qwen3_soft_switch.jinja2 renders for these messages, character for character.
    const think = branchContext(u, 'thinking', defaultPrompt, grammar, sid, softSwitch);
    assert.equal(think.prompt, `${head}/think<|im_end|>\n<|im_start|>assistant\n`);
    assert.equal(think.code, `</think>\n${sid}`);
    const noThink = branchContext(u, 'non-thinking', defaultPrompt, grammar, sid, softSwitch);
    assert.equal(noThink.prompt, `${head}/no_think<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`);
    assert.equal(noThink.code, sid);
  });

  test("a chat template that does not read enable_thinking (the demo's) gives the prompt template's own text", () => {
    const u = user('u0910');
    const demo = readModelFolder(path.join(models, 'final')).chatTemplate;
    assert.ok(demo, 'the demo tokenizer_config.json has a chat_template');
    for (const branch of ['thinking', 'non-thinking'] as const) assert.deepEqual(branchContext(u, branch, defaultPrompt, grammar, sid, demo), branchContext(u, branch, defaultPrompt, grammar, sid));
    assert.deepEqual(chatMessages('no markup'), [{ role: 'user', content: 'no markup' }]);
  });

  test('a chat template that cannot be rendered names its file', () => {
    const broken: ChatTemplate = { file: '/m/tokenizer_config.json', source: '{% for m in messages %}{{ m.content', tokens: {} };
    assert.throws(() => branchContext(user('u0910'), 'thinking', defaultPrompt, grammar, sid, broken), (e: Error) => e instanceof ModelError && /\/m\/tokenizer_config\.json: the chat template cannot be rendered/.test(e.message));
  });
});

describe('domain', () => {
  const onereason = resolveGrammar('onereason', null).grammar;

  test('setting, then the targets, then the table, then the domain-less begin token', () => {
    assert.deepEqual(chooseDomain(onereason, 'prod', [{ domain: 'video' }], ['ad']), { name: 'prod', domain: 'prod', begin: '<|prod_begin|>', source: 'setting' });
    assert.deepEqual(chooseDomain(onereason, 'auto', [{}, { domain: 'video' }], ['ad']), { name: 'video', domain: 'video', begin: '<|video_begin|>', source: 'target' });
    assert.deepEqual(chooseDomain(onereason, 'auto', [], [undefined, 'ad']), { name: 'ad', domain: 'ad', begin: '<|ad_begin|>', source: 'table' });
    assert.deepEqual(chooseDomain(onereason, 'auto', [], []), { name: 'sid', domain: undefined, begin: '<|sid_begin|>', source: 'grammar' });
    assert.deepEqual(chooseDomain(onereason, 'sid', [{ domain: 'video' }], []), { name: 'sid', domain: undefined, begin: '<|sid_begin|>', source: 'setting' });
    assert.equal(chooseDomain(onereason, '<|living_begin|>', [], []).name, 'living');
    assert.deepEqual(chooseDomain(grammar, 'auto', [{ domain: 'music' }], []), { name: 'music', domain: 'music', begin: '<|sid_begin|>', source: 'target' });
  });

  test('a domain the spelling lacks, or a begin token the tokenizer lacks, is an error naming it and the fix', async () => {
    assert.throws(() => chooseDomain(grammar, 'video', [], []), /reclens\.inference\.domain is "video", but the openonerec itemic-token spelling has the domains sid; set it to one of them or to "auto"/);
    const m = readModelFolder(path.join(models, 'final'));
    const { loadTokenizer } = await import('../../server/engine/tokenizer');
    const tokenizer = loadTokenizer(m);
    assert.throws(
      () => new CodeVocabulary(onereason, tokenizer, world, chooseDomain(onereason, 'auto', [{ domain: 'video' }], [])),
      (e: Error) =>
        e instanceof ModelError &&
        e.message.includes(`the model's tokenizer has no "<|video_begin|>" token, the begin token of domain "video" (from the domain of the user's targets)`) &&
        e.message.includes('set reclens.inference.domain (or pass --domain) to "sid"'),
    );
  });
});

describe('model folder', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-model-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const copy = (name: string): string => {
    const to = path.join(dir, name);
    fs.cpSync(path.join(models, 'final'), to, { recursive: true });
    return to;
  };

  test('reads the demo checkpoint: layers, heads, vocabulary, end tokens', () => {
    const f = readModelFolder(path.join(models, 'final'));
    assert.equal(f.onnx, path.join(models, 'final', 'model.onnx'));
    assert.deepEqual([f.config.numLayers, f.config.numKvHeads, f.config.headDim, f.config.vocabSize], [3, 2, 32, 4394]);
    assert.ok(f.config.eos.length > 0);
    assert.equal(f.checkpoint, 'final');
  });

  test('finds onnx/model.onnx as transformers.js lays it out', () => {
    const m = copy('nested');
    fs.mkdirSync(path.join(m, 'onnx'));
    fs.renameSync(path.join(m, 'model.onnx'), path.join(m, 'onnx', 'model.onnx'));
    assert.equal(readModelFolder(m).onnx, path.join(m, 'onnx', 'model.onnx'));
  });

  test('every missing or broken file is an error naming it and what to do', async () => {
    assert.throws(() => readModelFolder(path.join(dir, 'nope')), (e: Error) => e instanceof ModelError && e.message.includes('nope') && /reclens\.model\.path/.test(e.message));
    const noOnnx = copy('no-onnx');
    fs.rmSync(path.join(noOnnx, 'model.onnx'));
    assert.throws(() => readModelFolder(noOnnx), /no model\.onnx.*Optimum/);
    assert.throws(() => readModelFolder(path.join(noOnnx, 'config.json')), /is a file/);
    const noTok = copy('no-tokenizer');
    fs.rmSync(path.join(noTok, 'tokenizer.json'));
    assert.throws(() => readModelFolder(noTok), (e: Error) => e.message.includes(path.join(noTok, 'tokenizer.json')) && e.message.includes('missing'));
    const badJson = copy('bad-config');
    fs.writeFileSync(path.join(badJson, 'config.json'), '{"num_hidden_layers": 3,');
    assert.throws(() => readModelFolder(badJson), (e: Error) => e.message.includes(path.join(badJson, 'config.json')) && /not valid JSON/.test(e.message));
    const noLayers = copy('no-layers');
    const config = JSON.parse(fs.readFileSync(path.join(noLayers, 'config.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(noLayers, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 'three' }));
    assert.throws(() => readModelFolder(noLayers), /"num_hidden_layers" must be a positive whole number/);
    // config.json promises a fourth layer the ONNX graph does not have: the session names the missing tensor.
    const mismatch = copy('mismatch');
    fs.writeFileSync(path.join(mismatch, 'config.json'), JSON.stringify({ ...config, num_hidden_layers: 4 }));
    await assert.rejects(OnnxDecoder.load(readModelFolder(mismatch), 'cpu'), /no input tensor "past_key_values\.3\.key".*4 layers/);
  });

  test('auto falls back to CPU and says why; the record names the provider that ran', async () => {
    const decoder = await OnnxDecoder.load(readModelFolder(path.join(models, 'final')), 'auto');
    // This machine has the CPU binaries only (the CUDA provider is opt-in at install time).
    if (decoder.provider === 'cpu') assert.match(decoder.providerNote ?? '', /CUDA execution provider unavailable.*running on CPU.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
    await decoder.release();
  });
});

describe('engine on the demo model', () => {
  let final: DemoModel;
  let early: DemoModel;
  before(async () => {
    final = await load('final');
    early = await load('early');
  });
  after(async () => {
    await final.engine.dispose();
    await early.engine.dispose();
  });

  const input = (m: DemoModel, u: UserRecord, decoding: Partial<DecodeSettings>, lookup = world): InferenceInput => ({
    ...demoInput(m, lookup, u, decoding),
    now: () => new Date('2026-01-01T00:00:00Z'),
  });

  test('KV-cache decoding gives the logits of full recomputation (1e-4)', async () => {
    const ids = final.tokenizer.encode(branchContext(user('u0910'), 'thinking', defaultPrompt, grammar, '<|sid_begin|>').prompt + 'Perception:\n- ');
    const decoder = final.engine.decoder;
    const V = decoder.vocabSize;
    const full = await decoder.forward([ids], decoder.emptyCache(1), true);
    let { cache } = await decoder.forward([ids.slice(0, 10)], decoder.emptyCache(1));
    let worst = 0;
    for (let t = 10; t < ids.length; t++) {
      const step = await decoder.forward([[ids[t]]], cache);
      cache = step.cache;
      for (let j = 0; j < V; j++) worst = Math.max(worst, Math.abs(step.logits[j] - full.logits[t * V + j]));
    }
    assert.ok(worst < 1e-4, `max |Δ| = ${worst}`);
    // Selecting rows of a batched cache is exact too.
    const two = decoder.select(cache, [0, 0]);
    const next = await decoder.forward([[ids[3]], [ids[3]]], two);
    const one = await decoder.forward([[ids[3]]], cache);
    for (let j = 0; j < V; j++) assert.ok(Math.abs(next.logits[V + j] - one.logits[j]) < 1e-5);
  });

  test('beam search with a width covering every valid prefix equals exhaustive teacher-forced scoring', async () => {
    // Three subtopics (≈ 100 items): each level has at most 128 valid prefixes.
    const wanted = new Set(['Baking/Bread', 'Baking/Cookies', 'Cooking/Soups']);
    const some = allItems.filter((i) => wanted.has(itemCategories(i)));
    assert.ok(some.length > 50 && some.length <= 128, `${some.length} items`);
    const lookup = createMemoryLookup(some, [itemsPath]);
    const codes = new CodeVocabulary(grammar, final.tokenizer, lookup);
    const nonThinking = branchContext(user('u0910'), 'non-thinking', defaultPrompt, grammar, codes.begin);
    const context = final.tokenizer.encode(nonThinking.prompt + nonThinking.code);
    const beams = await final.engine.beamSearchCodes({ context, codes, width: 128, numReturn: 20, constrained: true });
    const distinct = [...new Map(some.map((i) => [i.levels.join('.'), i.levels])).values()];
    const scored = await final.engine.score(
      context,
      distinct.map((levels) => levels.map((v, k) => codes.tokenFor(k, v)!)),
    );
    const exhaustive = distinct.map((levels, i) => ({ key: levels.join('.'), logprob: scored[i].total })).sort((a, b) => b.logprob - a.logprob);
    assert.deepEqual(
      beams.map((b) => b.levels.join('.')),
      exhaustive.slice(0, 20).map((e) => e.key),
    );
    beams.forEach((b, i) => assert.ok(Math.abs(b.logprob - exhaustive[i].logprob) < 1e-4, `${b.logprob} vs ${exhaustive[i].logprob}`));
    assert.ok(beams.every((b) => b.valid && b.stepLogprobs.length === 3));
  });

  test('the same seed and settings give the same record; another seed samples another thinking', async () => {
    const settings = { mode: 'thinking' as const, temperature: 1, maxThinkingTokens: 60, beams: 8, numReturn: 5 };
    const strip = (r: Awaited<ReturnType<typeof runInference>>) => ({ ...r, timings: undefined });
    const a = await runInference(input(final, user('u0910'), { ...settings, seed: 5 }));
    const b = await runInference(input(final, user('u0910'), { ...settings, seed: 5 }));
    assert.deepEqual(strip(a), strip(b));
    const c = await runInference(input(final, user('u0910'), { ...settings, seed: 6 }));
    assert.notEqual(a.thinking[0], c.thinking[0]);
    // Every token carries its alternatives, the chosen one among them when it is in the top 5.
    for (const t of a.samples[0].tokens) {
      assert.ok(t.top.length === 5 && t.top[0].prob >= t.top[4].prob);
      assert.ok(t.logprob <= 0);
    }
  });

  test('thinking: the code stage follows each sample; candidates are valid, each search best first, marked against the targets', async () => {
    const u = user('u0910');
    const r = await runInference(input(final, u, { mode: 'thinking', temperature: 0, thinkingSamples: 2, beams: 16, numReturn: 10 }));
    assert.equal(r.samples.length, 2);
    assert.equal(r.samples[0].text, r.samples[1].text, 'greedy samples agree');
    assert.equal(r.samples[0].stop, 'think-end');
    assert.equal(r.samples[0].opening, '', 'the prompt opened the thinking');
    assert.match(r.thinking[0], /Perception:[\s\S]*Recommendation:/);
    assert.equal(r.promptSource, 'chat-template');
    assert.ok(r.contexts.thinking!.prompt.endsWith('/think<|im_end|>\n<|im_start|>assistant\n<think>\n'));
    // Benchmark order: sample 1's ten beams, then sample 2's, no de-duplication.
    assert.deepEqual(
      r.candidates.map((c) => `${c.sample}/${c.beam}`),
      [0, 1].flatMap((sample) => Array.from({ length: 10 }, (_, i) => `${sample}/${i + 1}`)),
    );
    for (let i = 1; i < r.candidates.length; i++) if (r.candidates[i].sample === r.candidates[i - 1].sample) assert.ok(r.candidates[i - 1].logprob >= r.candidates[i].logprob);
    const merged = await runInference(input(final, u, { mode: 'thinking', temperature: 0, thinkingSamples: 2, beams: 16, numReturn: 10, candidateOrder: 'score' }));
    assert.equal(new Set(merged.candidates.map((c) => c.code)).size, merged.candidates.length);
    for (let i = 1; i < merged.candidates.length; i++) assert.ok(merged.candidates[i - 1].logprob >= merged.candidates[i].logprob);
    const targets = new Set(u.targets.map((t) => t.levels.join('.')));
    for (const c of r.candidates) {
      assert.ok(c.valid && world.has(c.levels));
      assert.equal(c.code, formatCode(grammar, c.levels));
      assert.equal(c.hit, targets.has(c.levels.join('.')));
      assert.ok(Math.abs(c.stepLogprobs.reduce((x, y) => x + y, 0) - c.logprob) < 1e-9);
      assert.deepEqual(c.items, world.exact(c.levels).map((i) => i.id));
    }
    assert.equal(r.invalidBeams, 0);
    assert.ok(r.timings.thinkingTokens > 20 && r.timings.runMs > 0 && r.timings.totalMs >= r.timings.runMs);
  });

  test("race mode as OneReason runs it: half the candidates from the thinking branch, then half from the non-thinking one, each in beam order; pass@k up to the half sees thinking only", async () => {
    const u = user('u0910');
    const race = await runInference(input(final, u, { mode: 'race', temperature: 0, beams: 32, numReturn: 16, maxThinkingTokens: 256 }));
    assert.equal(race.candidates.length, 16);
    assert.deepEqual(
      race.candidates.map((c) => `${c.branch}/${c.beam}`),
      [...Array.from({ length: 8 }, (_, i) => `thinking/${i + 1}`), ...Array.from({ length: 8 }, (_, i) => `non-thinking/${i + 1}`)],
    );
    for (let i = 1; i < 16; i++) if (i !== 8) assert.ok(race.candidates[i - 1].logprob >= race.candidates[i].logprob, 'each half in beam order');
    assert.match(race.contexts['non-thinking']!.prompt, /\/no_think/);
    // pass@k over the raw candidates: for k ≤ 8 it is the thinking branch's pass@k, whatever the non-thinking branch found.
    const keys = race.candidates.map((c) => codeKey(c.levels));
    const thinkingOnly = keys.slice(0, 8);
    for (const target of [...u.targets.map((t) => codeKey(t.levels)), keys[8], keys[15]]) {
      const truth = new Set([target]);
      for (const k of [1, 4, 8]) assert.equal(passAtK(keys, truth, k), passAtK(thinkingOnly, truth, k), `pass@${k} of ${target}`);
    }
    assert.ok(passAtK(keys, new Set([keys[15]]), 16));
    // The old merged view, kept as candidateOrder "score": both branches' searches, one entry per code, best first.
    const merged = await runInference(input(final, u, { mode: 'race', temperature: 0, beams: 8, numReturn: 8, candidateOrder: 'score', maxThinkingTokens: 256 }));
    assert.deepEqual(new Set(merged.candidates.map((c) => c.branch)), new Set(['thinking', 'non-thinking']));
    assert.equal(new Set(merged.candidates.map((c) => c.code)).size, merged.candidates.length);
    const plain = await runInference(input(final, user('u0910'), { mode: 'non-thinking', beams: 8, numReturn: 8 }));
    assert.deepEqual(plain.thinking, []);
    assert.equal(plain.candidates.length, 8);
    assert.ok(plain.candidates.every((c) => c.branch === 'non-thinking' && c.sample === undefined));
  });

  test("the thinking stage applies vLLM's penalties over the sample's own tokens: each greedy choice is the arg-max of the penalised logits", async () => {
    const u = user('u0006');
    const penalties = { presencePenalty: 1.5, frequencyPenalty: 0.5 };
    const context = final.tokenizer.encode(branchContext(u, 'thinking', defaultPrompt, grammar, '<|sid_begin|>').prompt);
    const request = { context, samples: 1, temperature: 0, topP: 1, topK: 0, seed: 1, maxTokens: 80, stopAt: final.tokenizer.tokenId('</think>')!, eos: [], alternatives: 0 };
    const [plain] = await final.engine.generateThinking({ ...request, presencePenalty: 0, frequencyPenalty: 0 });
    const [penalised] = await final.engine.generateThinking({ ...request, ...penalties });
    const ids = penalised.tokens.map((t) => t.id);
    assert.notDeepEqual(ids, plain.tokens.map((t) => t.id), 'the penalties change what the model writes');
    // Teacher-force the penalised sample: the logits before each of its tokens, penalised by the counts of the tokens before it.
    const decoder = final.engine.decoder;
    const V = decoder.vocabSize;
    const { logits } = await decoder.forward([[...context, ...ids]], decoder.emptyCache(1), true);
    const counts = new Map<number, number>();
    ids.forEach((id, i) => {
      const row = logits.subarray((context.length - 1 + i) * V, (context.length + i) * V);
      assert.equal(topIndexes(applyPenalties(row, counts, penalties), 1)[0], id, `token ${i}`);
      // The recorded log-probability is the model's own, before the penalties.
      assert.ok(Math.abs(penalised.tokens[i].logprob - (row[id] - logSumExp(row))) < 1e-4);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    });
  });

  test('the record keeps the exact text of each stage: tokenising it re-scores every candidate', async () => {
    const r = await runInference(input(final, user('u0910'), { mode: 'race', temperature: 0.6, beams: 8, numReturn: 8, maxThinkingTokens: 120 }));
    const { thinking, 'non-thinking': plain } = r.contexts;
    assert.ok(thinking && plain);
    assert.ok(thinking.prompt.endsWith('assistant\n<think>\n') && thinking.code === '</think>\n<|sid_begin|>');
    assert.ok(plain.prompt.endsWith('assistant\n<think>\n\n</think>\n\n') && plain.code === '<|sid_begin|>');
    assert.deepEqual(r.domain, { name: 'sid', begin: '<|sid_begin|>', source: 'grammar' });
    const sample = r.samples[0];
    for (const [text, branch] of [
      [thinking.prompt + sample.opening + sample.text + thinking.code, 'thinking'],
      [plain.prompt + plain.code, 'non-thinking'],
    ] as const) {
      const ours = r.candidates.filter((c) => c.branch === branch);
      const codes = new CodeVocabulary(grammar, final.tokenizer, world);
      const scored = await final.engine.score(
        final.tokenizer.encode(text),
        ours.map((c) => c.levels.map((v, k) => codes.tokenFor(k, v)!)),
      );
      ours.forEach((c, i) => assert.ok(Math.abs(scored[i].total - c.logprob) < 1e-4, `${branch} beam ${c.beam}: ${scored[i].total} vs ${c.logprob}`));
    }
  });

  test('candidates already in the history are marked seen; filterSeen drops them', async () => {
    const u = user('u0006');
    const history = new Set(u.history.map((h) => codeKey(h.levels)));
    const all = await runInference(input(final, u, { mode: 'non-thinking', beams: 32, numReturn: 32 }));
    for (const c of all.candidates) assert.equal(c.seen, history.has(codeKey(c.levels)));
    assert.ok(all.candidates.some((c) => c.seen), 'the demo model recommends items the user has seen');
    const unseen = await runInference(input(final, u, { mode: 'non-thinking', beams: 32, numReturn: 32, filterSeen: true }));
    assert.deepEqual(
      unseen.candidates.map((c) => c.code),
      all.candidates.filter((c) => !c.seen).map((c) => c.code),
    );
  });

  test('unconstrained decoding reports beams that are not codes of the table', async () => {
    // Only Baking items count as valid: codes of other topics are invalid for this table.
    const baking = createMemoryLookup(
      allItems.filter((i) => itemCategories(i).startsWith('Baking/')),
      [itemsPath],
    );
    const r = await runInference(input(early, user('u0910'), { mode: 'non-thinking', beams: 32, numReturn: 32, constrained: false }, baking));
    const invalid = r.candidates.filter((c) => !c.valid);
    assert.ok(invalid.length > 0, 'the under-trained model writes codes outside the table');
    assert.equal(r.invalidBeams, invalid.length);
    for (const c of r.candidates) assert.equal(c.valid, c.levels.length === 3 && baking.has(c.levels));
  });

  test('an aborted signal stops generation with CancelledError', async () => {
    const controller = new AbortController();
    const run = runInference({
      ...input(final, user('u0910'), { mode: 'thinking', temperature: 1, maxThinkingTokens: 4000 }),
      signal: controller.signal,
      onProgress: (e) => {
        if (e.kind === 'thinking' && e.tokens >= 5) controller.abort();
      },
    });
    await assert.rejects(run, CancelledError);
  });
});

/** "Topic/Subtopic" of a world item (its categories, however the table reader joined them). */
function itemCategories(i: ItemRecord): string {
  return (i.categories ?? '').split(/\s*[/>,|]\s*/).join('/');
}
