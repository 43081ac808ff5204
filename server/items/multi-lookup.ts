/**
 * Several item tables seen as one pool (e.g. one table per domain). Each
 * table answers with its own rules; the answers are merged most popular
 * first, and with a domain given, that domain's items win over items
 * without a domain, as within one table.
 */
import type { ItemLookup, ItemRecord } from './lookup';
import { byPopularity, emptyLookup, matchRank } from './memory-lookup';

const DEFAULT_EXAMPLES = 5;

/** With a domain, keep that domain's items when there are any (the domain's table wins). */
function preferDomain(items: ItemRecord[], domain: string | undefined): ItemRecord[] {
  if (!domain) return items;
  const same = items.filter((i) => i.domain === domain);
  return same.length > 0 ? same : items;
}

/** One lookup over several; a single table is returned as is. */
export function mergeLookups(lookups: ItemLookup[]): ItemLookup {
  if (lookups.length === 0) return emptyLookup;
  if (lookups.length === 1) return lookups[0];
  const merged: ItemLookup = {
    size: lookups.reduce((n, l) => n + l.size, 0),
    sources: lookups.flatMap((l) => l.sources),
    exact: (levels, domain) => preferDomain(lookups.flatMap((l) => l.exact(levels, domain)), domain).sort(byPopularity),
    has: (levels, domain) => lookups.some((l) => l.has(levels, domain)),
    byId(id) {
      for (const l of lookups) {
        const item = l.byId(id);
        if (item) return item;
      }
      return undefined;
    },
    prefix(levels, domain, limit = DEFAULT_EXAMPLES) {
      const parts = lookups.map((l) => ({ l, r: l.prefix(levels, domain, limit) }));
      // When the domain's own table has the cluster, other tables' generic items do not count.
      const own = domain ? parts.filter((p) => p.r.examples.some((i) => i.domain === domain)) : [];
      const used = own.length > 0 ? own : parts;
      return { count: used.reduce((n, p) => n + p.r.count, 0), examples: used.flatMap((p) => p.r.examples).sort(byPopularity).slice(0, Math.max(0, limit)) };
    },
    children(levels, domain, limit = Infinity) {
      const groups = new Map<number, { value: number; count: number; example?: ItemRecord }>();
      for (const l of lookups) {
        for (const c of l.children(levels, domain)) {
          const g = groups.get(c.value);
          if (!g) groups.set(c.value, { ...c });
          else {
            g.count += c.count;
            if (c.example && (!g.example || byPopularity(c.example, g.example) < 0)) g.example = c.example;
          }
        }
      }
      return [...groups.values()].sort((a, b) => b.count - a.count || a.value - b.value).slice(0, Math.max(0, limit));
    },
    search(query, limit) {
      const q = query.trim().toLowerCase();
      const found = lookups.flatMap((l) => l.search(query, limit));
      const hay = (i: ItemRecord): string => [i.title, i.categories, i.caption, i.id].filter((s) => s).join('\n').toLowerCase();
      return found
        .map((item) => ({ item, rank: matchRank(item, hay(item), q) }))
        .sort((a, b) => a.rank - b.rank || byPopularity(a.item, b.item))
        .slice(0, limit)
        .map((r) => r.item);
    },
  };
  return merged;
}
