/**
 * "Oracle" traces of the demo world: what a model that knew each user's
 * latent interests would think and recommend. They show the trace formats
 * (.rtrace, OpenOneRec benchmark JSON, chat JSONL); they are not model output.
 */
import type { LayerValue, RecommendationValue, StepValue, TraceValue } from '../../server/trace/rtrace/value';
import { codeString, subtopicName, type User, type World } from './model';

const SYSTEM = "You are a recommender. Read the user's history of itemic tokens and recommend the next item.";
const CREATED = '2026-03-01T12:00:00Z';
const TOP = 10;

export interface Oracle {
  /** Current interests (subtopic indexes), strongest in the recent window first, with their share. */
  current: { subtopic: number; share: number }[];
  /** Ranked recommendations: item index, log-probability, the interest it serves. */
  recs: { item: number; score: number; subtopic: number }[];
}

/** Rank unseen items by P(interest) · P(item | interest), interests weighted by the last 10 history items. */
export function oracle(world: World, user: User): Oracle {
  const recent = user.history.slice(-10).map((i) => world.items[i].subtopic);
  const faded = user.drift?.fades;
  const current = user.interests
    .filter((x) => x.subtopic !== faded)
    .map((x) => ({ subtopic: x.subtopic, share: (recent.filter((s) => s === x.subtopic).length + 0.5) / (recent.length + 0.5 * user.interests.length) }))
    .sort((a, b) => b.share - a.share || a.subtopic - b.subtopic);
  const total = current.reduce((x, y) => x + y.share, 0);
  const seen = new Set(user.history);
  const candidates: Oracle['recs'] = [];
  for (const c of current) {
    const pool = world.subtopics[c.subtopic].items.filter((i) => !seen.has(i));
    const mass = pool.reduce((x, i) => x + Math.sqrt(world.items[i].popularity), 0);
    for (const i of pool) candidates.push({ item: i, subtopic: c.subtopic, score: Math.round(Math.log((c.share / total) * (Math.sqrt(world.items[i].popularity) / mass)) * 100) / 100 });
  }
  candidates.sort((a, b) => b.score - a.score || a.item - b.item);
  // One entry per code: a collision's second item adds nothing a decoder could tell apart.
  const codes = new Set<string>();
  const recs = candidates.filter((c) => !codes.has(world.items[c.item].code.join()) && codes.add(world.items[c.item].code.join())).slice(0, TOP);
  return { current, recs };
}

const code = (world: World, i: number): string => codeString(world.items[i].code);
const prefix = (world: World, s: number): string => `<|sid_begin|><s_a_${world.subtopics[s].prefix[0]}><s_b_${world.subtopics[s].prefix[1]}><|sid_end|>`;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The Qwen3 chat prompt for a user, thinking or not. */
export function prompt(world: World, user: User, think: boolean): string {
  const history = user.history.map((i) => code(world, i)).join('');
  return `<|im_start|>system\n${SYSTEM}<|im_end|>\n<|im_start|>user\nThe user interacted with: ${history}\nPredict the next item. ${think ? '/think' : '/no_think'}<|im_end|>\n<|im_start|>assistant\n`;
}

/** The free-text thinking (Perception / Cognition / Evolution / Recommendation headings). */
export function thinking(world: World, user: User, o: Oracle): string {
  const lines = ['Perception:'];
  for (const i of user.history.slice(-8)) lines.push(`- ${code(world, i)} is "${world.items[i].title}" (${subtopicName(world.subtopics[world.items[i].subtopic])}).`);
  lines.push('', 'Cognition:');
  for (const x of user.interests) {
    const n = user.history.filter((i) => world.items[i].subtopic === x.subtopic).length;
    lines.push(`- ${n} of ${user.history.length} items are ${subtopicName(world.subtopics[x.subtopic])} ${prefix(world, x.subtopic)}: an interest in ${world.subtopics[x.subtopic].name.toLowerCase()}.`);
  }
  lines.push('', 'Evolution:');
  if (user.drift) {
    lines.push(`- ${world.subtopics[user.drift.fades].name} fades: nothing from it after item ${user.drift.fadesAfter + 1}.`);
    lines.push(`- ${world.subtopics[user.drift.appears].name} appears at item ${user.drift.appearsAt + 1} and holds in the latest items.`);
  } else lines.push('- The interests are stable across the whole history.');
  lines.push('', 'Recommendation:');
  lines.push(`Recommend popular unseen items from ${o.current.map((c) => `${world.subtopics[c.subtopic].name} (${pct(c.share)})`).join(', ')}.`);
  return lines.join('\n');
}

