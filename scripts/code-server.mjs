// Installs and launches code-server (VS Code served to a browser) so RecLens
// can run in a real VS Code on machines where desktop VS Code cannot be had.
// Plain Node ESM with no dependencies: it must run before `npm run build`.
//
//   node scripts/code-server.mjs            install once (cached), print the folder
//   node scripts/code-server.mjs --check    exit 0 when installed, 1 otherwise
//
// The install sequence is the one checked in shared/TESTING.md; the npm
// postinstall of code-server fails here (root, kerberos headers, ripgrep
// download), so every step is run by hand with --ignore-scripts.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
/** Debian packages the install needs: kerberos headers, a local ripgrep (no download), the test browser. */
export const APT_PACKAGES = ['libkrb5-dev', 'ripgrep', 'chromium'];
const MARKER = '.reclens-installed';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The cache folder, outside the clone so `git clean` and fresh clones reuse it. */
export function codeServerDir() {
  return path.resolve(
    process.env.RECLENS_CODE_SERVER_DIR ??
      path.join(os.homedir(), '.cache', 'reclens', `code-server-${CODE_SERVER_VERSION}`),
  );
}

/** Path of code-server's Node entry point inside the cache folder. */
export function codeServerEntry(dir = codeServerDir()) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** True when a complete install (marker written last) is in the cache folder. */
export function isCodeServerInstalled(dir = codeServerDir()) {
  return fs.existsSync(path.join(dir, MARKER)) && fs.existsSync(codeServerEntry(dir));
}

const defaultLog = (line) => process.stderr.write(`[code-server] ${line}\n`);

/** A failure the user can act on; the CLI prints its message without a stack. */
export class SetupError extends Error {}

/**
 * Installs code-server and its Debian packages unless already done.
 * Returns the path of entry.js. Concurrent callers wait on one lock.
 */
