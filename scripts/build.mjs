// Bundles the extension, the language server, the CLI, the debug adapter and the graph webview with esbuild.
// `node scripts/build.mjs [--watch] [--minify]`
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify,
  logLevel: 'info',
  // jsonc-parser's `main` is a UMD build whose inner require() calls esbuild cannot follow
  // (dist/cli.js failed with "Cannot find module './impl/format'"); its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
};

// onnxruntime-node loads native binaries from its package folder: it stays a runtime require.
const native = ['onnxruntime-node'];

const builds = [
  { entryPoints: { extension: 'extension/main.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'server/lsp/main.ts' }, external: native },
  { entryPoints: { engine: 'server/engine/worker.ts' }, external: native },
  { entryPoints: { cli: 'server/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' }, external: native },
  { entryPoints: { debugAdapter: 'server/debug/main.ts' }, external: native },
].map((b) => ({ ...common, ...b, outdir: 'dist' }));

// The graph webview: a browser bundle (graph.js + graph.css) that the panel and `reclens render` load.
builds.push({
  entryPoints: { graph: 'webview/main.ts' },
  outdir: 'dist/webview',
  bundle: true,
  platform: 'browser',
  target: 'chrome114',
  format: 'iife',
  sourcemap: true,
  minify,
  logLevel: 'info',
});

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
