/**
 * Entry point that VS Code's extension host loads (`--extensionTestsPath`):
 * runs every compiled *.test.js next to it with mocha (TDD interface) and
 * records progress in RECLENS_DESKTOP_RESULTS, so the launcher can tell a
 * suite that failed from a VS Code that never got this far.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

function record(results: object): void {
  const file = process.env.RECLENS_DESKTOP_RESULTS;
  if (file) fs.writeFileSync(file, JSON.stringify({ started: true, vscodeVersion: vscode.version, ...results }));
}

export function run(): Promise<void> {
  record({});
  const mocha = new Mocha({ ui: 'tdd', color: true, timeout: 90_000 });
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const { tests = 0, passes = 0, pending = 0 } = runner.stats ?? {};
        record({ tests, passes, pending, failures });
        if (failures > 0) reject(new Error(`${failures} desktop test(s) failed`));
        else if (passes === 0) reject(new Error('no desktop test ran'));
        else resolve();
      });
    } catch (e) {
      record({ failures: 1 });
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
