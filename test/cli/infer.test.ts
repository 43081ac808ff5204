/**
 * `reclens infer` as users run it: `node dist/cli.js infer …` in a real
 * process, from a folder without workspace settings, so the embedded demo
 * (its tables, users and model) is used.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli';
import { cliWorkspace, loadItems } from '../../server/cli/workspace';
import { findWorkspaceSettings } from '../../server/config/workspace-settings';
import type { InferenceRecord } from '../../protocol/inference';
import type { ItemLookup } from '../../server/items/lookup';
import type { ItemStore } from '../../server/items/store';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const demoSettings = path.join(repoRoot, 'demo', '.vscode', 'settings.json');
const finalModel = path.join(repoRoot, 'demo', 'models', 'final');
const earlyModel = path.join(repoRoot, 'demo', 'models', 'early');
const usersFile = path.join(repoRoot, 'demo', 'world', 'users.jsonl');
const CODE = /<\|sid_begin\|><s_a_\d+><s_b_\d+><s_c_\d+><\|sid_end\|>/g;

const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cli-infer-'));

/** `reclens ARGS` from the settings-free temp folder. */
const reclens = (args: string[], timeoutMs?: number): Promise<CliRun> => runCli(args, cwd, timeoutMs);

/** A successful `--json` run's record. */
async function record(args: string[]): Promise<InferenceRecord> {
  const r = await reclens(['infer', '--json', '--provider', 'cpu', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as InferenceRecord;
}

/** The user's history codes as the users file writes them, oldest first. */
function historyCodes(user: string): string[] {
  const line = fs
    .readFileSync(usersFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`{"user":"${user}"`));
  assert.ok(line, `${user} in ${usersFile}`);
  return (JSON.parse(line) as { history_codes: string }).history_codes.match(CODE) ?? [];
}

function assertBestFirst(r: InferenceRecord): void {
  assert.ok(r.candidates.length > 0);
  for (const c of r.candidates) {
    assert.equal(typeof c.code, 'string');
    assert.equal(typeof c.logprob, 'number');
    assert.ok(c.logprob <= 0, `${c.code}: ${c.logprob}`);
    assert.equal(typeof c.valid, 'boolean');
    assert.ok(c.branch === 'thinking' || c.branch === 'non-thinking', c.branch);
  }
  for (let i = 1; i < r.candidates.length; i++) assert.ok(r.candidates[i - 1].logprob >= r.candidates[i].logprob, `candidate ${i + 1} scores above candidate ${i}`);
}

let store: ItemStore;
let lookup: ItemLookup;
const cacheDir = path.join(cwd, 'test-cache');

before(async () => {
  assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build first`);
  assert.equal(findWorkspaceSettings(cwd), undefined, `${cwd} must lie outside any workspace with .vscode/settings.json`);
  // The demo's item pool, to check the CLI's validity verdicts against.
  const loaded = await loadItems(cliWorkspace({ settings: demoSettings, cache: cacheDir }), true);
  store = loaded.store;
  lookup = loaded.result.lookup;
  assert.ok(lookup.size >= 3000);
});
after(() => {
  store?.dispose();
  fs.rmSync(cwd, { recursive: true, force: true });
});

describe('reclens infer on the embedded demo', () => {
  test('--json: the record with the prompt, mode, model, provider, one thinking text and candidates best first; the same run twice is identical', async () => {
    const args = ['--user', 'u0910', '--temperature', '0'];
    const r = await record(args);
    assert.equal(r.user, 'u0910');
    assert.equal(r.mode, 'thinking');
    assert.equal(r.model, finalModel);
    assert.equal(r.checkpoint, 'final');
    assert.equal(r.executionProvider, 'cpu');
    const prompt = r.contexts.thinking!.prompt;
    assert.match(prompt, /\/think/);
    assert.doesNotMatch(prompt, /\/no_think/);
    // The prompt holds the user's most recent 20 history codes, in order.
    const recent = historyCodes('u0910').slice(-20);
    assert.equal(recent.length, 20);
    assert.ok(prompt.includes(recent.join('')), 'the recent history, concatenated, is in the prompt');
    assert.deepEqual(
      r.history.map((h) => h.item),
      recent,
    );
    assert.equal(r.thinking.length, 1);
    assert.ok(r.thinking[0].trim().length > 0);
    assert.equal(r.settings.temperature, 0);
    assert.equal(r.candidates.length, 10, 'reclens.inference.numReturn by default');
    assertBestFirst(r);
    assert.ok(r.candidates.every((c) => c.valid && c.branch === 'thinking'));

    const again = await record(args);
    assert.deepEqual(again.thinking, r.thinking);
    assert.deepEqual(again.candidates, r.candidates);
  });

  test('--mode race: the thinking half, then the non-thinking half, with both prompts; --candidate-order score merges them', async () => {
    const args = ['--user', 'u0910', '--mode', 'race', '--temperature', '0', '--max-thinking-tokens', '256', '--beams', '8', '--num-return', '4'];
    const r = await record(args);
    assert.equal(r.mode, 'race');
    assert.match(r.contexts.thinking?.prompt ?? '', /\/think/);
    assert.match(r.contexts['non-thinking']?.prompt ?? '', /\/no_think/);
    assert.equal(r.thinking.length, 1);
    assert.deepEqual(
      r.candidates.map((c) => `${c.branch}/${c.beam}`),
      ['thinking/1', 'thinking/2', 'non-thinking/1', 'non-thinking/2'],
    );
    const merged = await record([...args, '--candidate-order', 'score']);
    assertBestFirst(merged);
    assert.deepEqual(new Set(merged.candidates.map((c) => c.branch)), new Set(['non-thinking', 'thinking']));
    assert.equal(new Set(merged.candidates.map((c) => c.code)).size, merged.candidates.length, 'one entry per code');
  });

  test('--presence-penalty, --frequency-penalty, --domain and --filter-seen reach the record and the trace header', async () => {
    const r = await record(['--user', 'u0910', '--mode', 'non-thinking', '--presence-penalty', '0.5', '--frequency-penalty', '0', '--domain', 'sid', '--filter-seen', '--beams', '8', '--num-return', '8']);
    assert.equal(r.settings.presencePenalty, 0.5);
    assert.equal(r.settings.frequencyPenalty, 0);
    assert.deepEqual(r.domain, { name: 'sid', begin: '<|sid_begin|>', source: 'setting' });
    assert.ok(r.settings.filterSeen && r.candidates.every((c) => !c.seen));
  });

  test('--out FILE writes an .rtrace that reclens check accepts', async () => {
    const out = path.join(cwd, 'u0910.rtrace');
    const r = await reclens(['infer', '--user', 'u0910', '--temperature', '0', '--max-thinking-tokens', '256', '--beams', '8', '--num-return', '5', '--provider', 'cpu', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '', 'the trace goes to the file, not stdout');
    assert.match(r.stderr, /wrote .*u0910\.rtrace/);
    const trace = fs.readFileSync(out, 'utf8');
    assert.match(trace, /^%rtrace 1\n/);
    assert.match(trace, /^user: u0910$/m);
    assert.match(trace, /^\[recommendations\]$/m);
    const checked = await reclens(['check', '--settings', demoSettings, out]);
    assert.equal(checked.status, 0, checked.stdout + checked.stderr);
    assert.match(checked.stderr, /1 file checked: 0 errors/);
  });

  /** Every candidate's `valid` and `items` say what the demo table says about its code. */
  const assertVerdicts = (r: InferenceRecord): void => {
    for (const c of r.candidates) {
      const inTable = c.levels.length === 3 && lookup.has(c.levels);
      assert.equal(c.valid, inTable, `${JSON.stringify(c.code)}: valid=${c.valid}, in the table: ${inTable}`);
      assert.deepEqual([...c.items].sort(), inTable ? lookup.exact(c.levels).map((i) => i.id).sort() : []);
    }
  };

  test('--unconstrained reports invalid beams, and each verdict agrees with the table', async () => {
    const early = await record(['--user', 'u0910', '--unconstrained', '--model', earlyModel, '--mode', 'non-thinking', '--beams', '16', '--num-return', '16']);
    assert.equal(early.settings.constrained, false);
    assert.equal(early.model, earlyModel);
    assert.equal(early.checkpoint, 'early');
    assertBestFirst(early);
    const invalid = early.candidates.filter((c) => !c.valid);
    assert.ok(early.invalidBeams >= invalid.length && early.invalidBeams <= 16, `invalidBeams ${early.invalidBeams}, ${invalid.length} invalid candidates`);
    assert.ok(early.invalidBeams > 0, 'the early checkpoint strays from the table when unconstrained');
    assertVerdicts(early);

    // The trained checkpoint with wide beams: codes of the table, well-formed codes that name no item, and malformed beams.
    const final = await record(['--user', 'u0910', '--unconstrained', '--mode', 'non-thinking', '--beams', '32', '--num-return', '32']);
    assertBestFirst(final);
    assertVerdicts(final);
    assert.ok(final.candidates.some((c) => c.valid), 'some beams are codes of the table');
    assert.ok(final.invalidBeams > 0 && final.invalidBeams >= final.candidates.filter((c) => !c.valid).length, `invalidBeams ${final.invalidBeams}`);
  });
});

describe('reclens infer: usage errors exit 2, failures exit 1', () => {
  const usage = async (args: string[], message: RegExp): Promise<void> => {
    const r = await reclens(['infer', ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  };

  test('missing --user', () => usage(['--json'], /--user is required/));
  test('--mode bogus', () => usage(['--user', 'u0910', '--mode', 'bogus'], /--mode must be "thinking", "non-thinking" or "race", not "bogus"/));
  test('--beams 0', () => usage(['--user', 'u0910', '--beams', '0'], /--beams must be a whole number from 1 to 128, not "0"/));
  test('--presence-penalty 3', () => usage(['--user', 'u0910', '--presence-penalty', '3'], /--presence-penalty must be a number from -2 to 2, not "3"/));
  test('--candidate-order best', () => usage(['--user', 'u0910', '--candidate-order', 'best'], /--candidate-order must be "benchmark" or "score", not "best"/));

  test('a domain whose begin token the tokenizer lacks exits 1 naming the token and the fix', async () => {
    const r = await reclens(['infer', '--user', 'u0910', '--mode', 'non-thinking', '--preset', 'onereason', '--domain', 'video']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /the model's tokenizer has no "<\|video_begin\|>" token, the begin token of domain "video" \(from reclens\.inference\.domain or --domain\); set reclens\.inference\.domain \(or pass --domain\) to "sid"/);
  });

  test('an unknown user names the users file and suggests near ids', async () => {
    const r = await reclens(['infer', '--user', 'u091']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /no user "u091" in /);
    assert.ok(r.stderr.includes(usersFile), r.stderr);
    assert.match(r.stderr, /1000 users; did you mean u0910, u0911, u0912, u0913, u0914\?/);
  });

  test('a model folder without tokenizer.json exits 1 naming the file', async () => {
    const model = path.join(cwd, 'model-without-tokenizer');
    fs.mkdirSync(model);
    for (const f of fs.readdirSync(finalModel)) if (f !== 'tokenizer.json') fs.symlinkSync(path.join(finalModel, f), path.join(model, f));
    const r = await reclens(['infer', '--user', 'u0910', '--mode', 'non-thinking', '--model', model]);
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stderr.includes(path.join(model, 'tokenizer.json')), r.stderr);
    assert.match(r.stderr, /tokenizer\.json: missing/);
    assert.equal(r.stdout, '');
  });
});
