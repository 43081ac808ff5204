/**
 * Opens an item index file as an `ItemLookup`: the code columns are read
 * into typed arrays (one read each), text stays on disk and is read per
 * item. Exact, prefix and children queries are binary searches over the
 * sorted level columns; `byId` probes a sorted hash table; `search` scans
 * the search section (see search.ts for its cost).
 */
import * as fs from 'node:fs';
import type { ItemLookup, ItemRecord } from '../lookup';
import type { SourceProblem } from '../sources/types';
import { checksum, decodeHeader, decodeTextRecord, HEADER_SIZE, idHash, IndexError, NO_LEVEL, type IndexMeta, type SectionName, type TextRecord } from './format';
import { readFully } from './read-fully';
import { searchChunks } from './search';

const DEFAULT_EXAMPLES = 5;
const RECORD_CACHE = 4096;
const FIRST_READ = 512;

/** What `stats()` reports (the CLI's `--stats`). */
export interface IndexStats {
  items: number;
  /** Items that share their code (within a domain) with a more popular item. */
  collisions: number;
  levels: { level: number; used: number; codebook: number }[];
  sources: { path: string; items: number }[];
}

/** Read the header and meta of an index without loading it; throws `IndexError` when the file is not a usable index. */
export function readIndexMeta(file: string): IndexMeta {
  const fd = openFile(file);
  try {
    return readMeta(fd, file, fs.fstatSync(fd).size);
  } finally {
    fs.closeSync(fd);
  }
}

