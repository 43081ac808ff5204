/** The `.rtrace` syntax tree is lossless and the parser survives hostile input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRtraceSyntax, printSyntax } from '../../server/trace/rtrace';

const fixtures = path.join(__dirname, '..', 'fixtures', 'rtrace');
const fixtureNames = fs.readdirSync(fixtures).filter((f) => f.endsWith('.rtrace'));

function roundTrip(text: string): void {
  assert.equal(printSyntax(parseRtraceSyntax(text)), text);
}

test('every fixture prints back byte for byte, also with CRLF, CR and a BOM', () => {
  assert.ok(fixtureNames.length >= 4);
  for (const name of fixtureNames) {
    const text = fs.readFileSync(path.join(fixtures, name), 'utf8');
    roundTrip(text);
    roundTrip(text.replace(/\n/g, '\r\n'));
    roundTrip(text.replace(/\n/g, '\r'));
    roundTrip('\uFEFF' + text);
    roundTrip(text.slice(0, -1)); // no final line break
  }
});

test('mixed line endings, trailing blanks, comments and junk survive', () => {
  const text = '%rtrace 1  \r\nuser: u1\t\n# note\r\n\n[history]  \r\nh1 <s_a_1><s_b_2> cooking   \r\n???\n[layer perception]\r\np1 x <- h1 \r\n  more  \n\t<- h1\r\n[bogus\n[raw <<END]\r\n[layer x]\r\nEND\r\nstray\n\n';
  roundTrip(text);
});

test('hostile inputs: empty, version only, truncated, U+FFFD, lone CR, NUL', () => {
  const thinking = fs.readFileSync(path.join(fixtures, 'thinking.rtrace'), 'utf8');
  const cases = ['', '%rtrace 1', '%rtrace 1\n', '\uFEFF', '\r\n\r\n', '[', ']', '%', '[raw <<END]', '\uFFFD\uFFFD%rtrace 1\n[history]\nh1 \uFFFD\n', 'a\u0000b\r', thinking.slice(0, 1234), thinking.slice(0, thinking.length / 2)];
  for (const text of cases) {
    const tree = parseRtraceSyntax(text);
    assert.equal(printSyntax(tree), text);
  }
  assert.deepEqual(
    parseRtraceSyntax('').problems.map((p) => p.code),
    ['rtrace/missing-version'],
  );
  assert.deepEqual(parseRtraceSyntax('%rtrace 1').problems, []);
  assert.deepEqual(parseRtraceSyntax('\uFEFF%rtrace 1\r\n').problems, []);
});

test('every prefix of a fixture parses and prints back (truncated mid-line)', () => {
  const text = fs.readFileSync(path.join(fixtures, 'thinking.rtrace'), 'utf8');
  for (let n = 0; n <= text.length; n += 7) roundTrip(text.slice(0, n));
});

test('a raw block keeps lines that look like rtrace syntax as text', () => {
  const text = '%rtrace 1\n[raw output <<END]\n%rtrace 2\n[history]\nh1 x <- p9\nEND_2\n  END\nEND\n';
  const tree = parseRtraceSyntax(text);
  assert.deepEqual(tree.problems, []);
  assert.equal(tree.sections.length, 1);
  const body = tree.sections[0].body[0];
  assert.equal(body.kind, 'raw-text');
  assert.equal(body.kind === 'raw-text' && body.text, '%rtrace 2\n[history]\nh1 x <- p9\nEND_2\n  END');
  assert.equal(tree.sections[0].label, 'output');
});

test('a 10 MB single line parses, prints back and reports once', () => {
  const big = '%rtrace 1\n[layer perception]\np1 ' + 'x <-y '.repeat(1_750_000) + '<- h1\n';
  assert.ok(big.length > 10_000_000);
  const tree = parseRtraceSyntax(big);
  assert.equal(printSyntax(tree), big);
  const junk = 'q'.repeat(10_000_000);
  const t2 = parseRtraceSyntax(junk);
  assert.equal(printSyntax(t2), junk);
  assert.equal(t2.problems.length, 2); // missing version, not a header field
});

test('100k steps parse quickly', () => {
  const lines = ['%rtrace 1', '[history]', 'h1 <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', '[layer derivation]'];
  for (let i = 1; i <= 100_000; i++) lines.push(`c${i} step ${i} about <s_a_${i % 8192}> <- ${i === 1 ? 'h1' : `c${i - 1}, h1`}`);
  const text = lines.join('\n');
  const t0 = performance.now();
  const tree = parseRtraceSyntax(text);
  const ms = performance.now() - t0;
  assert.equal(tree.sections[1].body.length, 100_000);
  assert.ok(ms < 2000, `parse took ${ms.toFixed(0)} ms`);
});

test('step lines: id, text, evidence, continuation, alternatives, escapes', () => {
  const text = [
    '%rtrace 1',
    '[layer derivation]',
    'c1 likes a <- b things <- p1,p2  h3',
    '  second line',
    '  \\<- not evidence',
    '  alt "x y"=0.5 "\\u732b"=2e-1',
    '  <- h4',
    'c2 <- ',
    'c3 only text with a <- arrow <-',
  ].join('\n');
  const tree = parseRtraceSyntax(text);
  assert.deepEqual(tree.problems, []);
  const [c1, c2, c3] = tree.sections[0].body;
  assert.ok(c1.kind === 'step' && c2.kind === 'step' && c3.kind === 'step');
  assert.equal(c1.text, 'likes a <- b things\nsecond line\n<- not evidence');
  assert.deepEqual(
    c1.evidence.map((r) => [r.id, text.slice(r.span.start, r.span.end)]),
    [
      ['p1', 'p1'],
      ['p2', 'p2'],
      ['h3', 'h3'],
      ['h4', 'h4'],
    ],
  );
  assert.deepEqual(
    c1.alternatives[0].tokens.map((t) => [t.token, t.prob]),
    [
      ['x y', 0.5],
      ['猫', 0.2],
    ],
  );
  assert.equal(c1.lines.length, 5);
  assert.equal(c2.text, '');
  assert.deepEqual(c2.evidence, []);
  assert.equal(c3.text, 'only text with a <- arrow');
});

test('header: version, fields, decoding values typed', () => {
  const tree = parseRtraceSyntax('%rtrace 1\nuser: u 1\nmode: race\ndecoding: temperature=0.7 top_k=50 constrained=false stop="a b" lr=1e-3\nx-run: 7\n');
  assert.deepEqual(
    tree.problems.map((p) => p.code),
    ['rtrace/unknown-decoding-key', 'rtrace/unknown-decoding-key'],
  );
  const fields = tree.prologue.filter((n) => n.kind === 'field');
  assert.equal(fields[0].kind === 'field' && fields[0].value, 'u 1');
  assert.equal(fields[1].kind === 'field' && fields[1].mode, 'race');
  const decoding = fields[2].kind === 'field' ? fields[2].decoding : undefined;
  assert.deepEqual(
    decoding?.map((e) => [e.key, e.value]),
    [
      ['temperature', 0.7],
      ['top_k', 50],
      ['constrained', false],
      ['stop', 'a b'],
      ['lr', 0.001],
    ],
  );
});

test('version problems: newer version, garbage version, version line not first', () => {
  const codes = (t: string): string[] => parseRtraceSyntax(t).problems.map((p) => p.code);
  assert.deepEqual(codes('%rtrace 2\n'), ['rtrace/version']);
  assert.match(parseRtraceSyntax('%rtrace 2\n').problems[0].message, /understands version 1/);
  assert.deepEqual(codes('%rtrace one\n'), ['rtrace/version']);
  assert.deepEqual(codes('%rtrace\n'), ['rtrace/version']);
  assert.deepEqual(codes('# c\n%rtrace 1\n'), ['rtrace/missing-version', 'rtrace/version']);
  const p = parseRtraceSyntax('%rtrace 1\nuser: a\nuser: b\n').problems;
  assert.equal(p[0].code, 'rtrace/duplicate-header-key');
  assert.match(p[0].message, /line 2/);
  const d = parseRtraceSyntax('%rtrace 1\ndecoding: beams=4\ndecoding: seed=1 beams=8\n');
  assert.deepEqual(
    d.problems.map((q) => [q.code, q.message.includes('line 2')]),
    [['rtrace/duplicate-header-key', true]],
  );
});
