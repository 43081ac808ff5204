/**
 * Builds an item index file from row sources: rows are stored as they arrive
 * (text to the file, codes to typed arrays), then ordered with radix and
 * packed-key sorts, then written as columns. Writes `file`.PID.tmp and
 * renames it, so a crash or a cancellation never leaves a broken index.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { CompiledGrammar } from '../grammar';
import type { ItemRow, RowSource, SourceProblem } from '../sources/types';
import { MAX_REPORTED_PROBLEMS, PATHS_SETTING } from '../sources/problems';
import { BlobWriter } from './blob-writer';
import { checksum, encodeHeader, HEADER_SIZE, NO_ITEM, type IndexMeta, type Section, type SectionName } from './format';
import { sameId, sortRowsById } from './id-order';
import { descendingFloatKeys, sortByKey } from './radix';
import { RowColumns } from './row-columns';

export interface BuildOptions {
  /** Stored in the header; `loadOrBuild` compares it to decide whether the file is current. */
  fingerprint: string;
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
}

export interface BuildResult {
  items: number;
  collisions: number;
  problems: SourceProblem[];
}

const READ_SHARE = 0.85;
const WRITE_CHUNK = 1 << 20;

/** Build the index of `sources` (read in order; the first of two equal ids wins) into `file`. */
export async function buildIndex(sources: RowSource[], grammar: CompiledGrammar, file: string, options: BuildOptions): Promise<BuildResult> {
  const { signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  signal?.throwIfAborted();
  await fs.promises.mkdir(nodePath.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const blob = new BlobWriter(fd, HEADER_SIZE);
    const cols = new RowColumns(grammar.levelCount, blob);
    const problems = await readSources(sources, cols, progress, signal);
    const end = blob.finish();

    progress(READ_SHARE, 'ordering items');
    await breathe(signal);
    const order = await orderRows(cols, sources, problems, signal);

    progress(0.95, 'writing index');
    await breathe(signal);
    const result = writeColumns(fd, end, cols, blob, order, sources, problems, grammar, options.fingerprint);
    fs.closeSync(fd);
    signal?.throwIfAborted();
    fs.renameSync(tmp, file);
    progress(1, `indexed ${result.items.toLocaleString('en')} items`);
    return result;
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Let other work (hovers, cancellation) run between long synchronous steps. */
async function breathe(signal: AbortSignal | undefined): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

/** Listed one by one up to MAX_REPORTED_PROBLEMS, then counted. */
class ProblemList {
  readonly listed: SourceProblem[] = [];
  private more = new Map<string, number>();

  add(p: SourceProblem, kind: string): void {
    if (this.listed.length < MAX_REPORTED_PROBLEMS) this.listed.push(p);
    else this.more.set(`${p.path}\n${kind}`, (this.more.get(`${p.path}\n${kind}`) ?? 0) + 1);
  }

  all(): SourceProblem[] {
    const rest = [...this.more].map(([key, n]) => {
      const [path, kind] = key.split('\n');
      return { path, message: `${n} more ${kind} not listed` };
    });
    return [...this.listed, ...rest];
  }
}

async function readSources(sources: RowSource[], cols: RowColumns, progress: NonNullable<BuildOptions['onProgress']>, signal: AbortSignal | undefined): Promise<ProblemList> {
  const problems = new ProblemList();
  const total = sources.reduce((a, s) => a + Math.max(1, s.size), 0);
  let before = 0;
  for (let s = 0; s < sources.length; s++) {
    const source = sources[s];
    const size = Math.max(1, source.size);
    let skipped = 0;
    for await (const batch of source.batches()) {
      signal?.throwIfAborted();
      const rows: ItemRow[] = batch.rows;
      for (const row of rows) {
        const reason = cols.add(row, s);
        if (reason === undefined) continue;
        skipped++;
        problems.add({ path: source.path, line: row.line, message: `item ${JSON.stringify(String(row.id))}: ${reason}; row skipped` }, 'rows skipped');
      }
      const fraction = (before + Math.min(size, batch.done)) / total;
      progress(fraction * READ_SHARE, `reading ${nodePath.basename(source.path)}`);
    }
    for (const p of source.problems()) problems.listed.push(p);
    if (skipped > 0) problems.listed.push({ path: source.path, message: `${skipped} rows could not be indexed` });
    before += size;
  }
  return problems;
}

/** The order of items: `items[i]` is the input row of item i; `rank[row]` its place in popularity order. */
interface Order {
  items: Uint32Array;
  rank: Uint32Array;
}

async function orderRows(cols: RowColumns, sources: RowSource[], problems: ProblemList, signal: AbortSignal | undefined): Promise<Order> {
  const n = cols.rows;
  const L = cols.levelCount;
  const byId = new Uint32Array(n);
  for (let r = 0; r < n; r++) byId[r] = r;
  sortRowsById(byId, cols.ids);
  await breathe(signal);

  // Equal ids are adjacent, first row first: keep that one.
  let kept = 0;
  let duplicates = 0;
  for (let i = 0; i < n; i++) {
    const row = byId[i];
    if (kept > 0 && sameId(byId[kept - 1], row, cols.ids)) {
      duplicates++;
      const first = byId[kept - 1];
      const where = (r: number): string => `${sources[cols.source[r]].path}${cols.line[r] ? ` line ${cols.line[r]}` : ''}`;
      problems.add({ path: sources[cols.source[row]].path, line: cols.line[row] || undefined, message: `item id ${JSON.stringify(idAt(cols, row))} is also in ${where(first)}; kept the first (tables are read in the order of ${PATHS_SETTING})` }, 'duplicate ids');
      continue;
    }
    byId[kept++] = row;
  }
  if (duplicates > 0) problems.listed.push({ path: sources[0]?.path ?? '', message: `${duplicates} duplicate item ids skipped` });

  let order: Uint32Array = byId.subarray(0, kept);
  let spare: Uint32Array = new Uint32Array(kept);
  const sortBy = (key: Uint32Array): void => {
    const out = sortByKey(order, key, spare);
    if (out === spare) {
      spare = order;
      order = out;
    }
  };
  // Popularity order (largest first, missing last, then id): stable sorts by the key's low then high word.
  const { low, high } = descendingFloatKeys(cols.popularity, n);
  sortBy(low);
  sortBy(high);
  const rank = new Uint32Array(n);
  for (let i = 0; i < kept; i++) rank[order[i]] = i;
  await breathe(signal);

  // Code order, least significant key first: rank is already the order; then each level from the last; then domain.
  const key = low;
  for (let k = L - 1; k >= 0; k--) {
    for (let r = 0; r < n; r++) key[r] = (cols.levels[r * L + k] + 1) >>> 0;
    sortBy(key);
  }
  if (cols.domains.length > 1) {
    for (let r = 0; r < n; r++) key[r] = cols.domain[r];
    sortBy(key);
  }
  return { items: order.slice(), rank };
}

function idAt(cols: RowColumns, row: number): string {
  const { bytes, starts } = cols.ids;
  // Stored bytes are in UTF-16 order; only lead bytes ≥ 0xEE differ from UTF-8, and messages can live with that.
  return Buffer.from(bytes.buffer, bytes.byteOffset + starts[row], starts[row + 1] - starts[row]).toString('utf8');
}

/** Write every column section, the meta and the header; returns the build result. */
function writeColumns(fd: number, start: number, cols: RowColumns, blob: BlobWriter, order: Order, sources: RowSource[], problems: ProblemList, grammar: CompiledGrammar, fingerprint: string): BuildResult {
  const n = order.items.length;
  const L = cols.levelCount;
  const items = order.items;
  let position = align8(start);
  const sections = {} as Record<SectionName, Section>;

  /** Write a column of `count` elements of `Type`, `fill(out, from)` filling elements from..from+out.length. */
  const column = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(name: SectionName, Type: new (n: number) => T, count: number, fill: (out: T, from: number) => void): void => {
    const offset = position;
    let state: number | undefined;
    const chunk = new Type(Math.min(count, WRITE_CHUNK));
    for (let from = 0; from < count; from += chunk.length) {
      const out = (from + chunk.length > count ? chunk.subarray(0, count - from) : chunk) as T;
      fill(out, from);
      const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      state = checksum(bytes, state);
      let done = 0;
      while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
      position += bytes.length;
    }
    sections[name] = { offset, length: position - offset, checksum: state ?? checksum(new Uint8Array(0)) };
    position = align8(position);
  };

  column('levels', Int32Array, n * L, (out, from) => {
    for (let j = 0; j < out.length; j++) {
      const e = from + j;
      out[j] = cols.levels[items[(e / L) | 0] * L + (e % L)];
    }
  });
  const perItem = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(name: SectionName, Type: new (n: number) => T, value: (row: number) => number): void =>
    column(name, Type, n, (out, from) => {
      for (let j = 0; j < out.length; j++) out[j] = value(items[from + j]);
    });
  perItem('rank', Uint32Array, (r) => order.rank[r]);
  perItem('popularity', Float64Array, (r) => cols.popularity[r]);
  perItem('domain', Uint8Array, (r) => cols.domain[r]);
  const sourceWidth = sources.length <= 0xff ? 1 : 2;
  if (sourceWidth === 1) perItem('source', Uint8Array, (r) => cols.source[r]);
  else perItem('source', Uint16Array, (r) => cols.source[r]);
  perItem('line', Uint32Array, (r) => cols.line[r]);
  perItem('text', Float64Array, (r) => blob.textOffsets[r]);

  // byId: (hash, item) pairs sorted by hash, packed as 64-bit integers for one native sort.
  const pairs = new BigUint64Array(n);
  const words = new Uint32Array(pairs.buffer);
  for (let i = 0; i < n; i++) {
    words[2 * i] = i;
    words[2 * i + 1] = cols.hash[items[i]];
  }
  pairs.sort();
  column('ids', Uint32Array, 2 * n, (out, from) => out.set(words.subarray(from, from + out.length)));

  const inputItem = new Uint32Array(cols.rows).fill(NO_ITEM);
  for (let i = 0; i < n; i++) inputItem[items[i]] = i;
  column('inputItem', Uint32Array, cols.rows, (out, from) => out.set(inputItem.subarray(from, from + out.length)));

  const collisions = countCollisions(cols, items);
  const perSource = new Array<number>(sources.length).fill(0);
  for (let i = 0; i < n; i++) perSource[cols.source[items[i]]]++;
  const meta: IndexMeta = {
    fingerprint,
    levelCount: L,
    items: n,
    rows: cols.rows,
    collisions,
    domains: cols.domains,
    sources: sources.map((s, i) => ({ path: s.path, items: perSource[i] })),
    sourceWidth,
    sections,
    searchChunks: blob.searchChunks,
    levels: levelUsage(cols, items, grammar),
    problems: problems.all(),
  };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const metaAt = position;
  fs.writeSync(fd, metaBytes, 0, metaBytes.length, metaAt);
  const fileLength = metaAt + metaBytes.length;
  fs.writeSync(fd, encodeHeader({ offset: metaAt, length: metaBytes.length, checksum: checksum(metaBytes) }, fileLength), 0, HEADER_SIZE, 0);
  return { items: n, collisions, problems: meta.problems };
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Items whose (domain, code) equals the previous item's in code order. */
function countCollisions(cols: RowColumns, items: Uint32Array): number {
  const L = cols.levelCount;
  let collisions = 0;
  for (let i = 1; i < items.length; i++) {
    const a = items[i - 1];
    const b = items[i];
    let same = cols.domain[a] === cols.domain[b];
    for (let k = 0; same && k < L; k++) same = cols.levels[a * L + k] === cols.levels[b * L + k];
    if (same) collisions++;
  }
  return collisions;
}

/** Distinct values used at each level, next to the grammar's codebook size. */
function levelUsage(cols: RowColumns, items: Uint32Array, grammar: CompiledGrammar): IndexMeta['levels'] {
  const L = cols.levelCount;
  return Array.from({ length: L }, (_, k) => {
    const seen = new Set<number>();
    const bitmap = new Uint8Array(Math.min(grammar.codebook[k] ?? 0, 1 << 26));
    let used = 0;
    for (let i = 0; i < items.length; i++) {
      const v = cols.levels[items[i] * L + k];
      if (v < 0) continue;
      const fresh = v < bitmap.length ? !bitmap[v] : !seen.has(v);
      if (!fresh) continue;
      used++;
      if (v < bitmap.length) bitmap[v] = 1;
      else seen.add(v);
    }
    return { level: k + 1, used, codebook: grammar.codebook[k] ?? 0 };
  });
}
