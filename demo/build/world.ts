/**
 * `npm run demo:world`: writes the synthetic demo world into demo/world/ —
 * the alignment table (OpenOneRec Parquet and OneRec-Think JSON), users
 * (JSONL and OpenOneRec Parquet), oracle traces and a README with the
 * figures. Deterministic: the same options write the same bytes.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { printTrace } from '../../server/trace/rtrace/build';
import { int64, writeParquet } from '../../test/support/parquet';
import { codeString, generateWorld, subtopicName, type User, type World, type WorldOptions } from './model';
import { benchmark, chatJsonl, oracle, traceValue } from './traces';

export { generateWorld, type World, type WorldOptions } from './model';

const ROW_GROUP = 1000;

export interface WorldSummary {
  items: number;
  topics: number;
  subtopics: number;
  collisions: number;
  users: number;
  train: number;
  test: number;
  avgHistory: number;
  minHistory: number;
  maxHistory: number;
  driftShare: number;
  traceUsers: string[];
  files: string[];
}

/** Test users for the ready-made traces: each with an oracle hit; drifting, three-interest and two-interest ones first. */
export function traceUsers(world: World): User[] {
  const good = world.users.filter((u) => u.split === 'test' && oracle(world, u).recs.some((r) => u.targets.includes(r.item)));
  const firsts = [good.find((u) => u.drift), good.find((u) => !u.drift && u.interests.length === 3), good.find((u) => !u.drift && u.interests.length === 2)].filter((u): u is User => u !== undefined);
  const rest = good.filter((u) => !firsts.includes(u));
  return [...firsts, ...rest].slice(0, world.options.traceUsers);
}

function summarize(world: World, traced: User[], files: string[]): WorldSummary {
  const lengths = world.users.map((u) => u.history.length);
  return {
    items: world.items.length,
    topics: new Set(world.subtopics.map((s) => s.topic)).size,
    subtopics: world.subtopics.length,
    collisions: world.collisions.length,
    users: world.users.length,
    train: world.users.filter((u) => u.split === 'train').length,
    test: world.users.filter((u) => u.split === 'test').length,
    avgHistory: Math.round((lengths.reduce((x, y) => x + y, 0) / Math.max(1, lengths.length)) * 10) / 10,
    minHistory: Math.min(...lengths),
    maxHistory: Math.max(...lengths),
    driftShare: Math.round((world.users.filter((u) => u.drift).length / Math.max(1, world.users.length)) * 1000) / 1000,
    traceUsers: traced.map((u) => u.id),
    files,
  };
}

function readme(world: World, s: WorldSummary): string {
  const it = world.items;
  const collisionLines = world.collisions.map(([i, j]) => `  - \`${codeString(it[i].code)}\`: ${it[j].pid} "${it[j].title}" and ${it[i].pid} "${it[i].title}"`);
  const topics = [...new Set(world.subtopics.map((x) => x.topic))].map((t) => `${t} <s_a_${world.subtopics.find((x) => x.topic === t)!.prefix[0]}>`);
  return `# The demo world

A synthetic but coherent item world with users, for trying RecLens without
a model or real data. Everything here is written by \`npm run demo:world\`
(\`demo/build/world.ts\`, seed ${world.options.seed}); do not edit it by hand —
change the generator and run it again. The output is deterministic: two runs
write the same bytes.

## Figures

| | |
|---|---|
| items | ${s.items} |
| topics × subtopics | ${s.topics} topics, ${s.subtopics} subtopics |
| planned collisions (two items, one code) | ${s.collisions} |
| users | ${s.users} (${s.train} train, ${s.test} test) |
| history length | ${s.minHistory}–${s.maxHistory} items, ${s.avgHistory} on average |
| users with drift | ${Math.round(s.driftShare * 1000) / 10}% |
| ready-made traces | ${s.traceUsers.join(', ')} |

## Items

Each item has a pid, a 3-level code in the \`openonerec\` spelling
(\`<|sid_begin|><s_a_N><s_b_N><s_c_N><|sid_end|>\`), a title, a one-sentence
caption and a popularity (heavy-tailed). Codes run coarse to fine as
residual quantisation gives them: level a is the topic, b the subtopic, c the
item, so all items of one subtopic share a prefix
(\`<|sid_begin|><s_a_A><s_b_B><|sid_end|>\` names the subtopic's cluster).
Topics and their level-a codes: ${topics.join(', ')}.

Collisions, on purpose (the second item took the first one's code):

${collisionLines.join('\n')}

- \`pid2sid.parquet\` (\`pid\` INT64, \`sid\` list of ints) and
  \`pid2caption.parquet\` (\`pid\`, \`dense_caption\`; in another row order) —
  the OpenOneRec layout, Snappy-compressed, ${ROW_GROUP} rows per row group.
- \`items.json\` — the same items in the OneRec-Think layout:
  \`{ "<pid>": { "sid", "title", "categories": [topic, subtopic] } }\`.

## Users

Each user has 2–3 latent interests (subtopics, often two of one topic) and a
history of 20–60 items drawn from them, popularity-weighted, oldest first.
About ${Math.round(world.options.driftShare * 100)}% of users drift: one interest fades (nothing from it after
some point) and a new one appears. Each user has 1–3 held-out next items
(\`targets\`), drawn from the interests that are current at the end of the
history and never in the history. ${Math.round(world.options.testShare * 100)}% of users are \`test\`, the rest \`train\`.

- \`users.jsonl\` — one user a line:
  \`{ "user", "split", "history": [pid…], "history_codes", "targets": [pid…], "interests": [{ "topic", "subtopic", "prefix", "weight" }], "drift": { "fades", "fades_after", "appears", "appears_at" } | null }\`
  (\`fades_after\` and \`appears_at\` are 0-based history positions).
- \`users.parquet\` — the OpenOneRec metadata layout: \`uid\`,
  \`hist_video_pid\` (list), \`target_video_pid\` (list), plus \`split\`.

## Traces

\`traces/\` holds ready-made traces for test users, in each format RecLens
reads: \`<user>.rtrace\` (history, perception / derivation / evolution /
recommendation steps linked by evidence, ten ranked recommendations with
hit/miss against the held-out targets, ground truth, the raw prompt and
output), \`benchmark.json\` (an OpenOneRec benchmark dump with a thinking
and a non-thinking sample per user, prompts in Qwen3 chat markup with
\`/think\` / \`/no_think\`) and \`chat.jsonl\` (\`uuid, source, metadata,
messages\`, \`messages\` a JSON string).

These are **oracle** traces: the generator writes them from what it knows —
each user's latent interests and drift — and ranks unseen items of the
current interests by interest share × popularity. They are examples of the
formats, not the output of a model.
`;
}

