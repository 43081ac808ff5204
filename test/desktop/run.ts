/**
 * `npm run test:desktop`: the editor scenarios of test/e2e, run inside
 * desktop VS Code with @vscode/test-electron, as VS Code's own extension
 * tests are. For contributors on ordinary machines; not part of `npm test`.
 *
 * VS Code comes from VSCODE_EXECUTABLE (the VS Code binary: Linux
 * /usr/share/code/code, macOS ".../Visual Studio Code.app/Contents/MacOS/Electron",
 * Windows Code.exe) or else is downloaded once into ~/.cache/reclens/vscode-test.
 * Where no desktop VS Code can be had (no display, download impossible,
 * Electron does not start) it prints one `skipped: …` line and exits 0;
 * it never reports tests as passed unless the suite ran and passed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, ProgressReportStage, runTests, type ProgressReport, type ProgressReporter } from '@vscode/test-electron';
import * as esbuild from 'esbuild';

const repoRoot = path.resolve(__dirname, '..', '..');
const suiteSrc = path.join(__dirname, 'suite');
const suiteOut = path.join(repoRoot, 'out', 'desktop', 'suite');
const cachePath = path.join(os.homedir(), '.cache', 'reclens', 'vscode-test');
/** Idle timeout of each request of the download: fail fast where there is no network. */
const DOWNLOAD_TIMEOUT_MS = 10_000;

/** The state the suite writes as it runs (see suite/index.ts). */
interface SuiteResults {
  started: boolean;
  vscodeVersion?: string;
  tests?: number;
  passes?: number;
  failures?: number;
  pending?: number;
}

class Skip extends Error {}

function oneLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(/\s+/g, ' ').trim();
}

/** Compiles the mocha suite (runs in the extension host): CommonJS, `vscode` and `mocha` left to require(). */
async function buildSuite(): Promise<void> {
  const entryPoints = fs
    .readdirSync(suiteSrc)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(suiteSrc, f));
  fs.rmSync(suiteOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: suiteOut,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    sourcemap: true,
    external: ['vscode', 'mocha'],
    logLevel: 'silent',
  });
}

/** The extension itself (dist/extension.js, dist/server.js), as `npm run build` makes it. */
function buildExtension(): void {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`npm run build failed:\n${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-30).join('\n')}`);
  }
}

/** Electron needs a display on Linux; headless machines can run the suite under `xvfb-run -a`. */
function checkDisplay(): void {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    throw new Skip('no display: DISPLAY and WAYLAND_DISPLAY are unset, try xvfb-run -a');
  }
}

/** Reports only an actual download (minutes, once), so a failed attempt stays silent. */
function downloadReporter(): ProgressReporter {
  let version = '';
  let announced = false;
  return {
    report(r: ProgressReport): void {
      if (r.stage === ProgressReportStage.ResolvedVersion) version = r.version;
      if (r.stage === ProgressReportStage.Downloading && !announced) {
        announced = true;
        console.log(`desktop: downloading VS Code ${version} into ${cachePath} (once)`);
      }
    },
    error(): void {},
  };
}

async function vscodeExecutable(): Promise<string> {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    // Asked for explicitly: a wrong path is an error, not a skip.
    if (!fs.existsSync(given)) throw new Error(`VSCODE_EXECUTABLE=${given} does not exist`);
    checkDisplay();
    return given;
  }
  checkDisplay();
  try {
    return await downloadAndUnzipVSCode({
      cachePath,
      timeout: DOWNLOAD_TIMEOUT_MS,
      extensionDevelopmentPath: repoRoot,
      reporter: downloadReporter(),
    });
  } catch (e) {
    throw new Skip(`download failed: ${oneLine(e)}`);
  }
}

function readResults(file: string): SuiteResults | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SuiteResults;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  await buildSuite();
  const executable = await vscodeExecutable();
  buildExtension();

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-desktop-'));
  const resultsFile = path.join(tmp, 'results.json');
  try {
    let exitCode: number | string = 0;
    try {
      await runTests({
        vscodeExecutablePath: executable,
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: path.join(suiteOut, 'index.js'),
        extensionTestsEnv: { RECLENS_DESKTOP_RESULTS: resultsFile },
        launchArgs: [
          path.join(repoRoot, 'demo'),
          '--disable-extensions',
          '--disable-workspace-trust',
          `--user-data-dir=${path.join(tmp, 'user-data')}`,
          `--extensions-dir=${path.join(tmp, 'extensions')}`,
        ],
      });
    } catch (e) {
      const failed = e as { code?: number; signal?: string };
      exitCode = failed.signal ?? failed.code ?? oneLine(e);
    }
    const results = readResults(resultsFile);
    if (!results?.started) {
      // The extension host never reached the suite: Electron did not start here.
      if (exitCode !== 0) throw new Skip(`VS Code at ${executable} exited with ${exitCode} before the suite started`);
      console.error(`desktop: VS Code at ${executable} exited without running the suite (is VSCODE_EXECUTABLE the VS Code binary rather than a launcher script?)`);
      return 1;
    }
    const summary = `${results.passes ?? 0} passing, ${results.failures ?? 0} failing, ${results.pending ?? 0} pending of ${results.tests ?? 0} in VS Code ${results.vscodeVersion ?? '?'}`;
    if (exitCode !== 0 || results.failures !== 0 || !results.passes) {
      console.error(`desktop: FAILED: ${summary} (exit ${exitCode})`);
      return 1;
    }
    console.log(`desktop: ${summary}`);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof Skip) {
      console.log(`skipped: no VS Code desktop available (${e.message}); set VSCODE_EXECUTABLE to a VS Code binary to run this suite`);
      process.exit(0);
    }
    console.error(`desktop: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
