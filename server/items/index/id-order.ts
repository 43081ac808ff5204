/**
 * Sorting rows by item id without holding ids as JS strings: ids live as
 * UTF-8 bytes in one buffer, and rows are sorted by 5-byte windows packed
 * with the row's position into 64-bit integers (a native typed-array sort),
 * recursing into runs that tie. The order is JavaScript's string order
 * (UTF-16 code units), which `mapLeadByte` makes byte-comparable.
 */

/** Growable UTF-8 storage of ids in row order. */
export class IdBytes {
  bytes = new Uint8Array(1 << 20);
  /** `starts[row]` .. `starts[row + 1]` are the row's bytes. */
  starts = new Float64Array(1 << 16);
  rows = 0;
  private used = 0;
  private scratch = Buffer.alloc(1 << 12);

  /** Append an id; its bytes are stored in UTF-16 order (see `mapLeadByte`). */
  push(id: string): void {
    let need = Buffer.byteLength(id, 'utf8');
    if (need > this.scratch.length) this.scratch = Buffer.alloc(need * 2);
    need = this.scratch.write(id, 0, 'utf8');
    if (this.used + need > this.bytes.length) {
      const next = new Uint8Array(Math.max(this.bytes.length * 2, this.used + need));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    if (this.rows + 2 > this.starts.length) {
      const next = new Float64Array(this.starts.length * 2);
      next.set(this.starts);
      this.starts = next;
    }
    const out = this.bytes;
    const s = this.scratch;
    let at = this.used;
    for (let i = 0; i < need; i++) {
      const b = s[i];
      out[at++] = b >= 0xee ? mapLeadByte(b) : b;
    }
    this.used = at;
    this.rows++;
    this.starts[this.rows] = at;
  }
}

/**
 * UTF-8 bytes compare like code points, but JS strings compare by UTF-16 code
 * units, where U+10000… (surrogates, D800…) sort before U+E000…U+FFFF. Lead
 * bytes 0xEE–0xEF (U+E000…) and 0xF0–0xF4 (U+10000…) only ever start a
 * character, so swapping their ranks per byte gives the UTF-16 order.
 */
function mapLeadByte(b: number): number {
  if (b === 0xee) return 0xf3;
  if (b === 0xef) return 0xf4;
  if (b <= 0xf4) return b - 2; // 0xF0..0xF4 → 0xEE..0xF2
  return b;
}

const SMALL_RUN = 16;

/** Sort `rows` in place by (id, row): JS string order of ids, first row first among equal ids. */
export function sortRowsById(rows: Uint32Array, ids: IdBytes): void {
  sortRun(rows, 0, rows.length, 0, ids.bytes, ids.starts);
}

function sortRun(rows: Uint32Array, lo: number, hi: number, depth: number, bytes: Uint8Array, starts: Float64Array): void {
  const m = hi - lo;
  if (m < 2) return;
  if (m <= SMALL_RUN) {
    insertionSort(rows, lo, hi, depth, bytes, starts);
    return;
  }
  // Five key bytes and a 24-bit position, or four and a 32-bit one for huge runs.
  const wide = m <= 1 << 24;
  const width = wide ? 5 : 4;
  const keys = new BigUint64Array(m);
  const words = new Uint32Array(keys.buffer);
  let same = true;
  for (let j = 0; j < m; j++) {
    const row = rows[lo + j];
    const a = starts[row] + depth;
    const e = starts[row + 1];
    const b0 = a < e ? bytes[a] : 0;
    const b1 = a + 1 < e ? bytes[a + 1] : 0;
    const b2 = a + 2 < e ? bytes[a + 2] : 0;
    const b3 = a + 3 < e ? bytes[a + 3] : 0;
    const high = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
    const low = wide ? (((a + 4 < e ? bytes[a + 4] : 0) << 24) | j) >>> 0 : j;
    words[2 * j] = low;
    words[2 * j + 1] = high;
    if (same && j > 0 && (high !== words[1] || (wide && low >>> 24 !== words[0] >>> 24))) same = false;
  }
  if (!same) {
    keys.sort();
    const copy = rows.slice(lo, hi);
    const mask = wide ? 0xffffff : 0xffffffff;
    for (let j = 0; j < m; j++) rows[lo + j] = copy[(words[2 * j] & mask) >>> 0];
  }
  // Runs of equal windows: go deeper where some id continues, else order by length (trailing NULs) and row.
  let start = 0;
  for (let j = 1; j <= m; j++) {
    if (j < m && words[2 * j + 1] === words[2 * start + 1] && (!wide || words[2 * j] >>> 24 === words[2 * start] >>> 24)) continue;
    if (j - start > 1) {
      const rlo = lo + start;
      const rhi = lo + j;
      let longer = false;
      for (let r = rlo; r < rhi && !longer; r++) longer = starts[rows[r] + 1] - starts[rows[r]] > depth + width;
      if (longer) sortRun(rows, rlo, rhi, depth + width, bytes, starts);
      else insertionSort(rows, rlo, rhi, depth + width, bytes, starts);
    }
    start = j;
  }
}

/** Compare two rows' ids from byte `depth` on, then by length, then by row. */
function compareRows(a: number, b: number, depth: number, bytes: Uint8Array, starts: Float64Array): number {
  const ea = starts[a + 1];
  const eb = starts[b + 1];
  let i = starts[a] + depth;
  let k = starts[b] + depth;
  for (; i < ea && k < eb; i++, k++) if (bytes[i] !== bytes[k]) return bytes[i] - bytes[k];
  return ea - i - (eb - k) || a - b;
}

function insertionSort(rows: Uint32Array, lo: number, hi: number, depth: number, bytes: Uint8Array, starts: Float64Array): void {
  if (hi - lo > SMALL_RUN * 4) {
    const part = Array.from(rows.subarray(lo, hi)).sort((a, b) => compareRows(a, b, depth, bytes, starts));
    rows.set(part, lo);
    return;
  }
  for (let i = lo + 1; i < hi; i++) {
    const row = rows[i];
    let j = i - 1;
    while (j >= lo && compareRows(rows[j], row, depth, bytes, starts) > 0) {
      rows[j + 1] = rows[j];
      j--;
    }
    rows[j + 1] = row;
  }
}

/** Whether two rows have the same id. */
export function sameId(a: number, b: number, ids: IdBytes): boolean {
  const { bytes, starts } = ids;
  const la = starts[a + 1] - starts[a];
  if (la !== starts[b + 1] - starts[b]) return false;
  for (let i = 0, pa = starts[a], pb = starts[b]; i < la; i++) if (bytes[pa + i] !== bytes[pb + i]) return false;
  return true;
}