/** Open an index file; throws `IndexError` (corrupt, truncated, foreign or old-version file: rebuild it) or a file-system error. */
export function openIndex(file: string): IndexLookup {
  const fd = openFile(file);
  try {
    return new IndexLookup(fd, file, readMeta(fd, file, fs.fstatSync(fd).size));
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

function openFile(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (e) {
    throw new IndexError(`${file}: cannot open item index (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function readMeta(fd: number, file: string, size: number): IndexMeta {
  const head = Buffer.alloc(HEADER_SIZE);
  if (size >= HEADER_SIZE) readFully(fd, head, 0, file);
  const { meta: at } = decodeHeader(head, file, size);
  const bytes = Buffer.alloc(at.length);
  readFully(fd, bytes, at.offset, file);
  if (checksum(bytes) !== at.checksum) throw new IndexError(`${file}: item index metadata is corrupt (checksum mismatch); rebuild it`);
  let meta: IndexMeta;
  try {
    meta = JSON.parse(bytes.toString('utf8')) as IndexMeta;
  } catch {
    throw new IndexError(`${file}: item index metadata is not readable; rebuild it`);
  }
  const { items, rows, levelCount } = meta;
  if (!Number.isInteger(items) || !Number.isInteger(rows) || !Number.isInteger(levelCount) || levelCount < 1 || items > rows || !meta.sections || !Array.isArray(meta.searchChunks)) {
    throw new IndexError(`${file}: item index metadata is incomplete; rebuild it`);
  }
  for (const [offset, length] of meta.searchChunks) if (!(offset >= HEADER_SIZE && offset + length <= at.offset)) throw new IndexError(`${file}: item index search chunk outside the file; rebuild it`);
  return meta;
}

type Range = [number, number];

/** An `ItemLookup` over an index file. Call `close()` when done. */
export class IndexLookup implements ItemLookup {
  readonly size: number;
  readonly sources: string[];
  readonly fingerprint: string;
  /** Problems found while the index was built (rows skipped, duplicate ids…). */
  readonly problems: SourceProblem[];
  private readonly L: number;
  private readonly levels: Int32Array;
  private readonly rank: Uint32Array;
  private readonly popularity: Float64Array;
  private readonly domain: Uint8Array;
  private readonly source: Uint8Array | Uint16Array;
  private readonly line: Uint32Array;
  private readonly text: Float64Array;
  /** Loaded on first use: (item, hash) pairs, and input row → item. */
  private ids: Uint32Array | undefined;
  private inputItem: Uint32Array | undefined;
  private readonly domainIndex: Map<string, number>;
  private readonly domainRanges: Range[];
  private readonly cache = new Map<number, ItemRecord>();
  private readBuf = Buffer.allocUnsafe(FIRST_READ);
  private closed = false;

  constructor(
    private readonly fd: number,
    readonly file: string,
    private readonly meta: IndexMeta,
  ) {
    const n = meta.items;
    this.size = n;
    this.L = meta.levelCount;
    this.sources = meta.sources.map((s) => s.path);
    this.fingerprint = meta.fingerprint;
    this.problems = meta.problems ?? [];
    this.levels = this.section('levels', Int32Array, n * this.L);
    this.rank = this.section('rank', Uint32Array, n);
    this.popularity = this.section('popularity', Float64Array, n);
    this.domain = this.section('domain', Uint8Array, n);
    this.source = meta.sourceWidth === 2 ? this.section('source', Uint16Array, n) : this.section('source', Uint8Array, n);
    this.line = this.section('line', Uint32Array, n);
    this.text = this.section('text', Float64Array, n);
    this.domainIndex = new Map(meta.domains.map((d, i) => [d, i]));
    // The domain column is sorted: each domain is one run.
    this.domainRanges = meta.domains.map((_, d) => [this.bound(0, n, (i) => this.domain[i] - d, false), this.bound(0, n, (i) => this.domain[i] - d, true)]);
  }

  stats(): IndexStats {
    return { items: this.size, collisions: this.meta.collisions, levels: this.meta.levels.map((l) => ({ ...l })), sources: this.meta.sources.map((s) => ({ ...s })) };
  }

  /** Release the file; the lookup must not be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  exact(levels: number[], domain?: string): ItemRecord[] {
    if (levels.length === 0) return [];
    return this.byRank(this.ranges(levels, domain, true), true).map((i) => this.record(i));
  }

  has(levels: number[], domain?: string): boolean {
    return levels.length > 0 && this.ranges(levels, domain, true).length > 0;
  }

  prefix(levels: number[], domain?: string, limit = DEFAULT_EXAMPLES): { count: number; examples: ItemRecord[] } {
    const ranges = this.ranges(levels, domain, false);
    const count = ranges.reduce((a, [lo, hi]) => a + hi - lo, 0);
    return { count, examples: this.topByRank(ranges, count, Math.max(0, limit)).map((i) => this.record(i)) };
  }

  children(levels: number[], domain?: string, limit = Infinity): { value: number; count: number; example?: ItemRecord }[] {
    const k = levels.length;
    if (k >= this.L) return [];
    const groups = new Map<number, { value: number; count: number; runs: Range[] }>();
    for (const [lo, hi] of this.ranges(levels, domain, false)) {
      // Within a prefix range, level k is sorted: one binary search per distinct value.
      for (let p = lo; p < hi; ) {
        const v = this.levels[p * this.L + k];
        const end = this.bound(p, hi, (i) => this.levels[i * this.L + k] - v, true);
        if (v !== NO_LEVEL) {
          const g = groups.get(v);
          if (g) {
            g.count += end - p;
            g.runs.push([p, end]);
          } else groups.set(v, { value: v, count: end - p, runs: [[p, end]] });
        }
        p = end;
      }
    }
    const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.value - b.value).slice(0, Math.max(0, limit));
    return sorted.map((g) => ({ value: g.value, count: g.count, example: this.record(this.topByRank(g.runs, g.count, 1)[0]) }));
  }

  byId(id: string): ItemRecord | undefined {
    this.assertOpen();
    const ids = (this.ids ??= this.section('ids', Uint32Array, 2 * this.size));
    const h = idHash(id);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[2 * mid + 1] < h) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < this.size && ids[2 * j + 1] === h; j++) {
      const record = this.record(ids[2 * j]);
      if (record.id === id) return record;
    }
    return undefined;
  }

  search(query: string, limit: number): ItemRecord[] {
    const q = query.trim().toLowerCase();
    if (!q || limit <= 0) return [];
    this.assertOpen();
    const inputItem = (this.inputItem ??= this.section('inputItem', Uint32Array, this.meta.rows));
    return searchChunks(this.fd, this.file, this.meta.searchChunks, inputItem, this.rank, q, limit).map((i) => this.record(i));
  }

  /**
   * The non-empty item ranges a query covers. With a domain: that domain's
   * items, or, when it has none there, those without a domain (never another
   * domain's); without one: every domain's. `exact` keeps codes of exactly
   * `levels.length` levels.
   */
  private ranges(levels: readonly number[], domain: string | undefined, exact: boolean): Range[] {
    this.assertOpen();
    const L = this.L;
    if (levels.length > L) return [];
    for (const v of levels) if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) return [];
    const q = exact && levels.length < L ? [...levels, NO_LEVEL] : levels;
    const m = q.length;
    const cmp = (i: number): number => {
      const base = i * L;
      for (let k = 0; k < m; k++) {
        const d = this.levels[base + k] - q[k];
        if (d !== 0) return d;
      }
      return 0;
    };
    const within = ([s, e]: Range): Range => {
      const lo = this.bound(s, e, cmp, false);
      return [lo, this.bound(lo, e, cmp, true)];
    };
    const nonEmpty = (r: Range): boolean => r[1] > r[0];
    if (domain && this.domainRanges.length > 1) {
      const d = this.domainIndex.get(domain);
      if (d !== undefined && d > 0) {
        const same = within(this.domainRanges[d]);
        if (nonEmpty(same)) return [same];
      }
      return [within(this.domainRanges[0])].filter(nonEmpty);
    }
    return this.domainRanges.map(within).filter(nonEmpty);
  }

  /** First index in [lo, hi) where `cmp` is ≥ 0 (or > 0 with `upper`); `cmp` is monotone over the range. */
  private bound(lo: number, hi: number, cmp: (i: number) => number, upper: boolean): number {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = cmp(mid);
      if (c < 0 || (upper && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Every item of the ranges, most popular first; the items of one exact code are already in that order. */
  private byRank(ranges: Range[], oneCode = false): number[] {
    const out: number[] = [];
    for (const [lo, hi] of ranges) for (let i = lo; i < hi; i++) out.push(i);
    if (ranges.length > 1 || !oneCode) out.sort((a, b) => this.rank[a] - this.rank[b]);
    return out;
  }

  /** The `limit` most popular items of the ranges (`count` items in all). */
  private topByRank(ranges: Range[], count: number, limit: number): number[] {
    if (limit <= 0 || count === 0) return [];
    if (limit * 4 >= count) return this.byRank(ranges).slice(0, limit);
    const rank = this.rank;
    const best: number[] = [];
    for (const [lo, hi] of ranges) {
      for (let i = lo; i < hi; i++) {
        const r = rank[i];
        if (best.length === limit && r >= rank[best[limit - 1]]) continue;
        let j = best.length === limit ? limit - 1 : best.length;
        while (j > 0 && rank[best[j - 1]] > r) {
          best[j] = best[j - 1];
          j--;
        }
        best[j] = i;
      }
    }
    return best;
  }

  /** Item `i` as a record; its text is read from the file when first used (and records are cached). */
  private record(i: number): ItemRecord {
    const cached = this.cache.get(i);
    if (cached) {
      this.cache.delete(i);
      this.cache.set(i, cached);
      return cached;
    }
    this.assertOpen();
    const L = this.L;
    const levels: number[] = [];
    for (let k = 0; k < L; k++) {
      const v = this.levels[i * L + k];
      if (v === NO_LEVEL) break;
      levels.push(v);
    }
    const popularity = this.popularity[i];
    const item = new IndexedItem(
      () => this.readText(this.text[i]),
      levels,
      { path: this.sources[this.source[i]], ...(this.line[i] > 0 ? { line: this.line[i] } : {}) },
      this.meta.domains[this.domain[i]] || undefined,
      popularity === popularity ? popularity : undefined,
    );
    this.cache.set(i, item);
    if (this.cache.size > RECORD_CACHE) this.cache.delete(this.cache.keys().next().value as number);
    return item;
  }

  private readText(offset: number): TextRecord {
    // A record kept past a reload must not read through a descriptor the process may have reused.
    this.assertOpen();
    let want = FIRST_READ;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.readBuf.length < want) this.readBuf = Buffer.allocUnsafe(want);
      const got = fs.readSync(this.fd, this.readBuf, 0, want, offset);
      const decoded = decodeTextRecord(this.readBuf, 0, got);
      if ('record' in decoded) return decoded.record;
      if (got < want || decoded.need <= want) break; // the file ended inside the record
      want = decoded.need;
    }
    throw new IndexError(`${this.file}: item text record at byte ${offset} is corrupt or truncated; rebuild the index`);
  }

  /** Read a column section into a typed array, checking its size and checksum. */
  private section<T extends Int32Array | Uint32Array | Float64Array | Uint8Array | Uint16Array>(name: SectionName, Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, count: number): T {
    this.assertOpen();
    const s = this.meta.sections[name];
    const bytes = count * Type.BYTES_PER_ELEMENT;
    if (!s || s.length !== bytes) throw new IndexError(`${this.file}: item index section "${name}" has the wrong size; rebuild it`);
    const buffer = new ArrayBuffer(bytes);
    const view = new Uint8Array(buffer);
    readFully(this.fd, view, s.offset, this.file);
    if (checksum(view) !== s.checksum) throw new IndexError(`${this.file}: item index section "${name}" is corrupt (checksum mismatch); rebuild it`);
    return new Type(buffer);
  }

  private assertOpen(): void {
    if (this.closed) throw new IndexError(`${this.file}: item index is closed`);
  }
}

/**
 * An item of the index. Code, domain, popularity and source come from the
 * columns in memory; id and text sit in the file and are read on first use,
 * so resolving a code (or checking that it exists) touches no disk.
 */
class IndexedItem implements ItemRecord {
  private loaded: TextRecord | undefined;

  constructor(
    private readonly read: () => TextRecord,
    readonly levels: number[],
    readonly source: { path: string; line?: number },
    readonly domain: string | undefined,
    readonly popularity: number | undefined,
  ) {}

  private get text(): TextRecord {
    return (this.loaded ??= this.read());
  }

  get id(): string {
    return this.text.id;
  }

  get title(): string | undefined {
    return this.text.title;
  }

  get caption(): string | undefined {
    return this.text.caption;
  }

  get categories(): string | undefined {
    return this.text.categories;
  }
}
