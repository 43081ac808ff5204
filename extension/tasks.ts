/** Shows the server's long tasks (index builds) as cancellable progress notifications. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CancelTaskNotification, TaskProgressNotification, type TaskProgressParams } from '../protocol/messages';

interface Shown {
  progress?: vscode.Progress<{ message?: string; increment?: number }>;
  fraction: number;
  finish: () => void;
  /** Reports that arrived before VS Code handed over the progress object. */
  pending: TaskProgressParams[];
}

/**
 * Relay `reclens/taskProgress` to VS Code's progress UI and cancellation back
 * to the server; `onRunning` hears how many tasks run (the status bar shows "indexing…").
 */
export function showTasks(client: LanguageClient, onRunning: (count: number) => void = () => undefined): vscode.Disposable {
  const shown = new Map<number, Shown>();
  const apply = (task: Shown, p: TaskProgressParams): void => {
    const fraction = p.fraction ?? task.fraction;
    task.progress?.report({ message: p.message, increment: Math.max(0, (fraction - task.fraction) * 100) });
    task.fraction = fraction;
  };
  return client.onNotification(TaskProgressNotification, (p) => {
    let task = shown.get(p.id);
    if (!task) {
      if (p.done) return;
      let resolve: (() => void) | undefined;
      let finished = false;
      const created: Shown = {
        fraction: 0,
        pending: [],
        finish: () => {
          finished = true;
          resolve?.();
        },
      };
      task = created;
      shown.set(p.id, created);
      onRunning(shown.size);
      void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `RecLens: ${p.title}`, cancellable: true }, (progress, token) => {
        created.progress = progress;
        for (const q of created.pending.splice(0)) apply(created, q);
        token.onCancellationRequested(() => void client.sendNotification(CancelTaskNotification, { id: p.id }));
        return new Promise<void>((r) => {
          resolve = r;
          if (finished) r();
        });
      });
    }
    if (task.progress) apply(task, p);
    else task.pending.push(p);
    if (p.done) {
      shown.delete(p.id);
      task.finish();
      onRunning(shown.size);
    }
  });
}
