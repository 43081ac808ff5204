/**
 * The trace at the active editor's cursor and its graph, as the server
 * builds it (`reclens/graph`): asked for again only when the cursor leaves
 * that trace (a dump's next generation) or the document changes. The
 * Reasoning Steps view and Next / Previous Step read it. Also keeps the
 * `reclens.traceEditor` context key (the active editor holds traces), which
 * the step keybindings need because a dump is a plain JSON editor.
 */
import * as vscode from 'vscode';
import { DocumentSymbolRequest, type LanguageClient } from 'vscode-languageclient/node';
import type { TraceGraph } from '../../protocol/graph';
import { GraphRequest } from '../../protocol/messages';
import { traceLanguages } from '../trace-symbols';
import { regionAt, regionKey, traceRegions, type OutlineSymbol, type TraceRegion } from './trace-regions';

const CONTEXT_KEY = 'reclens.traceEditor';

export interface ShownTrace {
  uri: vscode.Uri;
  graph: TraceGraph;
}

export class CurrentTrace implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ShownTrace | undefined>();
  /** Fires when the trace (or its graph) changes; undefined when the editor holds no trace. */
  readonly onDidChange = this.changed.event;
  private shown: (ShownTrace & { version: number; key: string }) | undefined;
  /** The outline regions of the last document asked about. */
  private outline: { uri: string; version: number; regions: Promise<TraceRegion[]> } | undefined;
  private asked = 0;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly client: LanguageClient) {
    this.subscriptions = [this.changed, vscode.window.onDidChangeActiveTextEditor((e) => void this.updateContext(e))];
    void this.updateContext(vscode.window.activeTextEditor);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  /** What was last shown (may be stale: use `at` for the cursor's trace). */
  get current(): ShownTrace | undefined {
    return this.shown;
  }

  /** The traces and samples of `doc`, from the server's outline (cached per document version). */
  regions(doc: vscode.TextDocument): Promise<TraceRegion[]> {
    const uri = doc.uri.toString();
    if (this.outline?.uri !== uri || this.outline.version !== doc.version) {
      const regions = Promise.resolve(this.client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })).then(
        (symbols) => traceRegions((symbols ?? []).filter((s): s is typeof s & OutlineSymbol => 'range' in s && 'kind' in s)),
        () => [] as TraceRegion[],
      );
      this.outline = { uri, version: doc.version, regions };
    }
    return this.outline.regions;
  }

  /** The trace at `position` in `editor`'s document (default its cursor) with its graph; undefined when there is none. */
  async at(editor: vscode.TextEditor, position = editor.selection.active): Promise<ShownTrace | undefined> {
    const doc = editor.document;
    if (!traceLanguages.includes(doc.languageId)) return this.show(undefined);
    const key = regionKey(regionAt(await this.regions(doc), position));
    const s = this.shown;
    if (s && s.uri.toString() === doc.uri.toString() && s.version === doc.version && s.key === key) return s;
    const mine = ++this.asked;
    let graph: TraceGraph | undefined;
    try {
      graph = await this.client.sendRequest(GraphRequest, { uri: doc.uri.toString(), position: { line: position.line, character: position.character } });
    } catch {
      graph = undefined; // not a trace: the view shows its welcome text
    }
    if (mine !== this.asked) return this.shown;
    return this.show(graph && { uri: doc.uri, graph, version: doc.version, key });
  }

  private show(next: (ShownTrace & { version: number; key: string }) | undefined): ShownTrace | undefined {
    const before = this.shown;
    this.shown = next;
    if (before !== next) this.changed.fire(next);
    return next;
  }

  /** Sets `reclens.traceEditor`: an .rtrace, or a JSON / JSONL document whose outline has traces. */
  private async updateContext(editor: vscode.TextEditor | undefined): Promise<void> {
    const doc = editor?.document;
    let traces = false;
    if (doc && traceLanguages.includes(doc.languageId)) traces = doc.languageId === 'rtrace' || (await this.regions(doc)).length > 0;
    if (editor !== vscode.window.activeTextEditor) return;
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, traces);
  }
}
