/**
 * Code lenses on traces: on an `.rtrace` header ("Run again", "Graph",
 * "Compare with…", "Debug") and on each sample of a benchmark dump or chat
 * JSONL ("Graph", "Compare with…", "Debug"; the samples come from the
 * server's outline).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TraceHeaderRequest } from '../protocol/messages';
import { samplesOf } from './trace-symbols';

/** Lenses on more samples than this would only slow the editor down: a dump's outline is there for the rest. */
const MAX_SAMPLES = 2000;

export class TraceCodeLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  /** Ask VS Code again (after the server (re)started or the pool changed). */
  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (doc.languageId === 'rtrace') {
      const header = await this.client.sendRequest(TraceHeaderRequest, { uri: doc.uri.toString() }, token).catch(() => undefined);
      // Lenses only on a trace: a document that starts with `%rtrace N` (the header sits at the top).
      if (header?.version === undefined) return [];
      const at = new vscode.Range(0, 0, 0, 0);
      return [
        new vscode.CodeLens(at, { title: '$(play) Run again', tooltip: `Run ${header.header.user ?? 'this user'} again with this trace's mode and decoding settings`, command: 'reclens.runAgain', arguments: [doc.uri] }),
        new vscode.CodeLens(at, { title: '$(type-hierarchy) Graph', tooltip: 'Show the reasoning graph', command: 'reclens.showGraph', arguments: [doc.uri] }),
        new vscode.CodeLens(at, { title: '$(diff) Compare with…', tooltip: 'Diff this trace against another one', command: 'reclens.compareWith', arguments: [doc.uri] }),
        new vscode.CodeLens(at, { title: '$(debug-alt) Debug', tooltip: 'Debug This Trace: step through its reasoning (F5)', command: 'reclens.debugTrace', arguments: [doc.uri] }),
      ];
    }
    if (token.isCancellationRequested) return [];
    let samples;
    try {
      samples = await samplesOf(this.client, doc.uri, MAX_SAMPLES);
    } catch {
      return [];
    }
    return samples.flatMap((s) => {
      const at = new vscode.Range(s.line, 0, s.line, 0);
      return [
        new vscode.CodeLens(at, { title: '$(type-hierarchy) Graph', tooltip: `Show the reasoning graph of ${s.id}`, command: 'reclens.showGraph', arguments: [doc.uri, s.id] }),
        new vscode.CodeLens(at, { title: '$(diff) Compare with…', tooltip: `Diff ${s.id} against another sample or trace`, command: 'reclens.compareWith', arguments: [doc.uri, s.id] }),
        new vscode.CodeLens(at, { title: '$(debug-alt) Debug', tooltip: `Debug This Trace: step through the reasoning of ${s.id}`, command: 'reclens.debugTrace', arguments: [doc.uri, s.id] }),
      ];
    });
  }
}
