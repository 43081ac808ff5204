/**
 * The rows of a build in input order, as growable typed arrays: a few dozen
 * bytes per row, so 10⁷ rows fit in a few hundred MB with no objects. Text
 * goes straight to the blob writer.
 */
import type { ItemRow } from '../sources/types';
import type { BlobWriter } from './blob-writer';
import { idHash, NO_LEVEL } from './format';
import { IdBytes } from './id-order';

const MAX_DOMAINS = 255;
const MAX_SOURCES = 0xffff;

/** Double a typed array's capacity, keeping its contents. */
function grow<T extends Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  next.set(a);
  return next;
}

export class RowColumns {
  rows = 0;
  levels: Int32Array;
  popularity = new Float64Array(1 << 16);
  domain = new Uint8Array(1 << 16);
  source = new Uint16Array(1 << 16);
  line = new Uint32Array(1 << 16);
  hash = new Uint32Array(1 << 16);
  readonly ids = new IdBytes();
  /** Domain names by index; 0 is "no domain". */
  readonly domains: string[] = [''];
  private readonly domainIndex = new Map<string, number>([['', 0]]);

  constructor(
    readonly levelCount: number,
    private readonly blob: BlobWriter,
  ) {
    this.levels = new Int32Array((1 << 16) * levelCount);
  }

  /** Add a row read from source `sourceIndex`; returns why it cannot be indexed, or undefined. */
  add(row: ItemRow, sourceIndex: number): string | undefined {
    const L = this.levelCount;
    const id = row.id;
    if (typeof id !== 'string' || id === '') return 'no item id';
    const levels = row.levels;
    if (!Array.isArray(levels) || levels.length === 0 || levels.length > L) return `code has ${Array.isArray(levels) ? levels.length : 0} levels; the itemic-token grammar has ${L}`;
    for (const v of levels) if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) return `code level ${String(v)} is not a non-negative integer`;
    let domain = 0;
    if (row.domain) {
      const known = this.domainIndex.get(row.domain);
      if (known !== undefined) domain = known;
      else if (this.domains.length > MAX_DOMAINS) return `more than ${MAX_DOMAINS} domains; domain "${row.domain}" not indexed`;
      else {
        domain = this.domains.length;
        this.domains.push(row.domain);
        this.domainIndex.set(row.domain, domain);
      }
    }
    if (sourceIndex > MAX_SOURCES) return `more than ${MAX_SOURCES} tables`;
    const r = this.rows++;
    if (r >= this.popularity.length) {
      const need = r + 1;
      this.levels = grow(this.levels, need * L);
      this.popularity = grow(this.popularity, need);
      this.domain = grow(this.domain, need);
      this.source = grow(this.source, need);
      this.line = grow(this.line, need);
      this.hash = grow(this.hash, need);
    }
    for (let k = 0; k < L; k++) this.levels[r * L + k] = k < levels.length ? levels[k] : NO_LEVEL;
    this.popularity[r] = typeof row.popularity === 'number' ? row.popularity : NaN;
    this.domain[r] = domain;
    this.source[r] = sourceIndex;
    this.line[r] = typeof row.line === 'number' && row.line > 0 && row.line <= 0xffffffff ? row.line : 0;
    this.hash[r] = idHash(id);
    this.ids.push(id);
    this.blob.append(row);
    return undefined;
  }
}