export async function ensureCodeServer({ log = defaultLog, dir = codeServerDir() } = {}) {
  if (isCodeServerInstalled(dir)) {
    ensureAptPackages(log);
    return codeServerEntry(dir);
  }
  const release = await acquireLock(`${dir}.lock`, log);
  // Interrupted: kill the running step's process group (npm, node-gyp, compilers) so
  // nothing keeps writing into the folder, free the lock, then die of the same signal.
  const onSignal = (sig) => {
    killGroup(currentStep);
    release();
    log(`interrupted by ${sig}; the next run starts the install again`);
    process.kill(process.pid, sig);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.once(sig, onSignal);
  try {
    // Another process may have finished the install while we waited.
    if (isCodeServerInstalled(dir)) return codeServerEntry(dir);
    const started = Date.now();
    ensureAptPackages(log);
    await install(dir, log);
    log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s (${dirSizeMb(dir)} MB in ${dir})`);
    return codeServerEntry(dir);
  } finally {
    for (const sig of signals) process.removeListener(sig, onSignal);
    release();
  }
}

/** The install step running now (its own process group), killed on interruption. */
let currentStep;

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Installs the missing Debian packages (apt-get update once, then one install). */
export function ensureAptPackages(log = defaultLog) {
  if (spawnSync('dpkg', ['--version'], { stdio: 'ignore' }).status !== 0) {
    // Not Debian: nothing to install with apt; the ripgrep step says so if rg is missing.
    log(`no dpkg here: make sure ${APT_PACKAGES.join(', ')} (or their equivalents) are installed`);
    return;
  }
  const missing = APT_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new SetupError(
      `missing Debian packages: ${missing.join(' ')}. Install them with\n` +
        `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\nthen run this again.`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`apt-get update (for ${missing.join(', ')})`);
  runChecked('apt-get', ['update'], { env, log, what: 'apt-get update' });
  log(`apt-get install -y ${missing.join(' ')}`);
  runChecked('apt-get', ['install', '-y', ...missing], { env, log, what: 'apt-get install' });
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg', ['-s', pkg], { encoding: 'utf8' });
  return r.status === 0 && /^Status: install ok installed$/m.test(r.stdout);
}

async function install(dir, log) {
  // A folder without the marker is a half-finished install: start again from nothing.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Own package.json so npm installs here and not in some parent project.
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'reclens-code-server-cache', private: true, version: '0.0.0' }, null, 2),
  );
  const vscode = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const npmEnv = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  const steps = [
    ['npm install code-server (no scripts)', dir, 'npm', ['install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`]],
    ['npm install VS Code server dependencies', vscode, 'npm', ['install', '--unsafe-perm', '--omit=dev', '--ignore-scripts']],
    ['rebuild native modules', vscode, 'npm', ['rebuild', '@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid']],
    ['link ripgrep and helper scripts', vscode, null, () => {
      const rgDir = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
      fs.mkdirSync(rgDir, { recursive: true });
      fs.copyFileSync(whichOrThrow('rg'), path.join(rgDir, 'rg'));
      fs.chmodSync(path.join(rgDir, 'rg'), 0o755);
      symlinkForce('node_modules', path.join(vscode, 'node_modules.asar'));
      symlinkForce('code-linux.sh', path.join(vscode, 'bin', 'remote-cli', 'code-server'));
      symlinkForce('browser-linux.sh', path.join(vscode, 'bin', 'helpers', 'browser.sh'));
    }],
    ['npm install built-in extensions', path.join(vscode, 'extensions'), 'npm', ['install', '--omit=dev', '--ignore-scripts']],
    ['built-in extensions postinstall', path.join(vscode, 'extensions'), process.execPath, ['./postinstall.mjs']],
    ['rebuild argon2', dir, 'npm', ['rebuild', 'argon2']],
  ];
  const logFile = path.join(dir, 'install.log');
  for (const [i, [title, cwd, cmd, args]] of steps.entries()) {
    const t0 = Date.now();
    log(`step ${i + 1}/${steps.length}: ${title}`);
    if (cmd === null) args();
    else await runLogged(cmd, args, { cwd, env: npmEnv, logFile, what: title });
    log(`  done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  const version = readVersion(dir);
  if (!version.startsWith(CODE_SERVER_VERSION)) {
    throw new SetupError(`code-server --version printed "${version}", expected ${CODE_SERVER_VERSION}; see ${logFile}`);
  }
  log(`check: ${version}`);
  fs.writeFileSync(path.join(dir, MARKER), `${CODE_SERVER_VERSION}\n${new Date().toISOString()}\n`);
}

/** Runs `entry.js --version` with config and data in a temp folder (it writes there even for --version). */
export function readVersion(dir = codeServerDir()) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cs-version-'));
  try {
    return execFileSync(process.execPath, [codeServerEntry(dir), '--version', '--config', path.join(tmp, 'config.yaml')], {
      encoding: 'utf8',
      env: cleanEnv({ XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_DATA_HOME: path.join(tmp, 'data') }),
    })
      .split('\n')
      // It may log "Wrote default config file" before the version line.
      .find((l) => /^\d+\.\d+\.\d+ /.test(l)) ?? '(no version line)';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function whichOrThrow(cmd) {
  for (const d of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(d, cmd);
    if (fs.existsSync(p)) return p;
  }
  throw new SetupError(`${cmd} is not on PATH (Debian package ripgrep)`);
}

function symlinkForce(target, link) {
  fs.rmSync(link, { force: true });
  fs.symlinkSync(target, link);
}

function runChecked(cmd, args, { env, log, what }) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new SetupError(`${what} failed (exit ${r.status ?? r.signal ?? r.error?.message}):\n${tail}`);
  }
  log(`  ok`);
}

/** Runs a step, appending its output to the install log; the log's tail is the error message. */
async function runLogged(cmd, args, { cwd, env, logFile, what }) {
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
  currentStep = child;
  const [code, signal] = await Promise.race([
    once(child, 'exit'),
    once(child, 'error').then(([e]) => [e.message, null]),
  ]);
  fs.closeSync(out);
  if (code !== 0) {
    const tail = fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-20).join('\n');
    throw new SetupError(`"${what}" failed (${signal ?? `exit ${code}`}) in ${cwd}:\n${tail}\n(full log: ${logFile})`);
  }
}

function dirSizeMb(dir) {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\s/)[0] : '?';
}

/** A lock folder holding the owner's pid; a lock whose owner died is taken over. */
async function acquireLock(lockDir, log) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let told = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    const owner = Number(readOr(path.join(lockDir, 'pid'), '0'));
    if (owner > 0 && !isAlive(owner)) {
      fs.rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!told) log(`waiting for another install (pid ${owner || '?'}) to finish`);
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/**
 * The environment for code-server: without the variables of a surrounding
 * VS Code (VSCODE_IPC_HOOK_CLI would make code-server act as a CLI of that
 * instance instead of starting a server).
 */
function cleanEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** A free TCP port on the loopback interface. */
export async function freePort() {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address();
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * Makes `<extensionsDir>/<publisher>.<name>-<version>` point at the built
 * extension: symlinks to package.json, dist/, syntaxes/, media/ (walkthrough)
 * and demo/ (Open Demo Workspace) (so a rebuild is
 * live after a window reload), plus node_modules entries only for packages
 * the bundles still `require` (esbuild bundles are otherwise self-contained).
 */
export function linkExtension(extensionDir, extensionsDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(target, { recursive: true });
  for (const entry of ['package.json', 'syntaxes', 'media', 'demo', 'README.md', 'LICENSE', 'CHANGELOG.md']) {
    const src = path.join(extensionDir, entry);
    if (fs.existsSync(src)) fs.symlinkSync(src, path.join(target, entry));
  }
  // The extension host tells extensions apart by the paths in stack traces, and Node resolves
  // symlinks: a symlinked extension.js would be attributed to no extension ("Null Extension
  // Description" on its notifications). So dist/ is a real folder with the extension bundle copied;
  // the rest (the server, run as its own process) is linked.
  const dist = path.join(extensionDir, 'dist');
  if (fs.existsSync(dist)) {
    fs.mkdirSync(path.join(target, 'dist'));
    for (const f of fs.readdirSync(dist)) {
      const copy = f === 'extension.js' || f === 'extension.js.map';
      (copy ? fs.copyFileSync : fs.symlinkSync)(path.join(dist, f), path.join(target, 'dist', f));
    }
  }
  for (const pkg of bundleExternals(path.join(extensionDir, 'dist'))) {
    const src = path.join(extensionDir, 'node_modules', pkg);
    if (!fs.existsSync(src)) continue;
    fs.mkdirSync(path.dirname(path.join(target, 'node_modules', pkg)), { recursive: true });
    fs.symlinkSync(src, path.join(target, 'node_modules', pkg));
  }
  return target;
}

/** Non-builtin packages that the top-level bundles in dist/ load at run time. */
export function bundleExternals(distDir) {
  const found = new Set();
  if (!fs.existsSync(distDir)) return [];
  const builtin = new Set(['vscode', ...builtinModules]);
  for (const f of fs.readdirSync(distDir)) {
    if (!f.endsWith('.js')) continue;
    const text = fs.readFileSync(path.join(distDir, f), 'utf8');
    for (const m of text.matchAll(/require\(["']([^"'./][^"']*)["']\)/g)) {
      const spec = m[1].replace(/^node:/, '');
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (!builtin.has(name)) found.add(name);
    }
  }
  return [...found];
}


const running = new Set();
let exitHooked = false;

/** Kills every launched server synchronously; used on exit and on signals. */
function killAll() {
  for (const s of running) s.killNow();
}

function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => {
      killAll();
      // Re-raise so the process ends with the usual signal status.
      process.kill(process.pid, sig);
    });
  }
}

/**
 * Starts code-server on 127.0.0.1 with throw-away user data, extensions and
 * XDG folders, RecLens linked in, and the given user settings.
 * Resolves once /healthz answers; `stop()` kills the process group and
 * removes the temp folder.
 */
export async function launchCodeServer({
  workspace,
  extensionDir = REPO_ROOT,
  userSettings = {},
  port,
  log = defaultLog,
  entry,
  extraArgs = [],
  timeoutMs = 60_000,
} = {}) {
  if (!workspace) throw new SetupError('launchCodeServer: workspace is required');
  const entryJs = entry ?? (await ensureCodeServer({ log }));
  const listenPort = port ?? (await freePort());
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cs-'));
  const userData = path.join(tmp, 'user-data');
  const extensions = path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  fs.writeFileSync(path.join(tmp, 'config.yaml'), `bind-addr: 127.0.0.1:${listenPort}\nauth: none\ncert: false\n`);
  if (extensionDir) linkExtension(extensionDir, extensions);

  const absWorkspace = path.resolve(workspace);
  const args = [
    entryJs,
    '--bind-addr', `127.0.0.1:${listenPort}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', path.join(tmp, 'config.yaml'),
    '--user-data-dir', userData,
    '--extensions-dir', extensions,
    '--ignore-last-opened',
    ...extraArgs,
    absWorkspace,
  ];
  const child = spawn(process.execPath, args, {
    cwd: absWorkspace,
    detached: true, // own process group: the whole tree (extension host, language server) dies with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({ XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data') }),
  });
  const output = [];
  const collect = (chunk) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = false;
  const exitPromise = once(child, 'exit').then(() => {
    exited = true;
  });

  const handle = {
    killNow() {
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(tmp, { recursive: true, force: true });
      running.delete(handle);
    },
  };
  running.add(handle);
  hookExit();

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await exitPromise;
      clearTimeout(timer);
    }
    // Children in the group may outlive the leader by a moment (extension host, language server).
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // group empty
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    running.delete(handle);
  };

  const base = `http://127.0.0.1:${listenPort}`;
  try {
    await waitReady(base, () => exited, timeoutMs);
  } catch (e) {
    await stop();
    throw new SetupError(`${e.message}\ncode-server output:\n${output.join('').trim().split('\n').slice(-30).join('\n')}`);
  }
  const url = `${base}/?folder=${encodeURIComponent(absWorkspace)}`;
  return { url, port: listenPort, pid: child.pid, tmpDir: tmp, output: () => output.join(''), exited: exitPromise, stop };
}

async function waitReady(base, hasExited, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('code-server exited before it was ready');
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${base}/healthz within ${timeoutMs / 1000} s`);
}

// CLI: `node scripts/code-server.mjs [--check]`
async function main() {
  try {
    if (process.argv.includes('--check')) {
      const ok = isCodeServerInstalled();
      console.log(ok ? `code-server ${readVersion()} in ${codeServerDir()}` : `code-server is not installed in ${codeServerDir()}`);
      process.exitCode = ok ? 0 : 1;
    } else {
      const t0 = Date.now();
      const already = isCodeServerInstalled();
      if (!already) defaultLog(`installing code-server ${CODE_SERVER_VERSION} into ${codeServerDir()} (a few minutes, once)`);
      await ensureCodeServer();
      console.log(`code-server ${CODE_SERVER_VERSION} ready in ${codeServerDir()}${already ? ' (cached)' : ` (${((Date.now() - t0) / 1000).toFixed(0)} s)`}`);
    }
  } catch (e) {
    console.error(`code-server setup failed: ${e instanceof SetupError ? e.message : e.stack}`);
    process.exitCode = 1;
  }
}

// No top-level await, so the module can also be loaded with require().
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
