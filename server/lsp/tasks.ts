/**
 * Long server tasks (building an item index) reported to the client as
 * `reclens/taskProgress` notifications, cancellable with `reclens/cancelTask`.
 */
import type { Connection } from 'vscode-languageserver';
import { CancelTaskNotification, TaskProgressNotification, type TaskProgressParams } from '../../protocol/messages';

export interface Task {
  signal: AbortSignal;
  report(fraction: number, message: string): void;
  done(message?: string): void;
}

/** Progress reports more often than this (ms) are dropped, except the last. */
const MIN_INTERVAL_MS = 100;

export class Tasks {
  private next = 1;
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly connection: Connection) {
    connection.onNotification(CancelTaskNotification, (p) => this.running.get(p.id)?.abort());
  }

  /** Start a task; the client shows it until `done`. */
  start(title: string): Task {
    const id = this.next++;
    const controller = new AbortController();
    this.running.set(id, controller);
    let last = 0;
    const send = (p: Omit<TaskProgressParams, 'id' | 'title'>): void => void this.connection.sendNotification(TaskProgressNotification, { id, title, ...p });
    send({ fraction: 0 });
    return {
      signal: controller.signal,
      report: (fraction, message) => {
        const now = Date.now();
        if (now - last < MIN_INTERVAL_MS) return;
        last = now;
        send({ fraction, message });
      },
      done: (message) => {
        this.running.delete(id);
        send({ fraction: 1, message, done: true });
      },
    };
  }
}
