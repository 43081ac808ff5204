/**
 * How close a description a step gives of an item is to what the item table
 * says (docs/checks.md, "Similarity"). The measure is behind `Similarity`,
 * so a small local embedding model can replace it later without touching
 * the checks.
 *
 * Decisions:
 * - Containment, not symmetric overlap: the share of the description's
 *   features found in the reference. A step usually quotes a short title or
 *   paraphrases part of a long caption; what matters is whether what it
 *   says is in the table, not whether it says everything.
 * - Features: Latin-script words (lower-cased, NFKC, a plural or `-ing`
 *   ending folded, function words and generic media words dropped) and, for
 *   Chinese / Japanese / Korean text, character bigrams of each run (a run
 *   of one character is a unigram), runs cut at function characters (的, 了,
 *   是, …). Bigrams are the usual unit for Chinese without a segmenter.
 * - A word that is not in the reference still counts when it is a near
 *   spelling of a reference word (Dice over character trigrams ≥ 0.75:
 *   "photograph" / "photography"), so a typo is not a contradiction.
 * - Rarity weights: each feature of the description weighs
 *   log((n + 2) / (df + 1)), df being how many of n background texts hold
 *   it. The background is the item's neighbours in the table (the items of
 *   its cluster), so the words every title of a cluster shares ("gear
 *   check", "trip report", "教程") say little and the words that tell the
 *   item from its neighbours say much. Without a background every feature
 *   weighs the same. Neighbours come from `ItemLookup.prefix`, which every
 *   pool answers fast; corpus-wide frequencies would need a scan of 10⁶+
 *   items.
 * - Descriptions and references in different scripts (a Chinese description
 *   of an English-only item) share no features whatever they mean: the
 *   checks treat such pairs as unverifiable (`comparable`), not as wrong.
 */

/** A similarity between a description (a claim) and a reference text of the table, in [0, 1]. */
export interface Similarity {
  readonly name: string;
  /** `background`: texts of the reference's neighbours, to weigh what tells it apart (a measure may ignore them). */
  score(claim: string, reference: string, background?: Background): number;
}

/** Feature frequencies over a set of texts. */
export interface Background {
  size: number;
  df: Map<string, number>;
}

/** The background of some texts (each text counted once per feature). */
export function background(texts: readonly string[]): Background {
  const df = new Map<string, number>();
  for (const t of texts) for (const f of new Set(features(t))) df.set(f, (df.get(f) ?? 0) + 1);
  return { size: texts.length, df };
}

const STOP_WORDS = new Set(
  'a an the of for with and or about in on to at by from into is are was were be been this that these those it its as than then but so very just one new my your our their his her all any some video videos clip clips item items episode'.split(' '),
);
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;
// Function characters that cut a Chinese run: their bigrams say nothing about an item.
const CJK_STOP = /[的了是和与及在个这那一也都就而或之其为有]/u;

/** A Latin word with a plural or -ing ending folded (`hikers` → `hiker`, `photos` → `photo`). */
function fold(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

/** The features of a text: folded words (Latin script) and character bigrams (CJK runs). */
export function features(text: string): string[] {
  const s = text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  for (const m of s.replace(CJK_RUN, ' ').matchAll(WORD)) if (!STOP_WORDS.has(m[0])) out.push(fold(m[0]));
  for (const m of s.matchAll(CJK_RUN)) {
    for (const run of m[0].split(CJK_STOP)) {
      if (run.length === 1) out.push(run);
      for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
    }
  }
  return out;
}

/** Whether the text has Chinese / Japanese / Korean characters, and whether it has Latin words. */
function scripts(text: string): { cjk: boolean; latin: boolean } {
  return { cjk: CJK.test(text), latin: /\p{Script=Latin}/u.test(text) };
}

/** Whether a description and a reference share a script, so that a low score means something. */
export function comparable(claim: string, reference: string): boolean {
  const a = scripts(claim);
  const b = scripts(reference);
  return (a.cjk && b.cjk) || (a.latin && b.latin);
}

function trigrams(w: string): Set<string> {
  const padded = ` ${w} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

function dice(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return a.size + b.size === 0 ? 0 : (2 * shared) / (a.size + b.size);
}

const NEAR_SPELLING = 0.75;

/** Word and character n-gram containment (see the module comment). */
export const ngramSimilarity: Similarity = {
  name: 'word and character n-gram containment',
  score(claim, reference, bg) {
    const want = [...new Set(features(claim))];
    if (want.length === 0) return 0;
    const have = new Set(features(reference));
    let near: Set<string>[] | undefined;
    let found = 0;
    let all = 0;
    for (const f of want) {
      const w = bg ? Math.log((bg.size + 2) / ((bg.df.get(f) ?? 0) + 1)) : 1;
      all += w;
      if (have.has(f)) found += w;
      else if (f.length >= 4 && !CJK.test(f)) {
        near ??= [...have].filter((h) => h.length >= 4 && !CJK.test(h)).map(trigrams);
        const g = trigrams(f);
        if (near.some((h) => dice(g, h) >= NEAR_SPELLING)) found += w;
      }
    }
    return all === 0 ? 0 : found / all;
  },
};
