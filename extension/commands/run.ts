/**
 * Inference commands: Run Inference for User…, Run Thinking vs
 * Non-Thinking, and "Run again" (the code lens on a trace header: the same
 * user, mode and decoding settings).
 */
import * as vscode from 'vscode';
import type { RecLens } from '../context';
import { showError } from '../errors';
import { isModelFolder } from '../models';
import { pickMode } from '../pick-mode';
import { pickUser } from '../pick-user';
import { rerunRequest, traceHeader } from '../trace-header';
import { trustRefusal } from '../trust';

/** Shows the Restricted Mode refusal and returns true when the workspace is not trusted. */
export function refusedUntrusted(r: RecLens, what: string): boolean {
  const refusal = trustRefusal(vscode.workspace.isTrusted, what);
  if (!refusal) return false;
  r.log.warn(refusal);
  void vscode.window.showWarningMessage(refusal, 'Manage Workspace Trust').then((picked) => {
    if (picked) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return true;
}

export function registerRunCommands(r: RecLens): vscode.Disposable[] {
  const state = r.context.workspaceState;

  async function runForUser(): Promise<void> {
    r.log.info('command: Run Inference for User…');
    if (refusedUntrusted(r, 'Run Inference for User')) return;
    try {
      const user = await pickUser(r.client, state, 'RecLens: Run Inference for User');
      if (!user) return;
      const mode = await pickMode(state, `RecLens: Run Inference for ${user}`);
      if (!mode) return;
      await r.inference.run(user, { mode });
    } catch (e) {
      await showError(r.log, 'Run Inference', e);
    }
  }

  async function runBothModes(): Promise<void> {
    r.log.info('command: Run Thinking vs Non-Thinking');
    if (refusedUntrusted(r, 'Run Thinking vs Non-Thinking')) return;
    try {
      const user = await pickUser(r.client, state, 'RecLens: Run Thinking vs Non-Thinking');
      if (!user) return;
      const thinking = await r.inference.run(user, { mode: 'thinking' }, { announce: false });
      if (!thinking) return;
      // The second trace opens beside the first, so the two read side by side.
      const plain = await r.inference.run(user, { mode: 'non-thinking' }, { announce: false });
      if (!plain) return;
      const [a, b] = [thinking.result.record, plain.result.record];
      const hits = (rec: typeof a): number => rec.candidates.filter((c) => c.hit).length;
      void vscode.window.showInformationMessage(`RecLens: ${user}: thinking ${hits(a)} hit(s), non-thinking ${hits(b)} hit(s) in the top ${a.candidates.length}.`, 'Compare Graphs', 'Open Text Diff').then((picked) => {
        if (picked === 'Compare Graphs') void vscode.commands.executeCommand('reclens.compareTraces', thinking.uri, plain.uri);
        else if (picked === 'Open Text Diff') void vscode.commands.executeCommand('reclens.openTextDiff', thinking.uri, plain.uri);
      });
    } catch (e) {
      await showError(r.log, 'Run Thinking vs Non-Thinking', e);
    }
  }

  /** Re-runs the trace in `uri` (default: the active editor): its user, mode and decoding settings, and its model when that folder exists here. */
  async function runAgain(uri?: vscode.Uri): Promise<void> {
    r.log.info(`command: Run again ${uri?.toString() ?? ''}`);
    if (refusedUntrusted(r, 'Run again')) return;
    try {
      const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      const header = doc ? traceHeader(doc.getText()) : undefined;
      if (!doc || !header) throw new Error('open an .rtrace trace to run it again');
      const { user, model, overrides } = rerunRequest(header.fields);
      if (!user) throw new Error(`${vscode.workspace.asRelativePath(doc.uri)} names no user (its header has no "user:" line)`);
      if (model && /[\\/]/.test(model) && (await isModelFolder(vscode.Uri.file(model)))) overrides.model = model;
      await r.inference.run(user, overrides);
    } catch (e) {
      await showError(r.log, 'Run again', e);
    }
  }

  return [
    vscode.commands.registerCommand('reclens.runInference', runForUser),
    vscode.commands.registerCommand('reclens.runThinkingVsNonThinking', runBothModes),
    vscode.commands.registerCommand('reclens.runAgain', runAgain),
  ];
}
