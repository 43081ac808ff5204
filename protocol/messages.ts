/**
 * Custom LSP messages of RecLens: the one place that names them and their
 * payloads, imported by the server, the extension and the webview alike.
 */

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
