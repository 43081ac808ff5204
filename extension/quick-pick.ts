/** QuickPick patterns shared by the commands: wait for the accepted item; search on the server as the user types. */
import type * as vscode from 'vscode';

/** Shows a configured QuickPick and resolves with the accepted item (undefined when dismissed), then disposes it. */
export function choose<T extends vscode.QuickPickItem>(pick: vscode.QuickPick<T>): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve) => {
    pick.onDidAccept(() => {
      resolve(pick.selectedItems[0]);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}

/**
 * Re-runs `search` as the user types (debounced) and hands each answer to
 * `show`, dropping answers to queries the user has typed past; the pick is
 * busy meanwhile. Stops when the pick is hidden.
 */
export function searchAsTyped<I extends vscode.QuickPickItem, T>(pick: vscode.QuickPick<I>, search: (value: string) => Thenable<T>, show: (result: T, value: string) => void, onError: (e: unknown) => void, debounceMs = 150): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  pick.onDidChangeValue((value) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const mine = ++latest;
      pick.busy = true;
      search(value).then(
        (result) => {
          if (mine !== latest) return;
          pick.busy = false;
          show(result, value);
        },
        (e: unknown) => {
          if (mine !== latest) return;
          pick.busy = false;
          onError(e);
        },
      );
    }, debounceMs);
  });
  pick.onDidHide(() => clearTimeout(timer));
}
