/**
 * Where the webview runs: inside VS Code (acquireVsCodeApi: messages to the
 * extension, state kept across hide/show and reload) or in a standalone page
 * written by `reclens render` (payload embedded in the page, exports
 * downloaded directly, nothing to reveal).
 */
import type { WebviewMessage } from '../protocol/webview';
import type { Payload } from './model';

/** What the webview keeps across hide/show and reload. */
export interface SavedState {
  payload: Payload;
  /** d3-zoom transform. */
  transform?: { k: number; x: number; y: number };
  /** Layer names hidden by the layer filter. */
  filters?: string[];
  query?: string;
  selected?: string | null;
}

export interface Host {
  readonly standalone: boolean;
  post(message: WebviewMessage): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Provided by VS Code inside webviews; absent in a standalone page.
  var acquireVsCodeApi: (() => VsCodeApi) | undefined;
}

/** The VS Code host when the page runs in a webview, else the standalone one. */
export function detectHost(): Host {
  if (typeof globalThis.acquireVsCodeApi === 'function') {
    const api = globalThis.acquireVsCodeApi();
    return {
      standalone: false,
      post: (m) => api.postMessage(m),
      getState: () => (api.getState() as SavedState | undefined) ?? undefined,
      setState: (s) => api.setState(s),
    };
  }
  return {
    standalone: true,
    post: (m) => {
      if (m.type === 'export') download(m.format, m.data);
    },
    getState: () => undefined,
    setState: () => undefined,
  };
}

/** Saves an export from a standalone page as a download. */
function download(format: 'svg' | 'png', data: string): void {
  const a = document.createElement('a');
  const url = format === 'svg' ? URL.createObjectURL(new Blob([data], { type: 'image/svg+xml' })) : data;
  a.href = url;
  a.download = `reclens-graph.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  if (format === 'svg') setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The payload a standalone page embeds in `<script type="application/json" id="reclens-data">`. */
export function embeddedPayload(): unknown {
  const el = document.getElementById('reclens-data');
  if (!el?.textContent) return undefined;
  return JSON.parse(el.textContent);
}
