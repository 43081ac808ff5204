/**
 * The demo world as data: items in a topic hierarchy with 3-level codes
 * (a ≈ topic, b ≈ subtopic, c ≈ item, as residual quantisation gives), and
 * users whose histories are drawn from a few latent interests, some drifting.
 * Everything is a pure function of the options (seeded PRNG).
 */
import { Random } from './random';
import { TOPICS, thingsOf } from './vocab';

export const CODEBOOK = 8192;
export const BASE_PID = 7_000_001;

export interface WorldOptions {
  /** Items in the world (default 3000). */
  items?: number;
  /** Users (default 1000). */
  users?: number;
  /** How many topics of the vocabulary to use (default all 24). */
  topics?: number;
  /** Items that deliberately share another item's code (default items / 500, at least 2). */
  collisions?: number;
  /** Share of test users (default 0.1). */
  testShare?: number;
  /** Share of users whose interests drift (default 0.3). */
  driftShare?: number;
  /** Test users that get ready-made traces (default 6; the first 3 also as .rtrace). */
  traceUsers?: number;
  seed?: number;
}

export interface Subtopic {
  index: number;
  topic: string;
  name: string;
  /** Code prefix [a, b] shared by its items. */
  prefix: [number, number];
  /** Item indexes, in pid order. */
  items: number[];
}

export interface Item {
  index: number;
  pid: number;
  subtopic: number;
  code: [number, number, number];
  title: string;
  caption: string;
  popularity: number;
}

export interface Drift {
  /** The subtopic that fades: not seen after `fadesAfter` (a history index, 0-based). */
  fades: number;
  fadesAfter: number;
  /** The subtopic that appears: first seen at `appearsAt`. */
  appears: number;
  appearsAt: number;
}

export interface User {
  id: string;
  split: 'train' | 'test';
  /** Latent interests (subtopic indexes) with their weights; a drift's new interest is included, last. */
  interests: { subtopic: number; weight: number }[];
  drift?: Drift;
  /** Item indexes, oldest first. */
  history: number[];
  /** Held-out next items (item indexes), from the current interests, not in the history. */
  targets: number[];
}

export interface World {
  options: Required<WorldOptions>;
  subtopics: Subtopic[];
  items: Item[];
  /** Planned collisions: [item, the item whose code it shares]. */
  collisions: [number, number][];
  users: User[];
}

export const DEFAULTS: Required<WorldOptions> = { items: 3000, users: 1000, topics: 24, collisions: 0, testShare: 0.1, driftShare: 0.3, traceUsers: 6, seed: 20260301 };

export const codeString = (c: readonly number[]): string => `<|sid_begin|>${c.map((n, i) => `<s_${'abc'[i]}_${n}>`).join('')}<|sid_end|>`;

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const LENGTHS = ['short', 'detailed', 'relaxed', 'quick', 'step-by-step', 'practical'];
const KINDS = ['video', 'walkthrough', 'episode', 'clip'];

function makeItems(o: Required<WorldOptions>, r: Random): { subtopics: Subtopic[]; items: Item[]; collisions: [number, number][] } {
  const topics = TOPICS.slice(0, o.topics);
  const subtopics: Subtopic[] = [];
  const aCodes = r.distinct(topics.length, CODEBOOK);
  topics.forEach((t, ti) => {
    const names = Object.keys(t.subtopics);
    const bCodes = r.distinct(names.length, CODEBOOK);
    names.forEach((name, si) => subtopics.push({ index: subtopics.length, topic: t.name, name, prefix: [aCodes[ti], bCodes[si]], items: [] }));
  });
  // Sizes vary ±30% around the mean; largest remainders make the total exact.
  const weights = subtopics.map(() => 0.7 + 0.6 * r.next());
  const sum = weights.reduce((x, y) => x + y, 0);
  const exact = weights.map((w) => (o.items * w) / sum);
  const sizes = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((x, y) => y[0] - x[0] || x[1] - y[1]);
  for (let k = 0; sizes.reduce((x, y) => x + y, 0) < o.items; k++) sizes[order[k % order.length][1]]++;

  const items: Item[] = [];
  const titles = new Set<string>();
  for (const s of subtopics) {
    const topic = topics.find((t) => t.name === s.topic)!;
    const things = thingsOf(topic, s.name);
    const cs = r.distinct(sizes[s.index], CODEBOOK);
    for (let k = 0; k < sizes[s.index]; k++) {
      let title = '';
      let mod = '';
      let thing = '';
      for (let tries = 0; tries < 60 && (title === '' || titles.has(title)); tries++) {
        mod = r.pick(topic.modifiers);
        thing = r.pick(things);
        title = cap(`${mod} ${thing} ${r.pick(topic.formats)}`);
      }
      for (let n = 2; titles.has(title); n++) title = title.replace(/ \(part \d+\)$/, '') + ` (part ${n})`;
      titles.add(title);
      const caption = `A ${r.pick(LENGTHS)} ${r.pick(KINDS)} about ${mod} ${thing} ${r.pick(topic.audiences)}, ${r.pick(topic.details)}.`;
      const index = items.length;
      s.items.push(index);
      items.push({ index, pid: BASE_PID + index, subtopic: s.index, code: [s.prefix[0], s.prefix[1], cs[k]], title, caption, popularity: 1 + Math.floor(100_000 * r.next() ** 6) });
    }
  }
  // Collisions: an item takes the code of its subtopic's previous item.
  const wanted = o.collisions > 0 ? o.collisions : Math.max(2, Math.round(o.items / 500));
  const collisions: [number, number][] = [];
  const taken = new Set<number>();
  while (collisions.length < wanted) {
    const i = r.int(0, items.length - 1);
    const s = subtopics[items[i].subtopic];
    const k = s.items.indexOf(i);
    if (k === 0 || taken.has(i) || taken.has(s.items[k - 1])) continue;
    const j = s.items[k - 1];
    taken.add(i).add(j);
    items[i].code = [...items[j].code];
    collisions.push([i, j]);
  }
  collisions.sort((x, y) => x[0] - y[0]);
  return { subtopics, items, collisions };
}

