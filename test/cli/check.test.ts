/** `reclens check` as users run it: `node dist/cli.js check …` in a real process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

const repoRoot = path.resolve(__dirname, '..', '..');
const cli = path.join(repoRoot, 'dist', 'cli.js');
const fixtures = path.join(repoRoot, 'test', 'fixtures');
const cycle = path.join(fixtures, 'rtrace', 'cycle.rtrace');
const thinking = path.join(fixtures, 'rtrace', 'thinking.rtrace');
const malformed = path.join(fixtures, 'rtrace', 'malformed.rtrace');
const itemsJson = path.join(fixtures, 'lsp', 'items.json');
const benchmark = path.join(fixtures, 'lsp', 'benchmark.json');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

interface JsonProblem {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

function reclens(args: string[], cwd = repoRoot): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `file:line:col: severity: message [code]` lines of stdout, parsed. */
function textProblems(stdout: string): { file: string; line: number; column: number; severity: string; message: string; code: string }[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^(.*):(\d+):(\d+): (error|warning|information|hint): (.*) \[([\w/-]+)\]$/.exec(l);
      assert.ok(m, `not a file:line:col: severity: message [code] line: ${l}`);
      return { file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], message: m[5], code: m[6] };
    });
}

/** 1-based line and column of the first `needle` in `file` (plus `delta`). */
function where(file: string, needle: string, delta = 0, from = 0): { line: number; column: number } {
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(needle, from);
  assert.ok(at >= 0, `"${needle}" not in ${file}`);
  const before = text.slice(0, at + delta);
  return { line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

const USAGE = /Usage:\n {2}reclens check \[options\] FILE\.\.\./;

describe('reclens check: output and exit codes', () => {
  test('text output: file:line:col: severity: message [code] at exact positions, exit 1 on errors', () => {
    const r = reclens(['check', 'test/fixtures/rtrace/cycle.rtrace']);
    assert.equal(r.status, 1, r.stderr);
    const problems = textProblems(r.stdout);
    assert.deepEqual(
      problems.map((p) => [p.file, p.line, p.column, p.severity, p.code]),
      [
        ['test/fixtures/rtrace/cycle.rtrace', where(cycle, '<- c3', 3).line, where(cycle, '<- c3', 3).column, 'warning', 'step/forward-evidence'],
        ['test/fixtures/rtrace/cycle.rtrace', where(cycle, '<- c1', 3).line, where(cycle, '<- c1', 3).column, 'error', 'step/evidence-cycle'],
        ['test/fixtures/rtrace/cycle.rtrace', where(cycle, '<- c4', 3).line, where(cycle, '<- c4', 3).column, 'error', 'step/evidence-cycle'],
      ],
    );
    assert.deepEqual([problems[1].line, problems[1].column], [10, 15]);
    assert.equal(problems[2].message, 'Cognition step `c4` cites itself; evidence must point to other, earlier steps.');
    assert.match(r.stderr, /^1 file checked: 2 errors, 1 warning\n$/);
  });

  test('a clean file: no output on stdout and exit 0', () => {
    const r = reclens(['check', thinking]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /1 file checked: 0 errors, 0 warnings/);
  });

  test('warnings alone exit 0', () => {
    const r = reclens(['check', '--alignment', itemsJson, thinking]);
    assert.equal(r.status, 0, r.stderr);
    const problems = textProblems(r.stdout);
    assert.ok(problems.length > 0);
    assert.ok(problems.every((p) => p.severity === 'warning'));
    const first = where(thinking, '<|sid_begin|><s_a_340><s_b_6566><s_c_5603>');
    assert.deepEqual([problems[0].line, problems[0].column, problems[0].code], [first.line, first.column, 'code/unknown']);
  });

  test('--format json holds the same problems as the text output, with end positions', () => {
    const text = textProblems(reclens(['check', malformed]).stdout);
    const r = reclens(['check', '--format', 'json', malformed]);
    assert.equal(r.status, 1);
    const json = JSON.parse(r.stdout) as JsonProblem[];
    assert.ok(json.length >= 20, `malformed.rtrace has many problems, got ${json.length}`);
    assert.deepEqual(
      json.map((p) => [p.file, p.line, p.column, p.severity, p.message, p.code]),
      text.map((p) => [p.file, p.line, p.column, p.severity, p.message, p.code]),
    );
    const unknownKey = json.find((p) => p.code === 'rtrace/unknown-header-key')!;
    assert.deepEqual([unknownKey.line, unknownKey.column, unknownKey.endLine, unknownKey.endColumn], [3, 1, 3, 1 + 'temprature'.length]);
    assert.equal(r.stderr, '', 'the summary line is for text output only');
  });

  test('several files, one missing: the missing one is reported as a problem, the others are still checked', () => {
    const r = reclens(['check', 'no/such/file.rtrace', 'test/fixtures/rtrace/cycle.rtrace']);
    assert.equal(r.status, 1);
    const problems = textProblems(r.stdout);
    assert.deepEqual(
      [problems[0].file, problems[0].line, problems[0].column, problems[0].severity, problems[0].code],
      ['no/such/file.rtrace', 1, 1, 'error', 'file/unreadable'],
    );
    assert.match(problems[0].message, /cannot read the file \(ENOENT\)/);
    assert.equal(problems.filter((p) => p.file === 'test/fixtures/rtrace/cycle.rtrace').length, 3);
    assert.match(r.stderr, /2 files checked: 3 errors, 1 warning/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });
});

describe('reclens check: flags', () => {
  test('--alignment loads a table: unknown codes are warned about, known ones are not', () => {
    const without = textProblems(reclens(['check', benchmark]).stdout);
    assert.ok(!without.some((p) => p.code === 'code/unknown'), 'no table, no unknown-code warnings');
    const r = reclens(['check', '--alignment', path.relative(repoRoot, itemsJson), benchmark]);
    const problems = textProblems(r.stdout);
    const unknown = problems.filter((p) => p.code === 'code/unknown');
    assert.equal(unknown.length, 1, r.stdout);
    assert.equal(unknown[0].line, where(benchmark, '<s_a_77>').line);
    assert.match(unknown[0].message, /not in the item pool \(8 items from items\.json\)/);
    const outOfRange = problems.find((p) => p.code === 'code/out-of-range')!;
    assert.deepEqual([outOfRange.line, outOfRange.column], [where(benchmark, '<s_c_9999>').line, where(benchmark, '<s_c_9999>', 5).column]);
  });

  test('--alignment is repeatable and a missing table is reported on stderr, naming it', () => {
    const r = reclens(['check', '--alignment', itemsJson, '--alignment', 'missing-table.jsonl', benchmark]);
    assert.match(r.stderr, /missing-table\.jsonl/);
    assert.match(r.stderr, /cannot read alignment table/);
    assert.equal(textProblems(r.stdout).filter((p) => p.code === 'code/unknown').length, 1, 'the table that exists is still used');
  });

  test('--preset onerec-think: a 3-level code with values past 256 is out of range', () => {
    const file = path.join(fixtures, 'rtrace', 'zh.rtrace');
    const plain = textProblems(reclens(['check', file]).stdout);
    assert.deepEqual(plain, []);
    const r = reclens(['check', '--preset', 'onerec-think', file]);
    const problems = textProblems(r.stdout);
    const first = where(file, '<s_a_1502>');
    assert.ok(problems.length > 0);
    assert.ok(problems.every((p) => p.severity === 'warning'));
    const outOfRange = problems.find((p) => p.code === 'code/out-of-range');
    assert.ok(outOfRange, r.stdout);
    assert.equal(outOfRange.line, first.line);
    assert.match(outOfRange.message, /256/);
  });

  test('--preset with an unknown name exits 2 and says which presets exist', () => {
    const r = reclens(['check', '--preset', 'nosuch', thinking]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown --preset "nosuch"/);
    assert.match(r.stderr, /openonerec, onereason, onerec-think, paper/);
  });

  test('an unknown flag exits 2 with the usage text', () => {
    const r = reclens(['check', '--bogus', cycle]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /'--bogus'/);
    assert.match(r.stderr, USAGE);
  });

  test('a flag without its value exits 2 with the usage text', () => {
    const r = reclens(['check', cycle, '--alignment']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--alignment/);
    assert.match(r.stderr, USAGE);
  });

  test('--format with an unknown value exits 2 naming the accepted values', () => {
    const r = reclens(['check', '--format', 'xml', cycle]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--format must be text or json, not "xml"/);
  });

  test('no files, or an unknown command, exit 2 with the usage text', () => {
    const none = reclens(['check']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no files given/);
    assert.match(none.stderr, USAGE);
    const unknown = reclens(['lint', cycle]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "lint"/);
    assert.match(unknown.stderr, USAGE);
  });

  test('--help prints the usage on stdout and exits 0', () => {
    const r = reclens(['check', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, USAGE);
    assert.match(r.stdout, /--alignment PATH/);
  });
});

describe('reclens check: settings from .vscode/settings.json', () => {
  let workspace: string;
  const trace = `%rtrace 1
user: u1

[history]
h1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|> pasta
h2 <|sid_begin|><s_a_12><s_b_340><s_c_99><|sid_end|> unknown

[layer perception]
p1 Pasta. <- h1
`;
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-cli-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.mkdirSync(path.join(workspace, 'tables'));
    fs.mkdirSync(path.join(workspace, 'traces'));
    fs.copyFileSync(itemsJson, path.join(workspace, 'tables', 'items.json'));
    fs.writeFileSync(path.join(workspace, 'traces', 'u1.rtrace'), trace);
    // JSON with comments and dotted keys, as VS Code writes it.
    fs.writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      `{
  // the item pool of this workspace
  "reclens.alignment.paths": ["tables/items.json"],
  "editor.fontSize": 14,
}
`,
    );
  });
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  test('the table named in the workspace settings is used, relative to the workspace', () => {
    const r = reclens(['check', 'traces/u1.rtrace'], workspace);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      textProblems(r.stdout).map((p) => [p.file, p.line, p.column, p.code]),
      [['traces/u1.rtrace', 6, 4, 'code/unknown']],
    );
  });

  test('run from a subfolder, the nearest settings file is found and its paths still resolve against the workspace', () => {
    const r = reclens(['check', 'u1.rtrace'], path.join(workspace, 'traces'));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      textProblems(r.stdout).map((p) => [p.file, p.line, p.code]),
      [['u1.rtrace', 6, 'code/unknown']],
    );
    assert.doesNotMatch(r.stderr, /cannot read alignment table/);
  });

  test('--alignment replaces the settings paths', () => {
    const other = path.join(workspace, 'other.jsonl');
    fs.writeFileSync(other, `${JSON.stringify({ id: 'x', sid: '<|sid_begin|><s_a_12><s_b_340><s_c_99><|sid_end|>', title: 'Only this' })}\n`);
    const r = reclens(['check', '--alignment', 'other.jsonl', 'traces/u1.rtrace'], workspace);
    assert.deepEqual(
      textProblems(r.stdout).map((p) => [p.line, p.code]),
      [[5, 'code/unknown']],
    );
  });

  test('--settings points at another settings file; a preset from settings applies', () => {
    const settings = path.join(workspace, 'think.json');
    fs.writeFileSync(settings, JSON.stringify({ 'reclens.itemicTokens.preset': 'onerec-think' }));
    const r = reclens(['check', '--settings', settings, 'traces/u1.rtrace'], workspace);
    const codes = textProblems(r.stdout).map((p) => [p.line, p.code]);
    assert.deepEqual(codes, [
      [5, 'code/out-of-range'],
      [6, 'code/out-of-range'],
    ]);
  });

  test('a settings file that is not valid JSON exits 2 naming the file and line', () => {
    const settings = path.join(workspace, 'broken.json');
    fs.writeFileSync(settings, '{\n  "reclens.alignment.paths": [\n}\n');
    const r = reclens(['check', '--settings', settings, 'traces/u1.rtrace'], workspace);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`${settings.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: not valid JSON`));
  });
});
