/**
 * Messages between the extension and the graph webview. The webview never
 * reads files and never talks to the server: the extension relays. Every
 * message from the webview is validated (`isWebviewMessage`) before use.
 */
import type { GraphDiff, TraceGraph } from './graph';

/** Extension → webview. */
export type HostMessage =
  | { type: 'graph'; graph: TraceGraph }
  | { type: 'diff'; diff: GraphDiff }
  /** The editor's cursor is on this node (null: on none). */
  | { type: 'highlight'; nodeId: string | null }
  | { type: 'error'; message: string };

/** Webview → extension. */
export type WebviewMessage =
  | { type: 'ready' }
  /** The user activated a node: reveal its line in the editor. */
  | { type: 'reveal'; nodeId: string }
  /** Save an export: SVG text, or a PNG as a `data:image/png;base64,` URL. */
  | { type: 'export'; format: 'svg' | 'png'; data: string };

const MAX_EXPORT = 64 * 1024 * 1024;

/** Whether a value received from the webview is a well-formed `WebviewMessage`. */
export function isWebviewMessage(m: unknown): m is WebviewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const v = m as Record<string, unknown>;
  switch (v.type) {
    case 'ready':
      return true;
    case 'reveal':
      return typeof v.nodeId === 'string' && v.nodeId.length > 0 && v.nodeId.length <= 200;
    case 'export':
      return (
        (v.format === 'svg' || v.format === 'png') &&
        typeof v.data === 'string' &&
        v.data.length <= MAX_EXPORT &&
        (v.format === 'svg' ? v.data.startsWith('<svg') : v.data.startsWith('data:image/png;base64,'))
      );
    default:
      return false;
  }
}