/** Write the world for `options` into `dir` (created; files of the world are replaced). */
export function writeWorld(dir: string, options: WorldOptions = {}): WorldSummary {
  const world = generateWorld(options);
  const { items, subtopics, users } = world;
  mkdirSync(path.join(dir, 'traces'), { recursive: true });
  const files: string[] = [];
  const write = (name: string, text: string): void => {
    writeFileSync(path.join(dir, name), text);
    files.push(name);
  };

  writeParquet(path.join(dir, 'pid2sid.parquet'), [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'INT_LIST' }], { pid: int64(items.map((i) => i.pid)), sid: items.map((i) => i.code) }, { codec: 'SNAPPY', rowGroupSize: ROW_GROUP });
  files.push('pid2sid.parquet');
  // Captions in another order (by subtopic, last first), as real dumps are not aligned.
  const capOrder = subtopics.slice().reverse().flatMap((s) => s.items);
  writeParquet(path.join(dir, 'pid2caption.parquet'), [{ name: 'pid', type: 'INT64' }, { name: 'dense_caption', type: 'STRING' }], { pid: int64(capOrder.map((i) => items[i].pid)), dense_caption: capOrder.map((i) => items[i].caption) }, { codec: 'SNAPPY', rowGroupSize: ROW_GROUP });
  files.push('pid2caption.parquet');

  const table: Record<string, unknown> = {};
  for (const i of items) table[String(i.pid)] = { sid: codeString(i.code), title: i.title, categories: [subtopics[i.subtopic].topic, subtopics[i.subtopic].name] };
  write('items.json', JSON.stringify(table, null, 1) + '\n');

  const pid = (i: number): number => items[i].pid;
  const jsonl = users.map((u) =>
    JSON.stringify({
      user: u.id,
      split: u.split,
      history: u.history.map(pid),
      history_codes: u.history.map((i) => codeString(items[i].code)).join(''),
      targets: u.targets.map(pid),
      interests: u.interests.map((x) => ({ topic: subtopics[x.subtopic].topic, subtopic: subtopics[x.subtopic].name, prefix: subtopics[x.subtopic].prefix, weight: x.weight })),
      drift: u.drift ? { fades: subtopicName(subtopics[u.drift.fades]), fades_after: u.drift.fadesAfter, appears: subtopicName(subtopics[u.drift.appears]), appears_at: u.drift.appearsAt } : null,
    }),
  );
  write('users.jsonl', jsonl.join('\n') + '\n');
  writeParquet(
    path.join(dir, 'users.parquet'),
    [
      { name: 'uid', type: 'STRING' },
      { name: 'hist_video_pid', type: 'INT_LIST' },
      { name: 'target_video_pid', type: 'INT_LIST' },
      { name: 'split', type: 'STRING' },
    ],
    { uid: users.map((u) => u.id), hist_video_pid: users.map((u) => u.history.map(pid)), target_video_pid: users.map((u) => u.targets.map(pid)), split: users.map((u) => u.split) },
    { codec: 'SNAPPY', rowGroupSize: 250 },
  );
  files.push('users.parquet');

  const traced = traceUsers(world);
  for (const u of traced.slice(0, 3)) write(`traces/${u.id}.rtrace`, printTrace(traceValue(world, u)));
  write('traces/benchmark.json', benchmark(world, traced));
  write('traces/chat.jsonl', chatJsonl(world, traced));
  const summary = summarize(world, traced, files);
  write('README.md', readme(world, summary));
  summary.files = files;
  return summary;
}

if (/demo[\\/]build[\\/]world\.ts$/.test(process.argv[1] ?? '')) {
  const dir = path.resolve(process.argv[2] ?? path.join('demo', 'world'));
  rmSync(dir, { recursive: true, force: true });
  const s = writeWorld(dir);
  console.log(`demo world in ${dir}: ${s.items} items, ${s.topics} topics, ${s.subtopics} subtopics, ${s.collisions} collisions, ${s.users} users (${s.train} train / ${s.test} test), history ${s.avgHistory} avg, drift ${s.driftShare}`);
}
