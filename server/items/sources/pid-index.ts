/**
 * The `pid2sid` side of the OpenOneRec join, held compactly: each row's pid
 * and code in typed arrays and an open-addressing hash table from pid to
 * row. For 10M integer pids that is about 220 MB (8 B pid + 6 B code +
 * 1 B state + ~7 B of table per row) instead of gigabytes of row objects.
 * String pids are kept as JS strings (more memory; Parquet dumps use int64).
 */

/** Row state: skipped (bad row), waiting for its caption, already emitted. */
export const RowState = { Skipped: 0, Waiting: 1, Emitted: 2 } as const;

/** Pid → rows, plus each row's code and state. */
export class PidIndex {
  /** Integer pids (exact below 2^53), or strings once a pid is not such an integer. */
  private numeric: Float64Array | undefined;
  private strings: string[] | undefined;
  private readonly levels: Uint8Array | Uint16Array | Int32Array;
  readonly state: Uint8Array;
  private readonly table: Int32Array;
  private readonly mask: number;
  private readonly found: number[] = [];

  constructor(
    readonly rows: number,
    readonly width: number,
    codebook: number[],
  ) {
    this.numeric = new Float64Array(rows);
    const max = Math.max(...codebook);
    this.levels = max <= 256 ? new Uint8Array(rows * width) : max <= 65536 ? new Uint16Array(rows * width) : new Int32Array(rows * width);
    this.state = new Uint8Array(rows);
    // Load factor at most ~0.6; 0 marks an empty slot, so slots hold row + 1.
    let size = 16;
    while (size * 0.6 < rows) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Record row `r` with its pid and code; a row not set stays `Skipped`. */
  set(r: number, pid: number | bigint | string, levels: readonly number[]): void {
    if (this.numeric && !(typeof pid === 'number' ? Number.isSafeInteger(pid) : typeof pid === 'bigint' && pid <= BigInt(Number.MAX_SAFE_INTEGER) && pid >= -BigInt(Number.MAX_SAFE_INTEGER))) this.useStrings();
    if (this.numeric) this.numeric[r] = Number(pid);
    else this.strings![r] = String(pid);
    for (let k = 0; k < this.width; k++) this.levels[r * this.width + k] = levels[k];
    this.state[r] = RowState.Waiting;
    this.insert(r);
  }

  /**
   * Rows whose pid equals `pid` (several when pid2sid repeats a pid), in row
   * order: linear probing places a later duplicate after an earlier one.
   * The array is reused by the next call.
   */
  find(pid: unknown): number[] {
    const out = this.found;
    out.length = 0;
    let key: number | string;
    if (this.numeric) {
      const n = typeof pid === 'bigint' ? Number(pid) : typeof pid === 'string' && /^-?\d{1,15}$/.test(pid) ? Number(pid) : pid;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) return out;
      key = n;
    } else if (typeof pid === 'string' || typeof pid === 'number' || typeof pid === 'bigint') key = String(pid);
    else return out;
    for (let s = this.hash(key); ; s = (s + 1) & this.mask) {
      const slot = this.table[s];
      if (slot === 0) break;
      if (this.key(slot - 1) === key) out.push(slot - 1);
    }
    return out;
  }

  /** Row `r`'s pid as an item id. */
  id(r: number): string {
    return this.numeric ? String(this.numeric[r]) : this.strings![r];
  }

  /** Row `r`'s code. */
  code(r: number): number[] {
    const out: number[] = new Array(this.width);
    for (let k = 0, at = r * this.width; k < this.width; k++) out[k] = this.levels[at + k];
    return out;
  }

  private key(r: number): number | string {
    return this.numeric ? this.numeric[r] : this.strings![r];
  }

  private insert(r: number): void {
    let s = this.hash(this.key(r));
    while (this.table[s] !== 0) s = (s + 1) & this.mask;
    this.table[s] = r + 1;
  }

  private hash(key: number | string): number {
    let h: number;
    if (typeof key === 'number') {
      const lo = key >>> 0;
      const hi = Math.floor(key / 4294967296) | 0;
      h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    } else {
      h = 0x811c9dc5;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    }
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h & this.mask;
  }

  /** A pid that is not a safe integer arrived: key every row by its text from now on. */
  private useStrings(): void {
    const numeric = this.numeric!;
    this.strings = new Array<string>(this.rows);
    for (let r = 0; r < this.rows; r++) if (this.state[r] !== RowState.Skipped) this.strings[r] = String(numeric[r]);
    this.numeric = undefined;
    this.table.fill(0);
    for (let r = 0; r < this.rows; r++) if (this.state[r] !== RowState.Skipped) this.insert(r);
  }
}
