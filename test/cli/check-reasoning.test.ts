/**
 * `reclens check --reasoning` as users run it (`node dist/cli.js` in a real
 * process): claims in `check`'s line format, a report per trace, a dump's
 * sum per sample and overall, JSON, the exit status and the switches.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const demo = path.join(repoRoot, 'demo');
const items = path.join(demo, 'items.json');
const dump = path.join(demo, 'traces', 'benchmark.json');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cli-reasoning-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The demo trace with p4 describing h3 as something it is not, and a ground truth in a cluster no step reaches. */
const WRONG = 'heavy metal guitar amplifier with two speakers';
const wrong = path.join(dir, 'u1024-wrong.rtrace');
const wrongText = fs
  .readFileSync(path.join(demo, 'traces', 'u1024.rtrace'), 'utf8')
  .replace('p4 h3 is a ceramide cream for dry skin: the one item outside hair care.', `p4 h3 is a ${WRONG}.`)
  .replace('<|sid_begin|><s_a_2981><s_b_4><s_c_6009><|sid_end|> bought, 2026-03-01', '<|sid_begin|><s_a_5028><s_b_410><s_c_89><|sid_end|> bought, 2026-03-01');
fs.writeFileSync(wrong, wrongText);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in `dir`, with the demo's beauty table and a cache of the test's own. */
function reclens(args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args, '--alignment', items, '--cache', path.join(dir, 'cache')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** 1-based line of the first line of `file`'s text holding `needle`. */
const lineOf = (text: string, needle: string): number => text.slice(0, text.indexOf(needle)).split('\n').length;

describe('reclens check --reasoning', () => {
  test('text: claims as file:line:col: severity: verdict: message [check/<name>], then the trace report; contradictions alone exit 0', () => {
    const r = reclens(['check', '--reasoning', 'u1024-wrong.rtrace']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n');
    const perception = lines.find((l) => l.includes('[check/perception]') && l.includes('contradicts'));
    assert.ok(perception, r.stdout);
    const m = /^u1024-wrong\.rtrace:(\d+):(\d+): warning: contradicts: p4 calls h3 "(a )?heavy metal guitar amplifier.*", but item B00SKIN004 is "Ceramide Daily Moisturizing Cream for Dry Skin" \[check\/perception\]$/.exec(perception);
    assert.ok(m, perception);
    assert.equal(Number(m[1]), lineOf(wrongText, WRONG));
    assert.ok(lines.some((l) => /^u1024-wrong\.rtrace:\d+:\d+: hint: partly: p3 calls h5 .* \[check\/perception\]$/.test(l)), 'a partial match is a hint');
    const coverage = lines.find((l) => l.includes('[check/coverage]'))!;
    assert.match(coverage, new RegExp(`^u1024-wrong\\.rtrace:${lineOf(wrongText, '<s_a_5028><s_b_410><s_c_89><|sid_end|> bought')}:1: warning: contradicts: the ground truth .* no step reaches`));
    // The report of the trace, after the problems.
    const report = r.stdout.slice(r.stdout.indexOf('u1024-wrong.rtrace: trace demo/beauty/u1024\n'));
    assert.match(report, /^u1024-wrong\.rtrace: trace demo\/beauty\/u1024\n {2}perception {7}! 1\/3 consistent \(33%\), 1 partly, 1 contradicts\n/);
    assert.match(report, /\n {2}ground truth {5}! cluster not reached by any step \(5028\.410\)\n/);
    assert.match(report, /\n {2}coverage {9}4\/4 history clusters mentioned\n/);
    assert.doesNotMatch(r.stdout, /^overall/m, 'one trace: no overall sum');
    assert.match(r.stderr, /^1 file checked: 0 errors, 4 warnings; reasoning: 2 contradicted, 1 partly\n$/);
  });

  test('--format json: the problems with verdict and table rows, each trace report with placed claims, the overall sum', () => {
    const r = reclens(['check', '--reasoning', '--format', 'json', 'u1024-wrong.rtrace']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      problems: { line: number; code: string; severity: string; verdict?: string; related?: { path: string; line?: number; message: string }[] }[];
      traces: { file: string; trace: string; report: { claims: { stepId?: string; verdict: string; line: number; column: number; endLine: number; endColumn: number }[]; coverage: { unreached: string[] } } }[];
      overall: { traces: number; perception: { checked: number; contradicts: number } };
    };
    const p4 = out.problems.find((p) => p.code === 'check/perception' && p.verdict === 'contradicts')!;
    assert.equal(p4.severity, 'warning');
    assert.equal(p4.line, lineOf(wrongText, WRONG));
    assert.deepEqual(p4.related?.map((x) => [x.path, x.line]), [[items, fs.readFileSync(items, 'utf8').split('\n').findIndex((l) => l.includes('"B00SKIN004"')) + 1]]);
    assert.ok(out.problems.some((p) => p.code === 'rec/hit-mismatch'), 'the usual problems are there too');
    assert.equal(out.traces.length, 1);
    assert.equal(out.traces[0].trace, 'demo/beauty/u1024');
    const claim = out.traces[0].report.claims.find((c) => c.stepId === 'p4' && c.verdict === 'contradicts')!;
    assert.deepEqual([claim.line, claim.endLine], [p4.line, p4.line]);
    assert.ok(out.traces[0].report.claims.some((c) => c.verdict === 'consistent'), 'JSON keeps the consistent claims');
    assert.deepEqual(out.traces[0].report.coverage.unreached, ['5028.410']);
    assert.deepEqual([out.overall.traces, out.overall.perception.checked, out.overall.perception.contradicts], [1, 3, 1]);
    assert.equal(r.stderr, '');
  });

  test('a dump: the sum per sample and overall (how often perception is wrong, claims by layer); the dump\'s error still exits 1', () => {
    const r = reclens(['check', '--reasoning', dump, 'u1024-wrong.rtrace']);
    assert.equal(r.status, 1, 'the demo dump has an out-of-range code: an error');
    const samples = [...r.stdout.matchAll(/^.*benchmark\.json: sample (\S+) \((\d+) generations\)$/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(samples, [['u0001_skincare', 2], ['u0002_curly_hair', 2], ['u0003_makeup_nothink', 2], ['u0004_gifts_invalid_code', 2]]);
    const curly = r.stdout.slice(r.stdout.indexOf('sample u0002_curly_hair'));
    assert.match(curly, /\n {2}ground truth {5}! cluster not reached in 1 of 2 \(50%\) traces\n/);
    const overall = r.stdout.slice(r.stdout.indexOf('overall: 9 traces in 2 files\n'));
    assert.match(overall, /^overall: 9 traces in 2 files\n {2}perception {7}! wrong in 1 of \d+ \(\d+%\) descriptions; /);
    assert.match(overall, /\n {4}perception {5}! wrong in 1 of \d+ \(\d+%\)/, 'claims by layer');
    assert.match(overall, /\n {2}ground truth {5}! cluster not reached in 2 of \d+ \(\d+%\) traces\n/);
    const json = JSON.parse(reclens(['check', '--reasoning', '--format', 'json', dump]).stdout) as {
      samples: { sample: string; aggregate: { traces: number; layers: { layer: string }[] } }[];
      traces: { trace: string; sample?: string }[];
      overall: { traces: number; groundTruth: { judged: number; reached: number } };
    };
    assert.deepEqual(json.samples.map((s) => [s.sample, s.aggregate.traces]), samples);
    assert.ok(json.samples[0].aggregate.layers.some((l) => l.layer === 'perception'));
    assert.equal(json.traces.find((t) => t.trace === 'u0002_curly_hair/2')?.sample, 'u0002_curly_hair');
    assert.equal(json.overall.traces, 8);
    assert.deepEqual(json.overall.groundTruth, { judged: 6, reached: 5 });
  });

  test('without --reasoning nothing is checked; reclens.checks.* switch checks off', () => {
    const plain = reclens(['check', 'u1024-wrong.rtrace']);
    assert.doesNotMatch(plain.stdout, /check\//);
    assert.doesNotMatch(plain.stderr, /reasoning/);
    const settings = path.join(dir, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ 'reclens.checks.perception': false }));
    const off = reclens(['check', '--reasoning', '--settings', settings, 'u1024-wrong.rtrace']);
    assert.doesNotMatch(off.stdout, /\[check\/perception\]/);
    assert.match(off.stdout, /\[check\/coverage\]/);
    assert.match(off.stdout, /\n {2}perception {7}none checked\n/);
  });
});
