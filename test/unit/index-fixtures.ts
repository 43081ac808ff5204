/** Shared by the index tests: a seeded random item pool, an in-memory row source, and the reference lookup over the same rows. */
import type { ItemLookup, ItemRecord } from '../../server/items/lookup';
import type { ItemRow, RowSource, SourceProblem } from '../../server/items/sources/types';
import { mulberry32 } from '../support/random';

/** Deterministic PRNG (mulberry32). */
export const random = mulberry32;

/** A table read from memory, in batches. */
export function memorySource(path: string, rows: ItemRow[], batchSize = 7, problems: SourceProblem[] = []): RowSource {
  return {
    path,
    size: rows.length,
    async *batches() {
      for (let i = 0; i < rows.length; i += batchSize) yield { rows: rows.slice(i, i + batchSize), done: Math.min(rows.length, i + batchSize) };
    },
    problems: () => problems,
  };
}

const WORDS = ['Red', 'lipstick', 'Matte', 'cream', 'ΣΟΦΙΑ', 'σοφός', 'İstanbul', 'café', 'Crème', '美妆', '护肤品', '视频', 'ñandú', 'Ǆemal', 'x-ray', 'a.b', 'dog', 'DOG', 'hot', 'hotdog', '𝐀lpha', '😀smile', '\uE000private', 'Ünïcödé'];
const ID_PARTS = ['p', 'P', 'item_', 'B0', '00', '9', 'é', '😀', '\uE001', 'a\u0000', 'zz', '中'];

/** A random pool with collisions, several domains, missing popularity, shorter codes and unicode text. */
export function randomRows(seed: number, count: number, options: { domains?: boolean; codebook?: number } = {}): ItemRow[] {
  const rnd = random(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const cb = options.codebook ?? 4;
  const text = (): string | undefined => {
    const r = rnd();
    if (r < 0.2) return undefined;
    if (r < 0.25) return '';
    return Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(WORDS)).join(pick([' ', ', ', '/', '\n', '']));
  };
  const rows: ItemRow[] = [];
  for (let i = 0; i < count; i++) {
    const len = rnd() < 0.1 ? 1 + Math.floor(rnd() * 2) : 3;
    const row: ItemRow = {
      id: rnd() < 0.5 ? String(Math.floor(rnd() * count * 3)) : Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(ID_PARTS)).join(''),
      levels: Array.from({ length: len }, () => Math.floor(rnd() * cb)),
      line: i + 1,
    };
    if (options.domains !== false && rnd() < 0.5) row.domain = pick(['video', 'prod']);
    const pop = rnd();
    if (pop < 0.6) row.popularity = pop < 0.3 ? Math.floor(rnd() * 5) : Math.round(rnd() * 1e6) / 7;
    for (const field of ['title', 'caption', 'categories'] as const) {
      const t = text();
      if (t !== undefined) row[field] = t;
    }
    rows.push(row);
  }
  return rows;
}

/** The record the reference lookup holds for a row. */
export function toRecord(row: ItemRow, path: string): ItemRecord {
  const item: ItemRecord = { id: row.id, levels: [...row.levels], source: row.line !== undefined ? { path, line: row.line } : { path } };
  if (row.domain) item.domain = row.domain;
  if (row.title !== undefined) item.title = row.title;
  if (row.caption !== undefined) item.caption = row.caption;
  if (row.categories !== undefined) item.categories = row.categories;
  if (row.popularity !== undefined) item.popularity = row.popularity;
  return item;
}

/** Records of several tables, first of two equal ids kept (what the index builder does). */
export function referenceItems(tables: { path: string; rows: ItemRow[] }[]): ItemRecord[] {
  const seen = new Set<string>();
  const items: ItemRecord[] = [];
  for (const t of tables) {
    for (const row of t.rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      items.push(toRecord(row, t.path));
    }
  }
  return items;
}

/** An item as a plain object with the fields it has (the index reads id and text lazily, through getters). */
export function plain(item: ItemRecord | undefined): ItemRecord | undefined {
  if (!item) return undefined;
  const out: ItemRecord = { id: item.id, levels: [...item.levels], source: { ...item.source } };
  for (const key of ['domain', 'title', 'caption', 'categories', 'popularity'] as const) if (item[key] !== undefined) Object.assign(out, { [key]: item[key] });
  return out;
}

/** The same lookup answering with plain objects, so that answers compare with `deepEqual`. */
export function plainLookup(l: ItemLookup): ItemLookup {
  const all = (items: ItemRecord[]): ItemRecord[] => items.map((i) => plain(i)!);
  return {
    size: l.size,
    sources: l.sources,
    exact: (levels, domain) => all(l.exact(levels, domain)),
    has: (levels, domain) => l.has(levels, domain),
    byId: (id) => plain(l.byId(id)),
    prefix: (levels, domain, limit) => {
      const r = l.prefix(levels, domain, limit);
      return { count: r.count, examples: all(r.examples) };
    },
    children: (levels, domain, limit) => l.children(levels, domain, limit).map((c) => ({ ...c, example: plain(c.example) })),
    search: (query, limit) => all(l.search(query, limit)),
  };
}
