/** Helpers for row-source tests: read a source to the end, and a temp folder per test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ItemRow, RowSource, SourceProblem } from '../../server/items/sources/types';

/** Every row, the batch sizes and `done` values, and the problems of a source. */
export async function readAll(source: RowSource): Promise<{ rows: ItemRow[]; batches: { rows: number; done: number }[]; problems: SourceProblem[]; messages: string[] }> {
  const rows: ItemRow[] = [];
  const batches: { rows: number; done: number }[] = [];
  for await (const batch of source.batches()) {
    for (const r of batch.rows) rows.push(r);
    batches.push({ rows: batch.rows.length, done: batch.done });
  }
  const problems = source.problems();
  return { rows, batches, problems, messages: problems.map((p) => p.message) };
}

/** A fresh temp folder and its cleanup. */
export function tempDir(prefix: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
