/**
 * Text search over an index's search records, read chunk by chunk from disk.
 *
 * Cost: one pass over the search section (the lower-cased title, categories,
 * caption and id of every item; about the size of the table's text), with
 * `Buffer.indexOf` finding matches natively. Roughly 0.3–1 s per GB on a
 * warm page cache; memory stays at one chunk (~1 MB) plus `limit` results.
 * Ranking is that of the in-memory lookup: a field that starts with the
 * query first, then a word that starts with it, then anywhere; within a
 * class, popularity order. A query never matches across two fields.
 */
import { FIELD_SEPARATOR, NO_ITEM, RECORD_END } from './format';
import { readFully } from './read-fully';

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Item indexes of the best `limit` matches of `query` (already trimmed and lower-cased), best first. */
export function searchChunks(fd: number, file: string, chunks: readonly [number, number, number][], inputItem: Uint32Array, rank: Uint32Array, query: string, limit: number): number[] {
  const q = Buffer.from(query, 'utf8');
  if (q.length === 0 || limit <= 0) return [];
  const best = new Best(limit);
  let buf = Buffer.allocUnsafe(1 << 20);
  for (const [offset, length, firstRow] of chunks) {
    if (length > buf.length) buf = Buffer.allocUnsafe(length);
    const view = buf.subarray(0, length);
    readFully(fd, view, offset, file);
    let row = firstRow;
    let recStart = 0;
    let recEnd = view.indexOf(RECORD_END, 0);
    let p = view.indexOf(q, 0);
    while (p >= 0) {
      while (recEnd >= 0 && recEnd < p) {
        recStart = recEnd + 1;
        row++;
        recEnd = view.indexOf(RECORD_END, recStart);
      }
      if (recEnd < 0) break; // a match past the last record end: a corrupt chunk
      // The best class over every occurrence in this record.
      let cls = 2;
      for (let m = p; m >= 0 && m < recEnd && cls > 0; m = view.indexOf(q, m + 1)) {
        if (m === recStart || view[m - 1] === FIELD_SEPARATOR) cls = 0;
        else if (cls === 2 && startsWord(view, m, recStart)) cls = 1;
      }
      const item = inputItem[row];
      if (item !== NO_ITEM && item !== undefined) best.offer(cls * 2 ** 32 + rank[item], item);
      p = view.indexOf(q, recEnd + 1);
    }
  }
  return best.items();
}

/** Whether the character before byte `m` is not a letter or digit (as `/[\p{L}\p{N}]/u` on the UTF-16 unit before it). */
function startsWord(view: Buffer, m: number, recStart: number): boolean {
  const b = view[m - 1];
  if (b < 0x80) return !((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a));
  let lead = m - 1;
  while (lead > recStart && (view[lead] & 0xc0) === 0x80) lead--;
  const first = view[lead];
  // A character outside the BMP ends in a low surrogate, which is neither letter nor digit.
  if (first >= 0xf0) return true;
  const ch = view.toString('utf8', lead, m);
  return !WORD_CHAR.test(ch);
}

/** The `limit` smallest keys seen, with their items. */
class Best {
  private keys: number[] = [];
  private values: number[] = [];
  private threshold = Infinity;

  constructor(private readonly limit: number) {}

  offer(key: number, item: number): void {
    if (key >= this.threshold) return;
    this.keys.push(key);
    this.values.push(item);
    if (this.keys.length >= 2 * this.limit + 64) this.trim();
  }

  items(): number[] {
    this.trim();
    return this.values;
  }

  private trim(): void {
    const order = this.keys.map((_, i) => i).sort((a, b) => this.keys[a] - this.keys[b]);
    const keep = order.slice(0, Math.min(order.length, this.limit));
    this.keys = keep.map((i) => this.keys[i]);
    this.values = keep.map((i) => this.values[i]);
    if (this.keys.length >= this.limit) this.threshold = this.keys[this.keys.length - 1];
  }
}
