/**
 * Writes the text and search records of an index as rows arrive, in ~1 MB
 * chunks, so that building never holds the text of a table in memory.
 */
import * as fs from 'node:fs';
import { CAPTION_FLAG, CATEGORIES_FLAG, FIELD_SEPARATOR, RECORD_END, TITLE_FLAG, writeVarint } from './format';

const CHUNK = 1 << 20;

/** The fields one row contributes to the blobs. */
export interface RowText {
  id: string;
  title?: string;
  caption?: string;
  categories?: string;
}

class Chunk {
  buf = Buffer.allocUnsafe(CHUNK);
  used = 0;
  /** First row whose record is in this chunk. */
  firstRow = 0;
}

/** Appends records to `fd` from `position` on; `textOffsets[row]` is the file offset of row's text record once flushed. */
export class BlobWriter {
  textOffsets = new Float64Array(1 << 16);
  readonly searchChunks: [number, number, number][] = [];
  private text = new Chunk();
  private search = new Chunk();
  private rows = 0;

  constructor(
    private readonly fd: number,
    public position: number,
  ) {}

  /** Add row `this.rows`'s records. */
  append(row: RowText): void {
    const r = this.rows++;
    if (r >= this.textOffsets.length) {
      const next = new Float64Array(this.textOffsets.length * 2);
      next.set(this.textOffsets);
      this.textOffsets = next;
    }
    this.appendText(r, row);
    this.appendSearch(r, row);
  }

  /** Flush what is buffered; returns the file position after the blobs. */
  finish(): number {
    this.flushText();
    this.flushSearch();
    return this.position;
  }

  private appendText(r: number, row: RowText): void {
    const fields = [row.id];
    let flags = 0;
    const add = (value: string | undefined, flag: number): void => {
      if (value === undefined) return;
      flags |= flag;
      fields.push(value);
    };
    add(row.title, TITLE_FLAG);
    add(row.caption, CAPTION_FLAG);
    add(row.categories, CATEGORIES_FLAG);
    const lengths = fields.map((f) => Buffer.byteLength(f, 'utf8'));
    const size = 1 + 5 * lengths.length + lengths.reduce((a, b) => a + b, 0);
    const c = this.room(this.text, size, r, () => this.flushText());
    let at = c.used;
    c.buf[at++] = flags;
    for (const n of lengths) at = writeVarint(c.buf, at, n);
    for (const f of fields) at += c.buf.write(f, at, 'utf8');
    this.textOffsets[r] = c.used; // relative until the chunk is flushed
    c.used = at;
  }

  private appendSearch(r: number, row: RowText): void {
    // The haystack of the in-memory lookup, one field at a time: title, categories, caption, id.
    const fields = [row.title, row.categories, row.caption, row.id].filter((s): s is string => !!s).map((s) => s.toLowerCase());
    const size = fields.reduce((a, f) => a + Buffer.byteLength(f, 'utf8') + 1, 0) + 1;
    const c = this.room(this.search, size, r, () => this.flushSearch());
    let at = c.used;
    fields.forEach((f, i) => {
      if (i > 0) c.buf[at++] = FIELD_SEPARATOR;
      at += c.buf.write(f, at, 'utf8');
    });
    c.buf[at++] = RECORD_END;
    c.used = at;
  }

  /** The chunk to write `size` bytes of row `r` into, flushing (or growing, for one huge record) first. */
  private room(c: Chunk, size: number, r: number, flush: () => void): Chunk {
    if (c.used + size > c.buf.length) {
      flush();
      if (size > c.buf.length) c.buf = Buffer.allocUnsafe(size);
    }
    if (c.used === 0) c.firstRow = r;
    return c;
  }

  private flushText(): void {
    const c = this.text;
    if (c.used === 0) return;
    const base = this.write(c);
    for (let r = c.firstRow; r < this.rows; r++) this.textOffsets[r] += base;
    this.reset(c);
  }

  private flushSearch(): void {
    const c = this.search;
    if (c.used === 0) return;
    const base = this.write(c);
    this.searchChunks.push([base, c.used, c.firstRow]);
    this.reset(c);
  }

  private write(c: Chunk): number {
    const base = this.position;
    let done = 0;
    while (done < c.used) done += fs.writeSync(this.fd, c.buf, done, c.used - done, base + done);
    this.position += c.used;
    return base;
  }

  private reset(c: Chunk): void {
    c.used = 0;
    if (c.buf.length > CHUNK) c.buf = Buffer.allocUnsafe(CHUNK);
  }
}