/** An .rtrace value for one user. */
export function traceValue(world: World, user: User): TraceValue {
  const o = oracle(world, user);
  const hid = (t: number): string => `h${t + 1}`;
  const history = user.history.map((i, t) => ({ id: hid(t), item: code(world, i), note: world.items[i].title }));
  const perception: StepValue[] = [];
  const derivation: StepValue[] = [];
  const pOf = new Map<number, string>();
  const cOf = new Map<number, string>();
  for (const x of user.interests) {
    const ts = user.history.map((i, t) => (world.items[i].subtopic === x.subtopic ? t : -1)).filter((t) => t >= 0);
    const s = world.subtopics[x.subtopic];
    const id = `p${perception.length + 1}`;
    pOf.set(x.subtopic, id);
    const examples = ts.slice(-2).map((t) => `"${world.items[user.history[t]].title}"`).join(' and ');
    perception.push({ id, text: `${ts.length} items are ${s.name} (${s.topic}), cluster ${prefix(world, x.subtopic)}, e.g. ${examples}.`, evidence: ts.map(hid) });
  }
  for (const x of user.interests) {
    const s = world.subtopics[x.subtopic];
    const n = user.history.filter((i) => world.items[i].subtopic === x.subtopic).length;
    const id = `c${derivation.length + 1}`;
    cOf.set(x.subtopic, id);
    derivation.push({ id, text: `An interest in ${s.name.toLowerCase()} (${s.topic.toLowerCase()}): ${pct(n / user.history.length)} of the history.`, evidence: [pOf.get(x.subtopic)!] });
  }
  const topics = new Map<string, number[]>();
  for (const x of user.interests) topics.set(world.subtopics[x.subtopic].topic, [...(topics.get(world.subtopics[x.subtopic].topic) ?? []), x.subtopic]);
  for (const [topic, ss] of topics) {
    if (ss.length < 2) continue;
    derivation.push({ id: `c${derivation.length + 1}`, text: `${ss.map((s) => world.subtopics[s].name).join(' and ')} are both ${topic.toLowerCase()}: a broader interest in ${topic.toLowerCase()}.`, evidence: ss.map((s) => cOf.get(s)!) });
  }
  let next = derivation.length + 1;
  const evolution: StepValue[] = [];
  const evoOf = new Map<number, string>();
  if (user.drift) {
    const d = user.drift;
    const f = world.subtopics[d.fades];
    const a = world.subtopics[d.appears];
    evoOf.set(d.fades, `c${next}`);
    evolution.push({ id: `c${next++}`, text: `${f.name} fades: its last item is ${hid(d.fadesAfter)}, of ${user.history.length}.`, evidence: [cOf.get(d.fades)!, hid(d.fadesAfter)] });
    evoOf.set(d.appears, `c${next}`);
    evolution.push({ id: `c${next++}`, text: `${a.name} appears at ${hid(d.appearsAt)} and stays among the latest items.`, evidence: [cOf.get(d.appears)!, hid(d.appearsAt)] });
  } else {
    evolution.push({ id: `c${next++}`, text: 'The interests are stable: each appears in both halves of the history.', evidence: user.interests.map((x) => cOf.get(x.subtopic)!) });
  }
  const recommendation: StepValue[] = [];
  const rOf = new Map<number, string>();
  for (const c of o.current) {
    const s = world.subtopics[c.subtopic];
    const id = `r${recommendation.length + 1}`;
    rOf.set(c.subtopic, id);
    recommendation.push({ id, text: `Recommend popular unseen ${s.name.toLowerCase()} items from ${prefix(world, c.subtopic)}: ${pct(c.share)} of the latest items.`, evidence: [cOf.get(c.subtopic)!, ...(evoOf.has(c.subtopic) ? [evoOf.get(c.subtopic)!] : [])] });
  }
  if (user.drift) recommendation.push({ id: `r${recommendation.length + 1}`, text: `Leave out ${world.subtopics[user.drift.fades].name.toLowerCase()}: the interest has faded.`, evidence: [evoOf.get(user.drift.fades)!] });
  const layers: LayerValue[] = [
    { name: 'perception', steps: perception },
    // OneReason's cognition layers: interests abstracted from the history, then how they move.
    { name: 'interest-expansion', steps: derivation },
    { name: 'transition-inference', steps: evolution },
    { name: 'recommendation', steps: recommendation },
  ];
  const targets = new Set(user.targets);
  const recommendations: RecommendationValue[] = o.recs.map((r, k) => ({ rank: k + 1, item: code(world, r.item), score: r.score, hit: targets.has(r.item), evidence: [rOf.get(r.subtopic)!] }));
  const codes = o.recs.map((r) => code(world, r.item)).join('\n');
  return {
    version: 1,
    header: {
      user: user.id,
      sample: `demo/world/${user.id}`,
      model: 'oracle',
      mode: 'thinking',
      layers: 'onereason',
      decoding: { beams: TOP, num_return: TOP },
      created: CREATED,
      source: 'demo/world/users.jsonl',
      extensions: { 'x-note': "built by demo/build/world.ts from the user's latent interests, not model output" },
    },
    history,
    layers,
    recommendations,
    groundTruth: user.targets.map((i) => ({ item: code(world, i), note: world.items[i].title })),
    raw: [
      { label: 'prompt', text: prompt(world, user, true) },
      { label: 'output', text: `<think>\n${thinking(world, user, o)}\n</think>\n${codes}` },
    ],
  };
}

