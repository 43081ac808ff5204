/**
 * The shared vocabulary stays shared: protocol/ imports nothing from the
 * server or the extension, and the webview bundle (which imports
 * protocol/webview.ts and protocol/graph.ts) reaches no LSP or VS Code
 * package through protocol/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');

/** The module specifiers a TypeScript file imports or re-exports. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
}

/** Every file the webview's sources reach through relative imports, and the packages they name. */
function webviewReach(): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = fs.readdirSync(path.join(root, 'webview')).filter((f) => f.endsWith('.ts')).map((f) => path.join(root, 'webview', f));
  for (let file = queue.shift(); file; file = queue.shift()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec) + '.ts');
      else packages.add(spec);
    }
  }
  return { files, packages };
}

test('protocol/ imports nothing from server/ or extension/', () => {
  for (const name of fs.readdirSync(path.join(root, 'protocol')).filter((f) => f.endsWith('.ts'))) {
    for (const spec of importsOf(path.join(root, 'protocol', name))) assert.ok(!/^\.\.\/(server|extension)\b/.test(spec), `protocol/${name} imports ${spec}`);
  }
});

test('the webview reaches neither the LSP messages nor any vscode package', () => {
  const { files, packages } = webviewReach();
  assert.ok(files.has(path.join(root, 'protocol', 'graph.ts')), 'the walk follows imports into protocol/');
  assert.ok(!files.has(path.join(root, 'protocol', 'messages.ts')), 'the webview imports protocol/messages.ts');
  for (const p of packages) assert.ok(!/^vscode/.test(p), `the webview imports ${p}`);
});
