/**
 * Custom LSP messages of RecLens: the one place that names them and their
 * payloads, imported by the server, the extension and the webview alike.
 */
import type { DecodeOverrides } from '../server/engine/request';
import type { InferenceRecord, ProgressEvent } from '../server/engine/types';
import type { UserSummary } from '../server/users/types';

/** Server → client: the state of the item pool and of the settings, after every (re)load. */
export const StatusNotification = 'reclens/status';

export interface StatusParams {
  /** Items loaded from all alignment tables. */
  items: number;
  /** Table files that were read. */
  tables: string[];
  /** The itemic-token grammar in use (preset name or custom name). */
  grammar: string;
  /** Problems with tables and settings, each naming the file or setting and what to do. */
  problems: string[];
}

/** Server → client: progress of a long task (building an item index); the client shows a cancellable notification. */
export const TaskProgressNotification = 'reclens/taskProgress';

export interface TaskProgressParams {
  /** Identifies the task across notifications. */
  id: number;
  /** What runs, e.g. "Indexing pid2sid.parquet". */
  title: string;
  /** 0–1 when known. */
  fraction?: number;
  message?: string;
  /** The last notification of the task. */
  done?: boolean;
}

/** Client → server: the user cancelled a task. */
export const CancelTaskNotification = 'reclens/cancelTask';

export interface CancelTaskParams {
  id: number;
}

/** Client → server request: delete the cached indexes of the configured tables and index them again (Rebuild Item Index). */
export const RebuildIndexRequest = 'reclens/rebuildIndex';

export interface RebuildIndexResult {
  /** Items in the rebuilt pool. */
  items: number;
  /** Table files in the pool. */
  tables: string[];
  /** Tables whose index this rebuild built; a table in `tables` but not here came from the cache (a load already running was joined). */
  built: string[];
  /** Problems with tables and settings, as in `reclens/status`. */
  problems: string[];
}

/** Client → server request: run single-user inference (cancellable with the request's cancel token). */
export const InferRequest = 'reclens/infer';

export interface InferParams {
  /** The user id, from `reclens.users.paths`. */
  user: string;
  /** Per-run changes to `reclens.inference.*`, `reclens.model.path` and the provider. */
  overrides?: DecodeOverrides;
  /** Echoed in `reclens/inferProgress` notifications so the client can route them. */
  progressId?: number;
}

export interface InferResult {
  /** The `.rtrace` document of the run. */
  trace: string;
  /** Everything recorded: tokens with alternatives, beams, timings, settings. */
  record: InferenceRecord;
  /** A file name for the trace, e.g. `u0910-thinking-final.rtrace`. */
  fileName: string;
}

/** Server → client: progress of a running inference (thinking text as it grows, the beam stage). */
export const InferProgressNotification = 'reclens/inferProgress';

export interface InferProgressParams {
  progressId: number;
  event: ProgressEvent;
}

/** Client → server request: the users of `reclens.users.paths`, for pickers. */
export const UsersRequest = 'reclens/users';

export interface UsersParams {
  /** Substring of the user id; empty lists users in file order. */
  query?: string;
  limit?: number;
}

export interface UsersResult {
  users: UserSummary[];
  /** Users in all files. */
  total: number;
  paths: string[];
  /** Problems reading the files (file, line, what to do). */
  problems: string[];
}

/** Client → server request: the reasoning graph of a trace document (`trace`: a sample id of a dump; default the trace at `position`, else the first). */
export const GraphRequest = 'reclens/graph';

export interface GraphParams {
  uri: string;
  trace?: string;
  position?: { line: number; character: number };
}

/** Client → server request: the diff of two traces (documents open in the client, or files on disk). */
export const DiffRequest = 'reclens/diff';

export interface DiffParams {
  a: { uri: string; trace?: string };
  b: { uri: string; trace?: string };
}
