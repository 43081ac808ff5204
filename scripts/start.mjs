// `npm start`: opens the demo/ workspace in a real VS Code with RecLens loaded.
// Desktop VS Code when `code` is on PATH; otherwise a local code-server on
// 127.0.0.1 (installed on first use) whose URL is printed. Ctrl+C stops it.
//
//   node scripts/start.mjs [--port N] [--code-server] [--workspace DIR]
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, codeServerDir, ensureCodeServer, isCodeServerInstalled, launchCodeServer, SetupError } from './code-server.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const workspace = path.resolve(argValue('--workspace') ?? path.join(repo, 'demo'));
const forceCodeServer = args.includes('--code-server') || process.env.RECLENS_USE_CODE_SERVER === '1';
const log = (line) => console.log(`[start] ${line}`);

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** Builds once when the bundles are missing, so a fresh clone starts with one command. */
function buildIfMissing() {
  if (fs.existsSync(path.join(repo, 'dist', 'extension.js')) && fs.existsSync(path.join(repo, 'dist', 'server.js'))) return;
  log('dist/ is missing: building first (npm run build)');
  const r = spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) throw new SetupError('the build failed; fix the errors above and run npm start again');
}

async function main() {
  buildIfMissing();
  if (!forceCodeServer && onPath('code')) {
    log(`opening ${path.relative(process.cwd(), workspace) || '.'} in desktop VS Code`);
    const child = spawn('code', [`--extensionDevelopmentPath=${repo}`, workspace], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  log('no `code` on PATH: using code-server (VS Code in the browser)');
  if (!isCodeServerInstalled()) log(`first use: installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir()} (a few minutes, once)`);
  const entry = await ensureCodeServer({ log: (l) => log(`code-server: ${l}`) });
  const portArg = argValue('--port') ?? process.env.RECLENS_PORT;
  const server = await launchCodeServer({
    workspace,
    extensionDir: repo,
    entry,
    port: portArg ? Number(portArg) : undefined,
    userSettings: {
      'workbench.startupEditor': 'readme',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'workbench.enableExperiments': false,
      'git.openRepositoryInParentFolders': 'never',
    },
    log: (l) => log(`code-server: ${l}`),
  });
  console.log('');
  console.log(`  RecLens is running in code-server. Open this URL in a browser:`);
  console.log('');
  console.log(`    ${server.url}`);
  console.log('');
  console.log(`  (listening on 127.0.0.1 only; from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} <this host>)`);
  console.log('  Press Ctrl+C to stop.');
  // launchCodeServer kills the server on Ctrl+C / SIGTERM; here we only notice it dying on its own.
  await server.exited;
  console.error(`[start] code-server exited unexpectedly:\n${server.output().trim().split('\n').slice(-20).join('\n')}`);
  await server.stop();
  process.exitCode = 1;
}

main().catch((e) => {
  console.error(`[start] ${e instanceof SetupError ? e.message : e.stack}`);
  process.exitCode = 1;
});
