/**
 * An `ItemLookup` held in memory: maps keyed by `codeKey`, built once. Fine
 * for tables of up to ~10⁵ items; the on-disk index replaces it for real
 * item pools through the same interface.
 */
import { codeKey } from './grammar';
import type { ItemLookup, ItemRecord } from './lookup';

const DEFAULT_EXAMPLES = 5;

/** Most popular first; items without a popularity after those with one; then by id so results are stable. */
export function byPopularity(a: ItemRecord, b: ItemRecord): number {
  const pa = a.popularity ?? -Infinity;
  const pb = b.popularity ?? -Infinity;
  if (pa !== pb) return pb - pa;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Build a lookup over `items` (already de-duplicated by id); `sources` are the table paths. */
export function createMemoryLookup(items: ItemRecord[], sources: string[]): ItemLookup {
  const sorted = [...items].sort(byPopularity);
  const byId = new Map<string, ItemRecord>();
  // Every prefix of every code, including the empty one, lists its items most popular first.
  const byPrefix = new Map<string, ItemRecord[]>();
  let anyDomain = false;
  for (const item of sorted) {
    if (!byId.has(item.id)) byId.set(item.id, item);
    if (item.domain) anyDomain = true;
    for (let k = 0; k <= item.levels.length; k++) {
      const key = codeKey(item.levels.slice(0, k));
      const list = byPrefix.get(key);
      if (list) list.push(item);
      else byPrefix.set(key, [item]);
    }
  }
  let haystacks: Map<ItemRecord, string> | undefined;

  /** Items under a prefix; with a domain, that domain's items, else those without a domain (never another domain's). */
  const under = (levels: readonly number[], domain?: string, exactLength?: number): ItemRecord[] => {
    let list = byPrefix.get(codeKey(levels)) ?? [];
    if (exactLength !== undefined) list = list.filter((i) => i.levels.length === exactLength);
    if (!domain || !anyDomain) return list;
    const same = list.filter((i) => i.domain === domain);
    return same.length > 0 ? same : list.filter((i) => !i.domain);
  };

  const lookup: ItemLookup = {
    size: byId.size,
    sources: [...sources],
    exact: (levels, domain) => (levels.length === 0 ? [] : under(levels, domain, levels.length)),
    has: (levels, domain) => lookup.exact(levels, domain).length > 0,
    byId: (id) => byId.get(id),
    prefix(levels, domain, limit = DEFAULT_EXAMPLES) {
      const list = under(levels, domain);
      return { count: list.length, examples: list.slice(0, Math.max(0, limit)) };
    },
    children(levels, domain, limit = Infinity) {
      const groups = new Map<number, { value: number; count: number; example?: ItemRecord }>();
      for (const item of under(levels, domain)) {
        if (item.levels.length <= levels.length) continue;
        const value = item.levels[levels.length];
        const g = groups.get(value);
        // Items are sorted, so the first one seen is the most popular example.
        if (g) g.count++;
        else groups.set(value, { value, count: 1, example: item });
      }
      return [...groups.values()].sort((a, b) => b.count - a.count || a.value - b.value).slice(0, Math.max(0, limit));
    },
    search(query, limit) {
      const q = query.trim().toLowerCase();
      if (!q || limit <= 0) return [];
      haystacks ??= new Map(sorted.map((i) => [i, [i.title, i.categories, i.caption, i.id].filter((s) => s).join('\n').toLowerCase()]));
      const ranked: { item: ItemRecord; rank: number }[] = [];
      for (const item of sorted) {
        const hay = haystacks.get(item) ?? '';
        const at = hay.indexOf(q);
        if (at < 0) continue;
        ranked.push({ item, rank: matchRank(item, hay, q) });
      }
      // Stable sort keeps popularity order within a rank.
      return ranked.sort((a, b) => a.rank - b.rank).slice(0, limit).map((r) => r.item);
    },
  };
  return lookup;
}

/** 0: the id or a field starts with the query; 1: a word starts with it; 2: anywhere else. */
export function matchRank(item: ItemRecord, hay: string, q: string): number {
  if (item.id.toLowerCase() === q) return 0;
  for (const field of [item.title, item.categories, item.caption, item.id]) if (field?.toLowerCase().startsWith(q)) return 0;
  for (let at = hay.indexOf(q); at >= 0; at = hay.indexOf(q, at + 1)) if (at === 0 || !/[\p{L}\p{N}]/u.test(hay[at - 1])) return 1;
  return 2;
}

/** The lookup of a pool with no tables configured. */
export const emptyLookup: ItemLookup = createMemoryLookup([], []);
