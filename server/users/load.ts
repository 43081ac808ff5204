/**
 * Reads users files for the inference engine: JSONL (one user per line) or
 * the OpenOneRec metadata Parquet (one user per row), merged into one
 * `UserSet`. What is wrong inside a file becomes a problem with its line and
 * what to do; only a path that cannot be read at all (missing, a folder, no
 * permission) throws, before anything is read.
 *
 * Memory: every user is held with its history as an array of shared, frozen
 * `UserItem`s — a pointer per history entry plus one small object per
 * distinct item. That is fine for 10⁵ users with histories in the hundreds;
 * the full OpenOneRec release (10⁶+ users, thousands of items each) would
 * need a packed store read on demand.
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { CompiledGrammar } from '../items/grammar';
import type { ItemLookup } from '../items/lookup';
import type { RawRow } from '../items/sources/decode';
import { SourceError } from '../items/sources/open';
import { ProblemLog } from '../items/sources/problems';
import type { SourceProblem } from '../items/sources/types';
import { UserDecoder } from './decode';
import { jsonlUserRows } from './jsonl';
import { parquetUserRows } from './parquet';
import type { UserRecord, UserSet } from './types';
import { createUserSet } from './user-set';

export interface LoadUsersOptions {
  /** The spelling of codes written in the files. */
  grammar: CompiledGrammar;
  /** The item pool that maps item ids (pids) to codes. */
  lookup: ItemLookup;
  /** Stops reading between lines or row groups; `loadUsers` then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Bytes read so far over the bytes of all files. */
  progress?: (done: number, total: number) => void;
}

type UsersFormat = 'jsonl' | 'parquet';

/** The setting that names the users files, for messages about paths that cannot be read. */
export const USERS_SETTING = 'reclens.users.paths';

const EXTENSIONS: Record<string, UsersFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet', '.pq': 'parquet' };
/** How often (in rows) a long batch checks for cancellation. */
const ABORT_CHECK_ROWS = 1024;

/** Read the users of `paths` (in order; the first file to name a user id wins). Throws `SourceError` for a path that is not a readable file. */
export async function loadUsers(paths: string[], opts: LoadUsersOptions): Promise<UserSet> {
  const { signal, progress } = opts;
  const files = paths.map((path) => ({ path, size: readableSize(path) }));
  const total = files.reduce((n, f) => n + f.size, 0);
  const decoder = new UserDecoder(opts.grammar, opts.lookup);
  const users: UserRecord[] = [];
  const seen = new Map<string, UserRecord>();
  const problems: SourceProblem[] = [];
  let base = 0;
  for (const { path, size } of files) {
    signal?.throwIfAborted();
    const log = new ProblemLog(path);
    let rows = 0;
    let skipped = 0;
    const take = (row: RawRow): void => {
      rows++;
      const notes: string[] = [];
      const user = decoder.decode(path, row, (m) => notes.push(m));
      const first = typeof user === 'string' ? undefined : seen.get(user.id);
      if (typeof user === 'string' || first) {
        skipped++;
        if (typeof user === 'string') for (const m of [...notes, user]) log.note(row.line, m);
        // A duplicate's own item problems do not matter: it is not used.
        else log.note(row.line, `${row.label}: user ${JSON.stringify(user.id)} was already read from ${where(first!)}; kept that one and skipped this — user ids must be unique`);
        return;
      }
      for (const m of notes) log.note(row.line, m);
      seen.set(user.id, user);
      users.push(user);
    };
    const format = formatOf(path, size);
    if (format === undefined) {
      log.fail(undefined, 'not a users file: name it .jsonl (one JSON object per user and line) or .parquet (the OpenOneRec metadata layout: uid, hist_video_pid, target_video_pid)');
      progress?.(base + size, total);
    } else {
      for await (const batch of format === 'jsonl' ? jsonlUserRows(path, log) : parquetUserRows(path, log)) {
        signal?.throwIfAborted();
        for (let i = 0; i < batch.rows.length; i++) {
          if (i % ABORT_CHECK_ROWS === ABORT_CHECK_ROWS - 1) signal?.throwIfAborted();
          take(batch.rows[i]);
        }
        progress?.(base + Math.min(batch.done, size), total);
      }
    }
    base += size;
    problems.push(...log.problems());
    if (skipped > 0) problems.push({ path, message: `skipped ${skipped} of ${rows} users; loaded ${rows - skipped}` });
  }
  return createUserSet(users, paths, problems);
}

/** `path:line` of a user, for messages. */
function where(u: UserRecord): string {
  return u.source.line !== undefined ? `${u.source.path}:${u.source.line}` : u.source.path;
}

/** The size of a users file; throws `SourceError` when it is missing, a folder or unreadable. */
function readableSize(path: string): number {
  if (typeof path !== 'string' || path === '') throw new SourceError({ path: String(path), message: `an entry of ${USERS_SETTING} is empty; name a .jsonl or .parquet file` });
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new SourceError({ path, message: `is a folder; ${USERS_SETTING} names users files (.jsonl or .parquet) one by one` });
    size = stat.size;
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof SourceError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new SourceError({ path, message: `cannot read the users file: ${why}; check ${USERS_SETTING}` });
  }
  return size;
}

/** The layout by extension, else by the first bytes (Parquet magic, or a JSON object); an empty file reads as JSONL (and is reported empty). */
function formatOf(path: string, size: number): UsersFormat | undefined {
  const byName = EXTENSIONS[nodePath.extname(path).toLowerCase()];
  if (byName !== undefined || size === 0) return byName ?? 'jsonl';
  const bytes = Buffer.alloc(Math.min(size, 4096));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  const head = bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (head.startsWith('PAR1')) return 'parquet';
  return head.trimStart().startsWith('{') ? 'jsonl' : undefined;
}
