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
