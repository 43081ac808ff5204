/**
 * `reclens explain` as users run it: `node dist/cli.js explain …` in a real
 * process, from a folder without workspace settings (the embedded demo's
 * settings, tables and model), on a trace `reclens infer` wrote there.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, type CliRun } from '../support/cli';
import type { InfluenceAnalysis } from '../../server/checks/influence';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cli-explain-'));
const trace = path.join(cwd, 'u0910.rtrace');

/** `reclens ARGS` from the settings-free temp folder. */
const reclens = (args: string[], timeoutMs?: number): Promise<CliRun> => runCli(args, cwd, timeoutMs);

/** The step ids of the trace's layer sections, in file order. */
const stepIds = (text: string): string[] => [...text.slice(0, text.indexOf('[recommendations]')).matchAll(/^([pcr]\d+) /gm)].map((m) => m[1]);

let text: string;

before(async () => {
  assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build first`);
  const r = await reclens(['infer', '--user', 'u0910', '--provider', 'cpu', '--temperature', '0', '--out', trace]);
  assert.equal(r.status, 0, r.stderr);
  text = fs.readFileSync(trace, 'utf8');
});

after(() => fs.rmSync(cwd, { recursive: true, force: true }));

describe('reclens explain', () => {
  test('text: targets with and without thinking, steps and history items by influence, with titles', async () => {
    const r = await reclens(['explain', trace]);
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    assert.match(out, /^Influence of the reasoning of u0910\/thinking\//);
    const targets = out.slice(out.indexOf('Targets'), out.indexOf('Steps by influence'));
    assert.equal(targets.match(/^ {2}#\d /gm)?.length, 3, targets);
    assert.equal(targets.match(/^ {2}truth /gm)?.length, 2, targets);
    // log p with and without the thinking, and the difference, for each target.
    assert.match(targets, /^ {2}#1 +-\d+\.\d{3} +-\d+\.\d{3} +[+−]\d+\.\d{3} +\S/m);
    const steps = out.slice(out.indexOf('Steps by influence'), out.indexOf('History items by influence'));
    for (const id of stepIds(text)) assert.match(steps, new RegExp(`^ {2}[+−]\\d+\\.\\d{3} +${id} `, 'm'), id);
    const history = out.slice(out.indexOf('History items by influence'));
    // Item titles from the demo's table.
    assert.match(history, /^ {2}[+−]\d+\.\d{3} +h\d+ +A .*<\|sid_begin\|>/m);
    assert.match(history, /… and 8 more/);
    assert.match(out, /^(the chain of thought is used: .* nats \(threshold 0\.1\)|decorative: .*)$/m);
  });

  test('--format json: the InfluenceReport', async () => {
    const r = await reclens(['explain', trace, '--format', 'json', '--top', '1']);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as InfluenceAnalysis;
    assert.deepEqual(
      report.targets.map((t) => t.role),
      ['recommendation', 'ground-truth', 'ground-truth'],
    );
    for (const t of report.targets) assert.ok(Number.isFinite(t.withThinking) && Number.isFinite(t.withoutThinking) && t.withThinking <= 0);
    // The model that wrote the trace scores its best recommendation as the trace recorded it.
    assert.ok(Math.abs(report.targets[0].withThinking - report.targets[0].recorded!) < 1e-3);
    assert.deepEqual(
      report.steps.map((s) => s.id),
      stepIds(text),
    );
    assert.equal(report.history.length, 20);
    assert.deepEqual(
      report.history.map((h) => h.id),
      Array.from({ length: 20 }, (_, i) => `h${i + 1}`),
    );
    for (const x of [...report.steps, ...report.history]) assert.ok(Number.isFinite(x.influence) && x.byTarget.length === 3);
    assert.equal(typeof report.decorative, 'boolean');
    assert.ok(report.ms > 0);
    assert.equal(report.cost.contexts, 2 + report.steps.length + 20);
  });

  test('errors: no model, a trace without thinking, an unknown trace id, a missing file, a bad flag', async () => {
    const noModel = await reclens(['explain', trace, '--model', path.join(cwd, 'no-such-model')]);
    assert.equal(noModel.status, 1);
    assert.match(noModel.stderr, /no-such-model: no such model folder/);
    fs.writeFileSync(path.join(cwd, 'empty-settings.json'), '{}');
    const unset = await reclens(['explain', trace, '--settings', 'empty-settings.json']);
    assert.equal(unset.status, 1);
    assert.match(unset.stderr, /no model: .*reclens\.model\.path.*--model DIR/);
    const nonThinking = path.join(cwd, 'non-thinking.rtrace');
    const n = await reclens(['infer', '--user', 'u0910', '--provider', 'cpu', '--mode', 'non-thinking', '--out', nonThinking]);
    assert.equal(n.status, 0, n.stderr);
    const r1 = await reclens(['explain', nonThinking]);
    assert.equal(r1.status, 1);
    assert.match(r1.stderr, /non-thinking trace: it has no chain of thought/);
    const cut = path.join(cwd, 'no-thinking.rtrace');
    fs.writeFileSync(cut, text.replace(/\[raw thinking-1 <<END\][\s\S]*?\nEND\n/, '').replace(/\[tokens thinking-1\][\s\S]*$/, ''));
    const r2 = await reclens(['explain', cut]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /has no chain of thought: influence needs the thinking text/);
    const r3 = await reclens(['explain', trace, '--trace', 'u0001']);
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /no trace "u0001" in .*u0910\.rtrace; its traces are u0910\/thinking\//);
    const r4 = await reclens(['explain', path.join(cwd, 'missing.rtrace')]);
    assert.equal(r4.status, 1);
    assert.match(r4.stderr, /cannot read .*missing\.rtrace \(ENOENT\)/);
    const r5 = await reclens(['explain', trace, '--top', 'two']);
    assert.equal(r5.status, 2);
    assert.match(r5.stderr, /--top must be a whole number ≥ 0/);
    const r6 = await reclens(['explain']);
    assert.equal(r6.status, 2);
    assert.match(r6.stderr, /needs one trace file/);
  });
});
