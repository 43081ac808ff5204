/** Errors as messages a user can act on: the server's text, and "Open Settings" when it names a setting. */
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { settingsNamedIn } from './setting-links';

/** Whether `e` is a cancellation (the user pressed Cancel), which is no error to report. */
export function isCancellation(e: unknown): boolean {
  return (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) || e instanceof vscode.CancellationError;
}

/** Logs `e` and shows it; offers to open the first setting the message names. Cancellations are only logged. */
export async function showError(log: vscode.LogOutputChannel, what: string, e: unknown): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  if (isCancellation(e)) {
    log.info(`${what}: cancelled`);
    return;
  }
  log.error(`${what}: ${message}`);
  const setting = settingsNamedIn(message)[0];
  const actions = setting ? ['Open Settings', 'Show Log'] : ['Show Log'];
  const picked = await vscode.window.showErrorMessage(`RecLens: ${what} failed: ${message}`, ...actions);
  if (picked === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  else if (picked === 'Show Log') log.show(true);
}