/** Items kept back from histories in every subtopic, so each interest has unseen items left to recommend. */
const RESERVE = 4;

function pickInterest(r: Random, subtopics: Subtopic[], near: number | undefined, not: Set<number>): number {
  for (;;) {
    let s: number;
    if (near !== undefined && r.next() < 0.5) {
      const same = subtopics.filter((x) => x.topic === subtopics[near].topic && !not.has(x.index));
      if (same.length === 0) continue;
      s = r.pick(same).index;
    } else s = r.int(0, subtopics.length - 1);
    if (!not.has(s)) return s;
  }
}

/** Draw an unseen item of subtopic `s`, popularity-weighted; undefined when only the reserve is left. */
function drawItem(r: Random, world: { subtopics: Subtopic[]; items: Item[] }, s: number, seen: Set<number>, reserve: number): number | undefined {
  const pool = world.subtopics[s].items.filter((i) => !seen.has(i));
  if (pool.length <= reserve) return undefined;
  return pool[r.weighted(pool.map((i) => Math.sqrt(world.items[i].popularity)))];
}

function makeUser(n: number, o: Required<WorldOptions>, r: Random, world: { subtopics: Subtopic[]; items: Item[] }): User {
  const { subtopics } = world;
  const count = r.next() < 0.45 ? 3 : 2;
  const chosen = new Set<number>();
  const interests: User['interests'] = [];
  for (let k = 0; k < count; k++) {
    const s = pickInterest(r, subtopics, interests[0]?.subtopic, chosen);
    chosen.add(s);
    interests.push({ subtopic: s, weight: Math.round((0.5 + r.next()) * 100) / 100 });
  }
  const length = r.int(20, 60);
  let drift: Drift | undefined;
  if (r.next() < o.driftShare) {
    const fades = interests[r.int(1, interests.length - 1)].subtopic;
    const appears = pickInterest(r, subtopics, interests[0].subtopic, chosen);
    interests.push({ subtopic: appears, weight: Math.round((0.8 + r.next()) * 100) / 100 });
    drift = { fades, fadesAfter: Math.floor(length * (0.35 + 0.2 * r.next())), appears, appearsAt: Math.floor(length * (0.5 + 0.2 * r.next())) };
  }
  const active = (s: number, t: number): boolean => !drift || (s === drift.fades ? t <= drift.fadesAfter : s === drift.appears ? t >= drift.appearsAt : true);
  const seen = new Set<number>();
  const history: number[] = [];
  const exhausted = new Set<number>();
  for (let t = 0; t < length; t++) {
    const open = interests.filter((x) => active(x.subtopic, t) && !exhausted.has(x.subtopic));
    if (open.length === 0 && drift && t < drift.appearsAt) {
      // Everything else is used up: the new interest comes in earlier.
      drift.appearsAt = t--;
      continue;
    }
    if (open.length === 0) break;
    // A drift is always visible: the fading interest opens the history, the new one shows at its start.
    const forced = drift && t === 0 ? drift.fades : drift && t === drift.appearsAt ? drift.appears : undefined;
    const x = open.find((y) => y.subtopic === forced) ?? open[r.weighted(open.map((y) => y.weight))];
    const item = drawItem(r, world, x.subtopic, seen, RESERVE);
    if (item === undefined) {
      exhausted.add(x.subtopic);
      t--;
      continue;
    }
    seen.add(item);
    history.push(item);
  }
  if (drift) {
    // The drift points as they happened: the last item of the fading interest, the first of the new one.
    const d = drift;
    d.fadesAfter = history.reduce((last, i, t) => (world.items[i].subtopic === d.fades ? t : last), 0);
    d.appearsAt = history.findIndex((i) => world.items[i].subtopic === d.appears);
  }
  const current = interests.filter((x) => !drift || x.subtopic !== drift.fades);
  const targets: number[] = [];
  const wantTargets = r.int(1, 3);
  while (targets.length < wantTargets) {
    const x = current[r.weighted(current.map((y) => y.weight))];
    const item = drawItem(r, world, x.subtopic, new Set([...seen, ...targets]), 0);
    if (item !== undefined) targets.push(item);
  }
  return { id: `u${String(n + 1).padStart(4, '0')}`, split: 'train', interests, drift, history, targets };
}

/** Build the world for `options` (missing ones from `DEFAULTS`). */
export function generateWorld(options: WorldOptions = {}): World {
  const o: Required<WorldOptions> = { ...DEFAULTS, ...options };
  const r = new Random(o.seed);
  const { subtopics, items, collisions } = makeItems(o, r);
  const users: User[] = [];
  for (let n = 0; n < o.users; n++) users.push(makeUser(n, o, r, { subtopics, items }));
  const test = Math.round(o.users * o.testShare);
  for (const u of r.shuffle(users).slice(0, test)) u.split = 'test';
  return { options: o, subtopics, items, collisions, users };
}

/** The subtopic's display name, "Topic / Subtopic". */
export const subtopicName = (s: Subtopic): string => `${s.topic} / ${s.name}`;
