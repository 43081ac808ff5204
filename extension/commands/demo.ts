/** Open Demo Workspace: the demo world bundled with the extension (items, users, traces, two checkpoints). */
import * as vscode from 'vscode';
import type { RecLens } from '../context';
import { command } from './command';

export function registerDemoCommands(r: RecLens): vscode.Disposable[] {
  async function openDemo(): Promise<void> {
    const demo = vscode.Uri.joinPath(r.context.extensionUri, 'demo');
    await vscode.workspace.fs.stat(demo);
    if (vscode.workspace.workspaceFolders?.[0]?.uri.toString() === demo.toString()) {
      void vscode.window.showInformationMessage('RecLens: the demo workspace is already open. Try traces/u1024.rtrace, or RecLens: Run Inference for User….');
      return;
    }
    const choice = await vscode.window.showInformationMessage(
      'RecLens: open the demo workspace (a small item world, users, traces and two model checkpoints)?',
      { modal: true, detail: demo.fsPath },
      'Open in New Window',
      'Open Here',
    );
    if (choice) await vscode.commands.executeCommand('vscode.openFolder', demo, { forceNewWindow: choice === 'Open in New Window' });
  }
  return [command(r, 'reclens.openDemo', 'Open Demo Workspace', openDemo)];
}
