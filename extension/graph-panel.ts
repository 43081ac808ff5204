/**
 * The graph webview's host: a WebviewPanel (view type `reclens.graph`) that
 * loads dist/webview/graph.js under a strict CSP, relays the graph or diff
 * the server built, turns the webview's messages into editor actions
 * (reveal a node's range, save an export), follows the editor's cursor, and
 * comes back after a reload through a WebviewPanelSerializer (the webview
 * keeps its payload in getState/setState; no retainContextWhenHidden).
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DiffNode, GraphDiff, GraphNode, TraceGraph } from '../protocol/graph';
import { isWebviewMessage, type HostMessage, type WebviewMessage } from '../protocol/webview';
import { graphDocument } from '../server/graph/page';
import { isPayload } from '../webview/model';
import { nodeAt } from './graph-sync';

export type GraphPayload = { graph: TraceGraph } | { diff: GraphDiff };

export interface GraphPanelOptions {
  /** Shown as "RecLens Graph: …" (a title already starting with "Graph:" or "Diff:" gets "RecLens " in front). */
  title: string;
  /** Called when the user activates a node; by default its range is revealed in `documentUri` (or the trace's own document). */
  onReveal?: (nodeId: string) => void;
  /** The document the node ranges point into; the cursor there highlights nodes. */
  documentUri?: vscode.Uri;
}

const VIEW_TYPE = 'reclens.graph';

function panelTitle(title: string): string {
  if (title.startsWith('RecLens')) return title;
  if (/^(Graph|Diff):/.test(title)) return `RecLens ${title}`;
  return `RecLens Graph: ${title}`;
}

/** A URI string from the protocol (`file:///…`), or a plain path. */
function toUri(s: string): vscode.Uri {
  return /^[a-z][\w+.-]+:/i.test(s) && !/^[a-z]:[\\/]/i.test(s) ? vscode.Uri.parse(s) : vscode.Uri.file(s);
}

const nodesOf = (p: GraphPayload): GraphNode[] => ('graph' in p ? p.graph.nodes : p.diff.nodes);

/** The document a node's range points into: the trace's, or in a diff B's when the node is in B, else A's (see server/graph/diff.ts). */
function documentOf(p: GraphPayload, node: GraphNode, fixed: vscode.Uri | undefined): vscode.Uri | undefined {
  if (fixed) return fixed;
  if ('graph' in p) return p.graph.uri ? toUri(p.graph.uri) : undefined;
  const side = (node as DiffNode).bId !== undefined ? p.diff.b : p.diff.a;
  return side.uri ? toUri(side.uri) : undefined;
}

/** Identity of what a panel shows, so showing the same trace again reuses its panel. */
function keyOf(p: GraphPayload, documentUri: vscode.Uri | undefined): string {
  if ('graph' in p) return `graph:${documentUri?.toString() ?? p.graph.uri ?? ''}#${p.graph.trace}`;
  return `diff:${p.diff.a.uri ?? p.diff.a.title}|${p.diff.b.uri ?? p.diff.b.title}`;
}

export class GraphPanel {
  /** Where invalid messages and failures are logged; the extension points it at its output channel. */
  static log: (message: string) => void = (message) => console.warn(`RecLens graph: ${message}`);

  private static readonly open = new Map<string, GraphPanel>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once, when the panel closes. */
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private lastHighlight: string | null = null;
  private disposed = false;
  /** Nodes with a range, by the document the range points into (built on first use for each payload). */
  private byDocument: Map<string, GraphNode[]> | undefined;

  /** Shows a graph or diff: in its open panel when there is one for the same trace (updated), else in a new panel beside the editor. */
  static show(context: vscode.ExtensionContext, payload: { graph: TraceGraph } | { diff: GraphDiff }, options: { title: string; onReveal?: (nodeId: string) => void; documentUri?: vscode.Uri }): GraphPanel {
    const key = keyOf(payload, options.documentUri);
    const existing = GraphPanel.open.get(key);
    if (existing) {
      existing.options = options;
      existing.byDocument = undefined;
      existing.panel.title = panelTitle(options.title);
      existing.update(payload);
      existing.panel.reveal(undefined, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, panelTitle(options.title), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, GraphPanel.webviewOptions(context));
    return new GraphPanel(context, panel, payload, options);
  }

  private static webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')] };
  }

