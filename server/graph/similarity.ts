/**
 * Text and evidence similarity for matching reasoning steps across two
 * graphs: words (and itemic-code keys) interned as integers, kept as sorted
 * arrays (compared by Jaccard index in diff.ts).
 */

/** Assigns each distinct string a small integer. */
export class Interner {
  private readonly ids = new Map<string, number>();

  /** How many strings have an id (ids run from 0 to size − 1). */
  get size(): number {
    return this.ids.size;
  }

  id(s: string): number {
    let n = this.ids.get(s);
    if (n === undefined) {
      n = this.ids.size;
      this.ids.set(s, n);
    }
    return n;
  }

  /** The sorted, duplicate-free ids of some strings. */
  set(strings: readonly string[]): Int32Array {
    const ids = new Int32Array(strings.length);
    for (let i = 0; i < strings.length; i++) ids[i] = this.id(strings[i]);
    ids.sort();
    let n = 0;
    for (let i = 0; i < ids.length; i++) if (i === 0 || ids[i] !== ids[i - 1]) ids[n++] = ids[i];
    return ids.slice(0, n);
  }
}

// Scripts written without spaces between words: compared by character pairs.
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const WORD = /[\p{L}\p{N}]+(?:[.:][\p{L}\p{N}]+)*/gu;

/**
 * The words of a step's text, lower-cased. Each itemic code written in the
 * text stands as one word, its key (`6301.7201`), so that "the cluster
 * <code>" and "the cluster <same code>" read alike whatever the spelling;
 * Chinese and other unspaced scripts count character pairs.
 */
export function words(text: string, codes: readonly { code: string; key: string }[]): string[] {
  let t = text;
  for (const c of codes) if (c.code && t.includes(c.code)) t = t.split(c.code).join(` ${c.key} `);
  const out: string[] = [];
  // Most text has no unspaced script: one test of the whole text spares one per word.
  const unspaced = UNSPACED.test(t);
  for (const m of t.toLowerCase().matchAll(WORD)) {
    const w = m[0];
    if (!unspaced || !UNSPACED.test(w)) out.push(w);
    else if (w.length === 1) out.push(w);
    else for (let i = 0; i + 1 < w.length; i++) out.push(w.slice(i, i + 2));
  }
  return out;
}

/** Whether two sorted id arrays hold the same ids. */
export function sameSet(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Text compared for equality: blanks collapsed. */
export const normalText = (text: string): string => text.replace(/\s+/g, ' ').trim();
