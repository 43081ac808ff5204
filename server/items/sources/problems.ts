/**
 * The problems of one table as it is read: the first few listed with their
 * row, the rest counted, and a closing "skipped K of N rows" so that nothing
 * is dropped silently, however large the table.
 */
import type { ItemRow, RowSource, SourceProblem } from './types';

/** Problems listed one by one per file; the rest are counted. */
export const MAX_REPORTED_PROBLEMS = 20;

/** The setting that names the tables, for messages about missing or unreadable files. */
export const PATHS_SETTING = 'reclens.alignment.paths';
/** The setting that picks the code spelling, for messages about codes that do not fit. */
export const PRESET_SETTING = 'reclens.itemicTokens.preset';

/** One line for logs and notifications: `path:line: message`. */
export function formatProblem(p: SourceProblem): string {
  return `${p.path}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`;
}

/** Collects the problems of one table; rows and skips are counted here so the summary is always right. */
export class ProblemLog {
  private readonly listed: SourceProblem[] = [];
  private unlisted = 0;
  private failure: SourceProblem | undefined;
  /** Rows seen (read or skipped). */
  rows = 0;
  /** Rows skipped. */
  skipped = 0;

  constructor(readonly path: string) {}

  /** A problem that does not cost the row (a text field ignored, a caption clipped). */
  note(line: number | undefined, message: string): void {
    if (this.listed.length >= MAX_REPORTED_PROBLEMS) {
      this.unlisted++;
      return;
    }
    this.listed.push(line !== undefined ? { path: this.path, line, message } : { path: this.path, message });
  }

  /** A row that could not be read and was skipped. */
  skip(line: number | undefined, message: string): void {
    this.skipped++;
    this.note(line, message);
  }

  /** The file could not be read on from here (broken JSON, truncated Parquet); rows read before stay read. */
  fail(line: number | undefined, message: string): void {
    this.failure ??= line !== undefined ? { path: this.path, line, message } : { path: this.path, message };
  }

  /** The failure that stopped reading, if any. */
  get failed(): SourceProblem | undefined {
    return this.failure;
  }

  /** The problems so far, with the counts; `loaded` is the number of rows kept. */
  problems(loaded = this.rows - this.skipped): SourceProblem[] {
    const out = [...this.listed];
    if (this.unlisted > 0) out.push({ path: this.path, message: `${this.unlisted} more problems not listed` });
    if (this.failure) out.push(this.failure);
    if (this.skipped > 0) out.push({ path: this.path, message: `skipped ${this.skipped} of ${this.rows} rows; loaded ${loaded} items` });
    else if (this.failure && this.rows > 0) out.push({ path: this.path, message: `loaded the ${loaded} items before the error` });
    return out;
  }
}

/** A `RowSource` whose problems start afresh with each pass over its rows; `read` gets that pass's log. */
export function loggedSource(path: string, size: number, read: (log: ProblemLog) => AsyncGenerator<{ rows: ItemRow[]; done: number }>): RowSource {
  let log = new ProblemLog(path);
  return { path, size, problems: () => log.problems(), batches: () => read((log = new ProblemLog(path))) };
}
