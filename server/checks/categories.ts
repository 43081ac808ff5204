/**
 * Category paths as the checks compare them. Tables write categories as a
 * path (`Hiking, Navigation` from a list, `Beauty > Skin Care`, `户外/徒步`);
 * steps write them as `Hiking / Navigation`, `(Navigation)`, `户外 / 徒步`.
 * Both become a list of parts, coarse to fine.
 */
import type { ItemRecord } from '../items/lookup';
import type { Similarity } from './similarity';

const SEPARATORS = /\s*(?:[,;>|/、，；›»]|\s-\s)\s*/u;

/** The parts of a category path, trimmed, empty ones dropped. */
export function categoryParts(s: string): string[] {
  return s
    .split(SEPARATORS)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** How well claimed category parts match an item's categories: the mean, over claimed parts, of the best similarity to one of the item's parts. */
export function categoryScore(claimed: string, categories: string, similarity: Similarity): number {
  const want = categoryParts(claimed);
  const have = categoryParts(categories);
  if (want.length === 0 || have.length === 0) return 0;
  let sum = 0;
  for (const w of want) sum += Math.max(...have.map((h) => similarity.score(w, h)));
  return sum / want.length;
}

/**
 * Whether an item lies in the category a phrase names: every part of the
 * phrase is one of the item's parts (`Navigation`, `Hiking / Navigation`;
 * not `Hiking / Cooking`).
 */
export function inCategory(item: ItemRecord, phrase: string, similarity: Similarity): boolean {
  return item.categories !== undefined && categoryScore(phrase, item.categories, similarity) >= 1;
}
