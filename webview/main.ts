/**
 * Entry of the graph webview bundle (dist/webview/graph.js): picks the host,
 * restores saved state or reads the embedded payload, and listens to the
 * extension's messages.
 */
import type { HostMessage } from '../protocol/webview';
import { GraphView } from './app';
import { detectHost, embeddedPayload, type SavedState } from './host';
import { isPayload } from './model';
import './graph.css';

/** Whether a message from the host has the shape this view reads. */
function isHostMessage(m: unknown): m is HostMessage {
  if (typeof m !== 'object' || m === null) return false;
  const v = m as Record<string, unknown>;
  switch (v.type) {
    case 'graph':
    case 'diff':
      return isPayload(v);
    case 'highlight':
      return v.nodeId === null || typeof v.nodeId === 'string';
    case 'error':
      return typeof v.message === 'string';
    default:
      return false;
  }
}

function start(): void {
  const host = detectHost();
  const root = document.getElementById('reclens-graph') ?? document.body;
  const view = new GraphView(root, host, document.body.dataset.layout === 'grid' ? 'grid' : 'layered');

  window.addEventListener('message', (event: MessageEvent) => {
    const m: unknown = event.data;
    if (!isHostMessage(m)) return;
    try {
      if (m.type === 'graph') view.load({ graph: m.graph });
      else if (m.type === 'diff') view.load({ diff: m.diff });
      else if (m.type === 'highlight') view.highlight(m.nodeId);
      else view.showError(m.message);
    } catch (e) {
      view.showError(`Could not draw the graph: ${e instanceof Error ? e.message : String(e)}`);
    }
  });

  const saved: SavedState | undefined = host.getState();
  try {
    if (saved && isPayload(saved.payload)) view.load(saved.payload, saved);
    else if (host.standalone) {
      const payload = embeddedPayload();
      if (isPayload(payload)) view.load(payload);
      else view.showError('This page holds no graph.');
    }
  } catch (e) {
    view.showError(`Could not draw the graph: ${e instanceof Error ? e.message : String(e)}`);
  }
  host.post({ type: 'ready' });
}

start();
