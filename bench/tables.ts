/**
 * Synthetic alignment tables for benchmarks: a deterministic item pool
 * written as OpenOneRec Parquet (pid2sid + pid2caption, several compressed
 * row groups, captions in another row order) and as JSONL. Written one row
 * group at a time, so 10M items need neither minutes nor gigabytes.
 *
 * The pool looks like a real one: level a is skewed (a few coarse clusters
 * hold many items), b depends on a, c is spread out; ~4% of items reuse a
 * recent item's code (collisions); popularity is heavy-tailed; captions are
 * 60–120 characters; ~1% of items have no caption.
 */
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { RowSource } from '../server/items/sources/types';
import { ParquetTableWriter, type Codec } from '../test/support/parquet';
import { mulberry32 } from '../test/support/random';

export interface SyntheticOptions {
  /** Rows per Parquet row group (default 100,000). */
  rowGroupSize?: number;
  /** Parquet codec (default SNAPPY; GZIP and BROTLI also work, ZSTD where Node can write it). */
  codec?: Codec;
  /** Which layouts to write (default both). */
  formats?: ('parquet' | 'jsonl')[];
  /** Share of items that reuse a recent item's code (default 0.04). */
  collisionRate?: number;
}

export interface SyntheticTables {
  items: number;
  pid2sid?: string;
  pid2caption?: string;
  jsonl?: string;
  /** Bytes written per file. */
  bytes: Record<string, number>;
}

const WORDS = 'street food cooking noodles dance cover cat dog puppy travel vlog mountain lake city night market makeup tutorial lipstick skincare review unboxing phone game highlight football goal music guitar piano lesson fitness workout yoga family baby funny prank comedy sketch car drive fishing garden flowers painting craft diy home decor fashion outfit haul sunset beach rain snow winter summer festival wedding 美食 旅行 舞蹈 萌宠 音乐'.split(' ');
const CODEBOOK = 8192;
const BASE_PID = 1_000_000_000;

/** A seeded PRNG, so every run writes the same pool. */
const rng = mulberry32;

/** Item i's caption, a pure function of i (so the caption file can be written in any order). */
export function syntheticCaption(i: number): string {
  const r = rng(i * 2654435761 + 17);
  const target = 60 + Math.floor(r() * 61);
  let s = `#${i}`;
  while (s.length < target) s += ` ${WORDS[Math.floor(r() * WORDS.length)]}`;
  return s.slice(0, 120);
}

/** Whether item i has a caption (~1% do not). */
const hasCaption = (i: number): boolean => i % 97 !== 13;

/** Codes and popularity of items [start, end), continuing the generator `state`. */
function codes(start: number, end: number, state: { next: () => number; recent: Int32Array }, collisionRate: number): { levels: number[][]; popularity: Float64Array } {
  const levels: number[][] = new Array(end - start);
  const popularity = new Float64Array(end - start);
  const { next, recent } = state;
  for (let i = start; i < end; i++) {
    let code: number[];
    if (i > 0 && next() < collisionRate) {
      // A collision: the code of one of the last 256 items.
      const j = Math.floor(next() * Math.min(256, i));
      const at = ((i - 1 - j) & 255) * 3;
      code = [recent[at], recent[at + 1], recent[at + 2]];
    } else {
      const a = Math.floor(CODEBOOK * next() ** 3); // skewed: low a values are big clusters
      const b = (Math.imul(a, 40503) + Math.floor(next() * 512)) & (CODEBOOK - 1); // b near a's own region
      const c = Math.floor(next() * CODEBOOK);
      code = [a, b, c];
    }
    recent.set(code, (i & 255) * 3);
    levels[i - start] = code;
    popularity[i - start] = Math.floor(1e6 * next() ** 12);
  }
  return { levels, popularity };
}

/** A permutation of [0, n) without memory: i ↦ (i·stride + offset) mod n with stride coprime to n. */
function permutation(n: number): (i: number) => number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.floor(n * 0.618) | 1;
  while (gcd(stride, n) !== 1) stride += 2;
  return (i) => Number((BigInt(i) * BigInt(stride) + 12345n) % BigInt(n));
}

/** Write `items` synthetic items into `dir` (pid2sid.parquet, pid2caption.parquet, items.jsonl). */
export function writeSyntheticTables(dir: string, items: number, options: SyntheticOptions = {}): SyntheticTables {
  const group = options.rowGroupSize ?? 100_000;
  const formats = options.formats ?? ['parquet', 'jsonl'];
  const collisionRate = options.collisionRate ?? 0.04;
  const out: SyntheticTables = { items, bytes: {} };
  const state = { next: rng(20240601), recent: new Int32Array(256 * 3) };
  const sid = formats.includes('parquet') ? new ParquetTableWriter((out.pid2sid = path.join(dir, 'pid2sid.parquet')), [{ name: 'pid', type: 'INT64' }, { name: 'sid', type: 'INT_LIST' }], options.codec) : undefined;
  const fd = formats.includes('jsonl') ? openSync((out.jsonl = path.join(dir, 'items.jsonl')), 'w') : undefined;
  for (let start = 0; start < items; start += group) {
    const end = Math.min(items, start + group);
    const { levels, popularity } = codes(start, end, state, collisionRate);
    if (sid) {
      const pids = new BigInt64Array(end - start);
      for (let i = start; i < end; i++) pids[i - start] = BigInt(BASE_PID + i);
      sid.write({ pid: pids, sid: levels });
    }
    if (fd !== undefined) {
      let text = '';
      for (let i = start; i < end; i++) {
        const row: Record<string, unknown> = { pid: BASE_PID + i, sid: levels[i - start], popularity: popularity[i - start] };
        if (hasCaption(i)) row.dense_caption = syntheticCaption(i);
        text += `${JSON.stringify(row)}\n`;
      }
      writeSync(fd, text);
    }
  }
  sid?.finish();
  if (fd !== undefined) closeSync(fd);
  if (formats.includes('parquet')) {
    // Captions in another order than pid2sid, as real dumps are.
    const order = permutation(items);
    const caps = new ParquetTableWriter((out.pid2caption = path.join(dir, 'pid2caption.parquet')), [{ name: 'pid', type: 'INT64' }, { name: 'dense_caption', type: 'STRING' }], options.codec);
    for (let start = 0; start < items; start += group) {
      const pids: bigint[] = [];
      const texts: string[] = [];
      for (let k = start; k < Math.min(items, start + group); k++) {
        const i = order(k);
        if (!hasCaption(i)) continue;
        pids.push(BigInt(BASE_PID + i));
        texts.push(syntheticCaption(i));
      }
      caps.write({ pid: BigInt64Array.from(pids), dense_caption: texts });
    }
    caps.finish();
  }
  for (const f of [out.pid2sid, out.pid2caption, out.jsonl]) if (f) out.bytes[path.basename(f)] = statSync(f).size;
  return out;
}

/** Read a source to the end: rows, seconds, rows/s and MB/s of its bytes. */
export async function measureRead(source: RowSource): Promise<{ rows: number; seconds: number; rowsPerSecond: number; mbPerSecond: number }> {
  const t0 = performance.now();
  let rows = 0;
  for await (const b of source.batches()) rows += b.rows.length;
  const seconds = (performance.now() - t0) / 1000;
  return { rows, seconds, rowsPerSecond: rows / seconds, mbPerSecond: source.size / 1e6 / seconds };
}
