/**
 * What the item pool calls a code: the title of the item a full code names,
 * the name of the cluster a prefix names. One `ItemNames` serves one graph
 * build and remembers every answer, so a code mentioned by many nodes is
 * looked up once.
 */
import { codeKey, formatCode, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup, ItemRecord } from '../items/lookup';
import { shorten } from '../language/markdown';

/** Longest title kept for a code (captions can be paragraphs). */
const TITLE_LENGTH = 80;
/** Items of a cluster read to name it. */
const CLUSTER_SAMPLE = 25;

/** The parts of a code that name items. */
export interface CodeRef {
  levels: number[];
  domain?: string;
  /** Digits of a bare code (`<|sid_begin|>123<|sid_end|>`): an item id. */
  bare?: string;
}

export class ItemNames {
  private readonly titles = new Map<string, string | undefined>();
  private readonly clusters = new Map<string, string | undefined>();

  constructor(
    readonly grammar: CompiledGrammar,
    private readonly lookup: ItemLookup,
  ) {}

  /** The item a code names: by id for a bare code, else the most popular item with exactly this code. */
  item(ref: CodeRef): ItemRecord | undefined {
    if (this.lookup.size === 0) return undefined;
    if (ref.bare !== undefined) return this.lookup.byId(ref.bare);
    if (ref.levels.length < this.grammar.levelCount) return undefined;
    return this.lookup.exact(ref.levels, ref.domain)[0];
  }

  /** The title of a full code's item, or the name of a prefix's cluster (`key`: the code's key, when the caller has it). */
  title(ref: CodeRef, key = ref.bare !== undefined ? `#${ref.bare}` : codeKey(ref.levels, ref.domain)): string | undefined {
    if (this.titles.has(key)) return this.titles.get(key);
    let title: string | undefined;
    if (ref.bare === undefined && ref.levels.length > 0 && ref.levels.length < this.grammar.levelCount) title = this.cluster(ref.levels, ref.domain);
    else {
      const item = this.item(ref);
      if (item) title = itemTitle(item);
    }
    this.titles.set(key, title);
    return title;
  }

  /**
   * The name of the cluster under a prefix: the categories its items share
   * when the table has categories, else the words most of its titles share.
   */
  cluster(levels: number[], domain?: string): string | undefined {
    const key = codeKey(levels, domain);
    if (this.clusters.has(key)) return this.clusters.get(key);
    const examples = this.lookup.size === 0 ? [] : this.lookup.prefix(levels, domain, CLUSTER_SAMPLE).examples;
    const name = categoriesName(examples) ?? wordsName(examples);
    this.clusters.set(key, name);
    return name;
  }

  /** The prefix written as a code, e.g. `<|sid_begin|><s_a_1><s_b_2><|sid_end|>`. */
  spell(levels: number[], domain?: string): string {
    return formatCode(this.grammar, levels, { domain });
  }
}

/** An item's title, else its caption shortened. */
export function itemTitle(item: ItemRecord): string | undefined {
  const t = item.title ?? item.caption;
  return t ? shorten(t, TITLE_LENGTH) : undefined;
}

/** Category paths are written `a > b`, lists `a, b` or `a; b`. */
const splitCategories = (c: string): string[] =>
  c
    .split(/\s*(?:>|,|;|\/)\s*/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The leading categories every categorised example shares (`Beauty / Hair Care`), or the most common list when they share none. */
function categoriesName(items: ItemRecord[]): string | undefined {
  const lists = items.filter((i) => i.categories).map((i) => splitCategories(i.categories!));
  if (lists.length === 0) return undefined;
  let common = lists[0];
  for (const l of lists) {
    let n = 0;
    while (n < common.length && n < l.length && common[n] === l[n]) n++;
    common = common.slice(0, n);
  }
  if (common.length > 0) return shorten(common.join(' / '), TITLE_LENGTH);
  const counts = new Map<string, number>();
  for (const l of lists) counts.set(l.join(' / '), (counts.get(l.join(' / ')) ?? 0) + 1);
  return shorten([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0], TITLE_LENGTH);
}

const STOP_WORDS = new Set(
  'a an the and or of for to in on at by with from about into over this that these those is are was were be it its as your you our how what why who best new one two all more most very just than then not no'.split(' '),
);

/** Up to three words that at least two titles share, most common first. */
function wordsName(items: ItemRecord[]): string | undefined {
  const counts = new Map<string, number>();
  for (const item of items) {
    const text = (item.title ?? item.caption ?? '').toLowerCase();
    const seen = new Set(text.match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []);
    for (const w of seen) if (w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const words = [...counts]
    .filter(([, n]) => n >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 3)
    .map(([w]) => w);
  return words.length > 0 ? words.join(' · ') : undefined;
}
