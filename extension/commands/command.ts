/**
 * How every RecLens command runs: logged to the RecLens channel, refused in
 * Restricted Mode when it runs a model, and its errors shown as messages a
 * user can act on (the server's text; "Open Settings" when it names one).
 */
import * as vscode from 'vscode';
import type { RecLens } from '../context';
import { showError } from '../errors';
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

/** Registers command `id` (titled `title` in logs and errors); `trusted`: it runs a model, so Restricted Mode refuses it. */
export function command<A extends unknown[]>(r: RecLens, id: string, title: string, body: (...args: A) => Promise<void>, options: { trusted?: boolean } = {}): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: A) => {
    r.log.info(`command: ${title}${args.length ? ` ${args.map(describeArg).join(' ')}` : ''}`);
    if (options.trusted && refusedUntrusted(r, title)) return;
    try {
      await body(...args);
    } catch (e) {
      await showError(r.log, title, e);
    }
  });
}

const describeArg = (a: unknown): string => (a instanceof vscode.Uri ? a.toString() : typeof a === 'object' && a !== null ? JSON.stringify(a) : String(a));
