/**
 * The on-disk layout of an item index, shared by the builder and the reader.
 *
 * One file:
 *
 * ```
 * header (64 bytes)   magic "RLXINDEX", format version, meta offset/length/checksum, file length
 * blob chunks         text records (what an item shows) and search records (what search scans),
 *                     written as rows arrive, in input order; chunks of both kinds interleave
 * columns             one section each, 8-byte aligned, items sorted by (domain, levels…, rank):
 *                     levels Int32 × levelCount (-1 past an item's last level), rank Uint32
 *                     (position in popularity-desc, id-asc order), popularity Float64 (NaN = none),
 *                     domain Uint8 (0 = none), source Uint8/Uint16, line Uint32 (0 = none),
 *                     text Float64 (file offset of the item's text record),
 *                     ids Uint32 pairs (id hash, item) sorted, inputItem Uint32 (input row → item)
 * meta (JSON)         fingerprint, counts, domain and source tables, section table with checksums,
 *                     search chunk table, level usage, the build's problems
 * ```
 *
 * A text record: one flag byte (title, caption, categories present), varint
 * UTF-8 byte lengths of id and the present fields, then their bytes. A search
 * record: the lower-cased non-empty fields (title, categories, caption, id)
 * separated by 0xFE and ended by 0xFF — bytes that never occur in UTF-8, so a
 * match can never span two fields or two items.
 */
import type { SourceProblem } from '../sources/types';

export const MAGIC = 'RLXINDEX';
/** Bump whenever the layout or the meaning of a field changes; old files are then rebuilt. */
export const FORMAT_VERSION = 1;
export const HEADER_SIZE = 64;
export const FIELD_SEPARATOR = 0xfe;
export const RECORD_END = 0xff;
/** Row index of a dropped (duplicate) input row in the inputItem section. */
export const NO_ITEM = 0xffffffff;
/** A level past the end of a shorter code; sorts before every real value. */
export const NO_LEVEL = -1;

export const TITLE_FLAG = 1;
export const CAPTION_FLAG = 2;
export const CATEGORIES_FLAG = 4;

/** Column sections and their element types. */
export type SectionName = 'levels' | 'rank' | 'popularity' | 'domain' | 'source' | 'line' | 'text' | 'ids' | 'inputItem';

export interface Section {
  offset: number;
  /** Bytes of data (the section is padded to 8 bytes after it). */
  length: number;
  checksum: number;
}

/** Everything about an index that is not a column or a blob. */
export interface IndexMeta {
  fingerprint: string;
  levelCount: number;
  items: number;
  /** Input rows, kept or not (the length of inputItem). */
  rows: number;
  /** Items that share their code (within a domain) with a more popular item. */
  collisions: number;
  /** Domain names by index; index 0 is "no domain" (''). */
  domains: string[];
  sources: { path: string; items: number }[];
  /** Bytes per element of the source column (1 or 2). */
  sourceWidth: 1 | 2;
  sections: Record<SectionName, Section>;
  /** Search chunks: file offset, byte length, first input row. Chunks end on record boundaries. */
  searchChunks: [number, number, number][];
  levels: { level: number; used: number; codebook: number }[];
  problems: SourceProblem[];
}

/** A file that is not a usable index; the caller rebuilds it. */
export class IndexError extends Error {}

/** Word-wise checksum of a section (FNV-style over 32-bit words); `state` lets it run over chunks. */
export function checksum(bytes: Uint8Array, state = 0x811c9dc5): number {
  const words = bytes.byteLength >>> 2;
  const aligned = bytes.byteOffset % 4 === 0;
  const view = aligned ? new Int32Array(bytes.buffer, bytes.byteOffset, words) : new Int32Array(bytes.slice(0, words * 4).buffer);
  let h = state | 0;
  for (let i = 0; i < words; i++) h = Math.imul(h ^ view[i], 0x01000193);
  for (let i = words * 4; i < bytes.byteLength; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** 32-bit FNV-1a over the UTF-16 code units of an id (what `byId` probes with). */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Write the fixed header into `buf` (64 bytes). */
export function encodeHeader(meta: { offset: number; length: number; checksum: number }, fileLength: number): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(FORMAT_VERSION, 8);
  buf.writeDoubleLE(meta.offset, 16);
  buf.writeUInt32LE(meta.length, 24);
  buf.writeUInt32LE(meta.checksum, 28);
  buf.writeDoubleLE(fileLength, 32);
  return buf;
}

/** Read the fixed header; throws `IndexError` naming what is wrong. */
export function decodeHeader(buf: Buffer, file: string, size: number): { meta: { offset: number; length: number; checksum: number } } {
  if (size < HEADER_SIZE || buf.length < HEADER_SIZE) throw new IndexError(`${file}: too short to be a RecLens item index (${size} bytes); rebuild it`);
  if (buf.toString('latin1', 0, 8) !== MAGIC) throw new IndexError(`${file}: not a RecLens item index (unknown file signature); rebuild it`);
  const version = buf.readUInt32LE(8);
  if (version !== FORMAT_VERSION) throw new IndexError(`${file}: item index format version ${version}, this RecLens reads version ${FORMAT_VERSION}; rebuild it`);
  const fileLength = buf.readDoubleLE(32);
  if (fileLength !== size) throw new IndexError(`${file}: item index is ${size} bytes but its header says ${fileLength} (truncated or still being written); rebuild it`);
  const meta = { offset: buf.readDoubleLE(16), length: buf.readUInt32LE(24), checksum: buf.readUInt32LE(28) };
  if (!(meta.offset >= HEADER_SIZE && meta.offset + meta.length <= size)) throw new IndexError(`${file}: item index header points outside the file; rebuild it`);
  return { meta };
}

/** Append the LEB128 varint of `n` (< 2^32) to `out` at `at`; returns the new position. */
export function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  out[at++] = n;
  return at;
}

/** The fields of a text record. */
export interface TextRecord {
  id: string;
  title?: string;
  caption?: string;
  categories?: string;
}

/** Decode a text record from `buf` at `at`; returns undefined when `buf` holds only part of it (`need` says how many bytes it takes). */
export function decodeTextRecord(buf: Buffer, at: number, end: number): { record: TextRecord } | { need: number } {
  let p = at;
  const varint = (): number => {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) return -1;
      const b = buf[p++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
      if (shift > 35) throw new IndexError('corrupt text record (varint too long)');
    }
  };
  if (p >= end) return { need: 64 };
  const flags = buf[p++];
  if (flags > 7) throw new IndexError('corrupt text record (bad flags)');
  const lengths: number[] = [];
  const fields = 1 + (flags & 1) + ((flags >> 1) & 1) + ((flags >> 2) & 1);
  for (let i = 0; i < fields; i++) {
    const n = varint();
    if (n < 0) return { need: p - at + 64 };
    lengths.push(n);
  }
  const total = p - at + lengths.reduce((a, b) => a + b, 0);
  if (at + total > end) return { need: total };
  const take = (n: number): string => {
    const s = buf.toString('utf8', p, p + n);
    p += n;
    return s;
  };
  const record: TextRecord = { id: take(lengths[0]) };
  let i = 1;
  if (flags & TITLE_FLAG) record.title = take(lengths[i++]);
  if (flags & CAPTION_FLAG) record.caption = take(lengths[i++]);
  if (flags & CATEGORIES_FLAG) record.categories = take(lengths[i++]);
  return { record };
}