/** An OpenOneRec-style benchmark dump: a thinking and a non-thinking sample per user. */
export function benchmark(world: World, users: User[]): string {
  const samples: Record<string, unknown> = {};
  for (const u of users) {
    const o = oracle(world, u);
    const targets = new Set(u.targets);
    const hits = o.recs.filter((r) => targets.has(r.item)).length;
    const metrics = { 'pass@1': targets.has(o.recs[0].item) ? 1 : 0, 'recall@10': Math.round((hits / u.targets.length) * 1000) / 1000 };
    const groundTruth = u.targets.map((i) => code(world, i)).join('');
    samples[`${u.id}_think`] = {
      prompt: prompt(world, u, true),
      generations: o.recs.slice(0, 3).map((r, k) => (k === 0 ? `${thinking(world, u, o)}</think>\n${code(world, r.item)}` : `Recommendation:\nAnother item from ${world.subtopics[r.subtopic].name}.</think>\n${code(world, r.item)}`)),
      ground_truth: groundTruth,
      metadata: { user_id: u.id, checkpoint: 'oracle', mode: 'thinking', num_beams: TOP },
      ...metrics,
    };
    samples[`${u.id}_nothink`] = {
      prompt: prompt(world, u, false),
      generations: o.recs.map((r) => code(world, r.item)),
      ground_truth: groundTruth,
      metadata: { user_id: u.id, checkpoint: 'oracle', mode: 'non-thinking', num_beams: TOP },
      ...metrics,
    };
  }
  return JSON.stringify({ samples }, null, 2) + '\n';
}

/** Chat records as OpenOneRec stores them (`uuid, source, metadata, messages`, `messages` a JSON string). */
export function chatJsonl(world: World, users: User[]): string {
  const lines: string[] = [];
  for (const u of users) {
    const o = oracle(world, u);
    const codes = o.recs.slice(0, 3).map((r) => code(world, r.item)).join('');
    for (const think of [true, false]) {
      const userText = prompt(world, u, think).replace(/^[\s\S]*<\|im_start\|>user\n/, '').replace(/<\|im_end\|>\n<\|im_start\|>assistant\n$/, '');
      const answer = think ? `<think>\n${thinking(world, u, o)}\n</think>\n${codes}` : `<think>\n\n</think>\n\n${codes}`;
      const messages = [
        { role: 'system', content: [{ type: 'text', text: SYSTEM }] },
        { role: 'user', content: [{ type: 'text', text: userText }] },
        { role: 'assistant', content: [{ type: 'text', text: answer }] },
      ];
      const metadata = { user: u.id, split: u.split, ground_truth: u.targets.map((i) => code(world, i)).join('') };
      lines.push(JSON.stringify({ uuid: `${u.id}-${think ? 'think' : 'nothink'}`, source: 'demo/world/oracle', metadata: JSON.stringify(metadata), messages: JSON.stringify(messages) }));
    }
  }
  return lines.join('\n') + '\n';
}
