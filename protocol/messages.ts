/**
 * Custom LSP messages of RecLens: the one place that names them and their
 * payloads, imported by the server and the extension (not by the webview).
 * Each message is a typed `RequestType` / `NotificationType`, so senders and
 * handlers get their parameter and result types from the constant. The
 * method names are a public contract (README, "The language server in other
 * editors"): other clients call them by name.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { GraphDiff, TraceGraph } from './graph';
import type { DecodeOverrides, InferenceMode, InferenceRecord, ProgressEvent } from './inference';
import type { UserSummary } from './users';

/** Server → client: the state of the item pool and of the settings, after every (re)load. */
export const StatusNotification = new NotificationType<StatusParams>('reclens/status');

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
export const TaskProgressNotification = new NotificationType<TaskProgressParams>('reclens/taskProgress');

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
export const CancelTaskNotification = new NotificationType<CancelTaskParams>('reclens/cancelTask');

export interface CancelTaskParams {
  id: number;
}

/** Client → server request (no parameters): delete the cached indexes of the configured tables and index them again (Rebuild Item Index). */
export const RebuildIndexRequest = new RequestType0<RebuildIndexResult, void>('reclens/rebuildIndex');

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
export const InferRequest = new RequestType<InferParams, InferResult, void>('reclens/infer');

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
export const InferProgressNotification = new NotificationType<InferProgressParams>('reclens/inferProgress');

export interface InferProgressParams {
  progressId: number;
  event: ProgressEvent;
}

/** Client → server request: the users of `reclens.users.paths`, for pickers. */
export const UsersRequest = new RequestType<UsersParams, UsersResult, void>('reclens/users');

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
export const GraphRequest = new RequestType<GraphParams, TraceGraph, void>('reclens/graph');

export interface GraphParams {
  uri: string;
  trace?: string;
  position?: { line: number; character: number };
}

/** Client → server request: the diff of two traces (documents open in the client, or files on disk). */
export const DiffRequest = new RequestType<DiffParams, GraphDiff, void>('reclens/diff');

export interface DiffParams {
  a: { uri: string; trace?: string };
  b: { uri: string; trace?: string };
}

/** Client → server request: the header of an `.rtrace` document (open in the client, or a file on disk), as the server's parser reads it. */
export const TraceHeaderRequest = new RequestType<TraceHeaderParams, TraceHeaderResult, void>('reclens/traceHeader');

export interface TraceHeaderParams {
  uri: string;
}

/** An `.rtrace` header (docs/trace-format.md): the fields written, with their values checked; absent fields and values that did not parse are left out. */
export interface TraceHeader {
  user?: string;
  sample?: string;
  model?: string;
  checkpoint?: string;
  task?: string;
  level?: string;
  mode?: InferenceMode;
  domain?: string;
  layers?: string;
  provider?: string;
  /** Decoding settings as written (`temperature`, `top_p`, `top_k`, `seed`, `beams`, …). */
  decoding?: Record<string, string | number | boolean>;
  created?: string;
  source?: string;
  /** `x-…` extension fields, key included. */
  extensions?: Record<string, string>;
}

export interface TraceHeaderResult {
  /** The format version of the `%rtrace N` first line; absent when that line is missing or names no number (see `problems`). */
  version?: number;
  header: TraceHeader;
  /** The trace's mode and decoding settings as `reclens/infer` overrides ("Run again"; values out of a setting's range are left out); the model is left to the client, which may check it with `reclens/inspectModel`. */
  overrides: DecodeOverrides;
  /** Problems of the header, each `line N: what is wrong and what to write`. */
  problems: string[];
}

/** Client → server request: the model folders under the workspace folders (a `config.json` beside an ONNX decoder in the standard layout), for pickers. */
export const ModelFoldersRequest = new RequestType<ModelFoldersParams, ModelFoldersResult, void>('reclens/modelFolders');

export interface ModelFoldersParams {
  /** Folders listed at most (default and maximum 500). */
  limit?: number;
}

export interface ModelFoldersResult {
  /** Sorted by path. */
  folders: { path: string; onnx: string }[];
  /** The folder `reclens.model.path` names, absolute; absent when the setting is empty. */
  current?: string;
  /** The scan stopped at a limit: more folders may exist. */
  truncated: boolean;
}

/** Client → server request: whether a folder holds a model the engine can load, checked as a run would check it (files present, JSON readable). */
export const InspectModelRequest = new RequestType<InspectModelParams, ModelStatus, void>('reclens/inspectModel');

export interface InspectModelParams {
  /** The folder: absolute, or relative to the first workspace folder (as `reclens.model.path`). */
  path: string;
}

/** A model folder's status: what would load, or why it cannot. */
export type ModelStatus =
  | {
      ok: true;
      /** The folder, absolute. */
      path: string;
      /** The ONNX file a run loads. */
      onnx: string;
      /** The label a trace header records as `checkpoint`. */
      checkpoint: string;
    }
  | {
      ok: false;
      path: string;
      /** What is wrong, naming the file and what to do. */
      problem: string;
    };
