/**
 * Users as the inference engine reads them: an id, a history of items (each
 * with its code) and optional held-out targets, from JSONL or the OpenOneRec
 * metadata Parquet. Plain values; no editor types.
 */
import type { UserSummary } from '../../protocol/users';
import type { SourceProblem } from '../items/sources/types';

/** One item of a history or of the targets: its code, and its id when the file named one. Frozen: one object serves every user who has the item. */
export interface UserItem {
  id?: string;
  /** The item's code, coarse to fine. */
  levels: number[];
  /** Domain named by the code's begin token or the alignment table, when there is one. */
  domain?: string;
}

/** One user, as read from a users file. */
export interface UserRecord {
  id: string;
  /** Oldest first, as the file lists it; items that could not be resolved are dropped (and reported). */
  history: UserItem[];
  /** Held-out next items (ground truth); may be empty. */
  targets: UserItem[];
  split?: string;
  /** Where the user was read from; `line` is the 1-based line (JSONL) or row (Parquet). */
  source: { path: string; line?: number };
}

/** The users of one or more files, merged; the first file to name a user id wins. */
export interface UserSet {
  readonly size: number;
  /** The files the users were read from, as given. */
  readonly paths: string[];
  get(id: string): UserRecord | undefined;
  /** Every user in file order. */
  list(): UserSummary[];
  /** Users whose id contains `query` (case-insensitive): ids starting with it first, then file order. */
  search(query: string, limit: number): UserSummary[];
  /** What could not be read, per file: the first few listed with their line, the rest counted. */
  problems: SourceProblem[];
}
