/**
 * Runs single-user inference through the language server (`reclens/infer`):
 * a cancellable progress notification that streams the thinking as it
 * arrives, the trace saved as a file and opened beside the editor. One
 * `reclens/inferProgress` handler routes progress to the run it belongs to.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InferProgressNotification, InferRequest, type InferParams, type InferResult } from '../protocol/messages';
import { defaultDecoding, type DecodeOverrides, type ProgressEvent } from '../protocol/inference';
import { progressMessage } from './inference-progress';
import type { StatusBar } from './status-bar';
import { displayPath, saveTrace } from './trace-files';
import { trustRefusal } from './trust';

/** A finished run: where its trace is, and everything the server returned. */
export interface Run {
  uri: vscode.Uri;
  result: InferResult;
}

export interface RunOptions {
  /** Open the trace in this column (default: beside the active editor); false leaves it closed. */
  show?: vscode.ViewColumn | false;
  /** Say what ran in an information message (default true). */
  announce?: boolean;
}

export class Inference implements vscode.Disposable {
  private nextId = 1;
  private readonly listeners = new Map<number, (e: ProgressEvent) => void>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly status: StatusBar,
  ) {
    this.subscription = client.onNotification(InferProgressNotification, (p) => this.listeners.get(p.progressId)?.(p.event));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  /**
   * Runs `user` with `overrides` behind a progress notification. Resolves
   * undefined when the user cancelled; throws the server's error otherwise
   * (and when the workspace is not trusted).
   */
  async run(user: string, overrides: DecodeOverrides, options: RunOptions = {}): Promise<Run | undefined> {
    const refusal = trustRefusal(vscode.workspace.isTrusted, 'Running inference');
    if (refusal) throw new Error(refusal);
    const mode = overrides.mode ?? vscode.workspace.getConfiguration('reclens').get<string>('inference.mode', defaultDecoding.mode);
    const model = overrides.model ? ` with ${baseName(overrides.model)}` : '';
    const title = `RecLens: ${user} (${mode}${model})`;
    this.log.info(`inference: ${user} ${JSON.stringify(overrides)}`);
    const progressId = this.nextId++;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      this.listeners.set(progressId, (e) => progress.report({ message: progressMessage(e) }));
      const cancel = new vscode.CancellationTokenSource();
      const sub = token.onCancellationRequested(() => cancel.cancel());
      try {
        const params: InferParams = { user, overrides, progressId };
        return await this.client.sendRequest(InferRequest, params, cancel.token);
      } catch (e) {
        if (token.isCancellationRequested) return undefined;
        throw e;
      } finally {
        this.listeners.delete(progressId);
        sub.dispose();
        cancel.dispose();
      }
    });
    if (!result) {
      this.log.info(`inference: ${user} cancelled`);
      return undefined;
    }
    const uri = await saveTrace(result.fileName, result.trace);
    const { record } = result;
    this.status.ran(record);
    const hits = record.candidates.filter((c) => c.hit).length;
    const summary = `${record.user} (${record.mode}, ${record.checkpoint ?? baseName(record.model)}, ${record.executionProvider}): ${record.candidates.length} recommendations, ${hits} hit${hits === 1 ? '' : 's'} in ${(record.timings.totalMs / 1000).toFixed(1)} s`;
    this.log.info(`inference: ${summary}; trace ${uri.toString()}`);
    if (record.providerNote) this.log.warn(record.providerNote);
    if (options.show !== false) await vscode.window.showTextDocument(uri, { viewColumn: options.show ?? vscode.ViewColumn.Beside, preview: false });
    if (options.announce !== false) {
      void vscode.window.showInformationMessage(`RecLens: ${summary}. Trace saved to ${displayPath(uri)}.`, 'Show Graph').then((picked) => {
        if (picked) void vscode.commands.executeCommand('reclens.showGraph', uri);
      });
    }
    return { uri, result };
  }
}

const baseName = (p: string): string => p.split(/[\\/]/).filter(Boolean).pop() ?? p;
