/** Waiting on processes a test started (workers, adapters). */
import assert from 'node:assert/strict';

/** Resolves once `pid` no longer runs; fails the test if it still runs `ms` later. */
export async function exited(pid: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > until) assert.fail(`process ${pid} still runs ${ms} ms later`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