  private constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly panel: vscode.WebviewPanel,
    private payload: GraphPayload,
    private options: GraphPanelOptions,
  ) {
    GraphPanel.open.set(keyOf(payload, options.documentUri), this);
    panel.webview.options = GraphPanel.webviewOptions(context);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e.textEditor.document.uri, e.selections[0]?.active)),
    );
  }

  /**
   * Marks `nodeId` in the open graph of `trace` in `documentUri` (the node a
   * debugger stopped on); when that document has one graph open, in that
   * one whatever its trace (an `.rtrace` has one trace).
   */
  static highlightIn(documentUri: string, trace: string, nodeId: string | null): void {
    const prefix = `graph:${documentUri}#`;
    const panels = [...GraphPanel.open].filter(([k]) => k.startsWith(prefix));
    const panel = panels.find(([k]) => k === `${prefix}${trace}`)?.[1] ?? (panels.length === 1 ? panels[0][1] : undefined);
    panel?.highlight(nodeId);
  }

  /** Marks the node the editor's cursor is on (null: none). */
  highlight(nodeId: string | null): void {
    if (nodeId === this.lastHighlight) return;
    this.lastHighlight = nodeId;
    this.post({ type: 'highlight', nodeId });
  }

  /** Shows a new graph or diff in this panel, keeping zoom, filters and search. */
  update(payload: { graph: TraceGraph } | { diff: GraphDiff }): void {
    for (const [k, p] of GraphPanel.open) if (p === this) GraphPanel.open.delete(k);
    this.payload = payload;
    this.byDocument = undefined;
    GraphPanel.open.set(keyOf(payload, this.options.documentUri), this);
    this.postPayload();
  }

  /** Closes the panel. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const [k, p] of GraphPanel.open) if (p === this) GraphPanel.open.delete(k);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }

  /** Re-creates a panel VS Code restored after a reload, from the state its webview saved. */
  static revive(context: vscode.ExtensionContext, panel: vscode.WebviewPanel, payload: GraphPayload): GraphPanel {
    const title = 'graph' in payload ? `Graph: ${payload.graph.title}` : `Diff: ${payload.diff.a.title} ↔ ${payload.diff.b.title}`;
    return new GraphPanel(context, panel, payload, { title });
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const root = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'graph.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'graph.css'));
    const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}'`;
    return graphDocument({
      csp,
      title: this.panel.title,
      head: `<link rel="stylesheet" nonce="${nonce}" href="${style.toString()}">`,
      body: `<script nonce="${nonce}" src="${script.toString()}"></script>`,
    });
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private postPayload(): void {
    this.post('graph' in this.payload ? { type: 'graph', graph: this.payload.graph } : { type: 'diff', diff: this.payload.diff });
  }

  private onMessage(m: unknown): void {
    if (!isWebviewMessage(m)) {
      GraphPanel.log(`ignored an invalid message from the webview: ${JSON.stringify(m)?.slice(0, 200)}`);
      return;
    }
    void this.handle(m).catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      GraphPanel.log(`${m.type} failed: ${message}`);
      void vscode.window.showErrorMessage(`RecLens: ${m.type === 'export' ? 'export' : 'reveal'} failed: ${message}`);
    });
  }

  private async handle(m: WebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        // A (re)loaded webview: send what to draw, and the highlight it may have missed.
        this.postPayload();
        if (this.lastHighlight) this.post({ type: 'highlight', nodeId: this.lastHighlight });
        return;
      case 'reveal':
        if (this.options.onReveal) this.options.onReveal(m.nodeId);
        else await this.reveal(m.nodeId);
        return;
      case 'export':
        await this.saveExport(m.format, m.data);
        return;
    }
  }

  /** Opens the node's document and selects its range. */
  private async reveal(nodeId: string): Promise<void> {
    const node = nodesOf(this.payload).find((n) => n.id === nodeId);
    if (!node?.range) return;
    const uri = documentOf(this.payload, node, this.options.documentUri);
    if (!uri) return;
    const { start, end } = node.range;
    const range = new vscode.Range(start.line, start.character, end.line, end.character);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const viewColumn = visible?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(uri, { viewColumn, selection: new vscode.Selection(range.start, range.start), preserveFocus: false });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    const base = 'graph' in this.payload ? this.payload.graph.trace : `${this.payload.diff.a.title}-vs-${this.payload.diff.b.title}`;
    const folder = this.options.documentUri ? vscode.Uri.joinPath(this.options.documentUri, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${base.replace(/[^\w.-]+/g, '-')}-graph.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export graph as ${format.toUpperCase()}`,
    });
    if (!target) return;
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data.slice('data:image/png;base64,'.length), 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`RecLens: graph saved to ${path.basename(target.fsPath)}.`);
  }

  /** The editor's cursor moved: highlight the narrowest node whose range holds it, when the document is this graph's. */
  private followCursor(uri: vscode.Uri, position: vscode.Position | undefined): void {
    if (!position) return;
    if (!this.byDocument) {
      this.byDocument = new Map();
      for (const n of nodesOf(this.payload)) {
        const doc = n.range && documentOf(this.payload, n, this.options.documentUri)?.toString();
        if (doc) (this.byDocument.get(doc) ?? this.byDocument.set(doc, []).get(doc)!).push(n);
      }
    }
    const nodes = this.byDocument.get(uri.toString());
    if (nodes) this.highlight(nodeAt(nodes, position));
  }
}

/** Registers the serializer that brings graph panels back after a window reload. */
export function registerGraphPanel(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const payload = (state as { payload?: unknown } | undefined)?.payload;
      if (!isPayload(payload)) {
        GraphPanel.log('a restored graph panel had no saved graph; closing it');
        panel.dispose();
        return;
      }
      GraphPanel.revive(context, panel, payload);
    },
  });
}
