/**
 * Inference commands: Run Inference for User…, Run Thinking vs
 * Non-Thinking, and "Run again" (the code lens on a trace header: the same
 * user, mode and decoding settings).
 */
import * as vscode from 'vscode';
import { InspectModelRequest, TraceHeaderRequest } from '../../protocol/messages';
import type { RecLens } from '../context';
import { pickMode } from '../pick-mode';
import { pickUser } from '../pick-user';
import { command } from './command';

export function registerRunCommands(r: RecLens): vscode.Disposable[] {
  const state = r.context.workspaceState;

  async function runForUser(): Promise<void> {
    const user = await pickUser(r.client, state, 'RecLens: Run Inference for User');
    if (!user) return;
    const mode = await pickMode(state, `RecLens: Run Inference for ${user}`);
    if (!mode) return;
    await r.inference.run(user, { mode });
  }

  async function runBothModes(): Promise<void> {
    const user = await pickUser(r.client, state, 'RecLens: Run Thinking vs Non-Thinking');
    if (!user) return;
    const thinking = await r.inference.run(user, { mode: 'thinking' }, { announce: false });
    if (!thinking) return;
    // The second trace opens beside the first, so the two read side by side.
    const plain = await r.inference.run(user, { mode: 'non-thinking' }, { announce: false });
    if (!plain) return;
    const hits = (run: typeof thinking): number => run.result.record.candidates.filter((c) => c.hit).length;
    const top = thinking.result.record.candidates.length;
    void vscode.window.showInformationMessage(`RecLens: ${user}: thinking ${hits(thinking)} hit(s), non-thinking ${hits(plain)} hit(s) in the top ${top}.`, 'Compare Graphs', 'Open Text Diff').then((picked) => {
      if (picked === 'Compare Graphs') void vscode.commands.executeCommand('reclens.compareTraces', thinking.uri, plain.uri);
      else if (picked === 'Open Text Diff') void vscode.commands.executeCommand('reclens.openTextDiff', thinking.uri, plain.uri);
    });
  }

  /** Re-runs the trace in `uri` (default: the active editor), as the server reads its header: its user, mode and decoding settings, and its model when that folder holds a model here. */
  async function runAgain(uri?: vscode.Uri): Promise<void> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target) throw new Error('open an .rtrace trace to run it again');
    const { header, overrides, problems } = await r.client.sendRequest(TraceHeaderRequest, { uri: target.toString() });
    for (const p of problems) r.log.warn(p);
    if (!header.user) throw new Error(`${vscode.workspace.asRelativePath(target)} names no user (its header has no valid "user:" line)`);
    if (header.model) {
      const status = await r.client.sendRequest(InspectModelRequest, { path: header.model });
      if (status.ok) overrides.model = status.path;
      else r.log.info(`Run again: the trace's model cannot be used here (${status.problem}); running reclens.model.path instead.`);
    }
    await r.inference.run(header.user, overrides);
  }

  return [
    command(r, 'reclens.runInference', 'Run Inference for User', runForUser, { trusted: true }),
    command(r, 'reclens.runThinkingVsNonThinking', 'Run Thinking vs Non-Thinking', runBothModes, { trusted: true }),
    command(r, 'reclens.runAgain', 'Run again', runAgain, { trusted: true }),
  ];
}
