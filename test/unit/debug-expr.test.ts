import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileExpression, evaluate, isTruthy, MAX_DEPTH, MAX_SOURCE_LENGTH, type Compiled, type Value } from '../../server/debug/expr';
import { completions, formatValue, hitCondition, interpolate } from '../../server/debug/expr-display';

/** A stop's scope, shaped like the debugger's. */
const scope = {
  layer: 'derivation',
  stage: 'cognition',
  event: 'code',
  prob: 0.13,
  entropy: 2.4,
  rank: 2,
  hit: false,
  score: -2,
  token: '<s_a_17>',
  step: { id: 'c2', text: 'Likes Hiking and trails', evidence: ['h3', 'h5'] },
  item: { title: 'Trail boots', caption: 'boots for hiking in the rain' },
  items: [{ title: 'Trail boots' }, { title: 'Rain jacket' }],
  alternatives: [{ token: '<s_a_3>', prob: 0.5 }],
  empty: [],
  nothing: null,
};

/** The value of `source` over `s`, failing the test on any error. */
function value(source: string, s: object = scope): Value {
  const c = compileExpression(source);
  assert.ok(c.ok, `${source}: ${c.ok ? '' : c.error}`);
  const r = evaluate(c.expr, s);
  assert.ok(r.ok, `${source}: ${r.ok ? '' : r.error}`);
  return r.value;
}

/** The compile error of `source`. */
function compileError(source: string): { error: string; column: number } {
  const c = compileExpression(source);
  assert.ok(!c.ok, `${source} should not compile`);
  return { error: c.error, column: c.column };
}

/** The evaluation error of `source`. */
function evalError(source: string, s: object = scope): string {
  const c = compileExpression(source);
  assert.ok(c.ok, `${source}: ${c.ok ? '' : c.error}`);
  const r = evaluate(c.expr, s);
  assert.ok(!r.ok, `${source} should fail, gave ${r.ok ? JSON.stringify(r.value) : ''}`);
  return r.error;
}

test('every example of the documentation gives the documented value', () => {
  const examples: [string, Value][] = [
    ['layer == "derivation"', true],
    ['prob < 0.2', true],
    ['item.caption contains "hiking"', true],
    ['rank <= 3 && !hit', true],
    ['entropy > 2', true],
    ['step.id == "c2"', true],
    ['token startsWith "<s_"', true],
    ['len(step.evidence) >= 2', true],
    ['"h3" in step.evidence', true],
    ['stage != "perception" || score > -1.5', true],
    ['items[0].title', 'Trail boots'],
    ['(prob < 0.5) && event == "code"', true],
  ];
  for (const [source, expected] of examples) assert.deepEqual(value(source), expected, source);
  // And the same examples where they do not hold.
  const other = { ...scope, layer: 'perception', prob: 0.9, rank: 7, entropy: 1, token: 'the', stage: 'perception', score: -3, event: 'layer' };
  for (const source of ['layer == "derivation"', 'prob < 0.2', 'rank <= 3 && !hit', 'entropy > 2', 'token startsWith "<s_"', 'stage != "perception" || score > -1.5', '(prob < 0.5) && event == "code"']) {
    assert.equal(value(source, other), false, source);
  }
});

test('literals: numbers, strings with JSON escapes in either quote, true, false, null, lists', () => {
  assert.equal(value('-1.5'), -1.5);
  assert.equal(value('2.5e3'), 2500);
  assert.equal(value('1E-2'), 0.01);
  assert.equal(value('- 4'), -4);
  assert.equal(value('"a\\"b\\\\c\\n\\u00e9\\/"'), 'a"b\\c\né/');
  assert.equal(value("'it\\'s'"), "it's");
  assert.equal(value('\'say "hi"\''), 'say "hi"');
  assert.equal(value('true'), true);
  assert.equal(value('false'), false);
  assert.equal(value('null'), null);
  assert.deepEqual(value('[1, "a", [true]]'), [1, 'a', [true]]);
  assert.deepEqual(value('[]'), []);
});

test('comparisons: numbers by value, strings lexicographically, other pairs false; == compares by value', () => {
  assert.equal(value('2 < 10'), true);
  assert.equal(value('"10" < "2"'), true);
  assert.equal(value('"b" >= "a"'), true);
  assert.equal(value('1 < "2"'), false);
  assert.equal(value('nothing < 1'), false);
  assert.equal(value('nothing >= 0'), false);
  assert.equal(value('1 == "1"'), false);
  assert.equal(value('1 != "1"'), true);
  assert.equal(value('absent == null'), true);
  assert.equal(value('nothing == null'), true);
  assert.equal(value('step.evidence == ["h3", "h5"]'), true);
  assert.equal(value('step.evidence == ["h5", "h3"]'), false);
  assert.equal(value('items[1] == items[1]'), true);
  assert.equal(value('items[0] == items[1]'), false);
  assert.equal(value('alternatives[0] != alternatives[0]'), false);
  assert.equal(value('0.1 + 0.2 == 0.3'), false, 'numbers compare exactly, as in JSON');
});

test('&&, || and ! give booleans, short-circuit, and use the documented truthiness', () => {
  for (const v of [null, false, 0, Number.NaN, '', [], {}, undefined]) assert.equal(isTruthy(v), false, JSON.stringify(v));
  for (const v of [true, 1, -1, 'x', '0', 'false', [0], { a: null }]) assert.equal(isTruthy(v), true, JSON.stringify(v));
  assert.equal(value('rank && layer'), true);
  assert.equal(value('empty || nothing'), false);
  assert.equal(value('!empty'), true);
  assert.equal(value('!!step'), true);
  // The right side is not evaluated when the left decides.
  assert.equal(value('false && 1 / 0 > 1'), false);
  assert.equal(value('true || "a" - 1'), true);
  assert.match(evalError('true && "a" - 1'), /needs two numbers/);
});

test('contains, in, startsWith and endsWith are case-sensitive; in/contains see elements, keys and substrings', () => {
  assert.equal(value('step.text contains "hiking"'), false);
  assert.equal(value('lower(step.text) contains "hiking"'), true);
  assert.equal(value('step.evidence contains "h5"'), true);
  assert.equal(value('step.evidence contains "h"'), false);
  assert.equal(value('"id" in step'), true);
  assert.equal(value('"Hiking" in step.text'), true);
  assert.equal(value('step in items'), false);
  assert.equal(value('items[0] in items'), true);
  assert.equal(value('[1, 2] in [[1, 2], [3]]'), true);
  assert.equal(value('layer in ["perception", "derivation"]'), true);
  assert.equal(value('1 in 12'), false);
  assert.equal(value('"x" in nothing'), false);
  assert.equal(value('token endsWith "_17>"'), true);
  assert.equal(value('token startsWith "<S_"'), false);
  assert.equal(value('rank startsWith "2"'), false);
  for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype']) assert.equal(value(`"${key}" in step`), false, key);
});

test('matches: JavaScript patterns, (?i) for any case; invalid and catastrophic patterns are refused', () => {
  assert.equal(value('token matches "^<s_a_\\\\d+>$"'), true);
  assert.equal(value('step.text matches "hiking"'), false);
  assert.equal(value('step.text matches "(?i)hiking"'), true);
  assert.equal(value('rank matches "2"'), false);
  assert.equal(value('step.text matches "(Likes|Hates) (hiking|Hiking)"'), true, 'alternation that is not repeated is fine');
  assert.equal(value('step.text matches "^(?:Likes )?H[a-z]+"'), true);
  assert.equal(value('token matches pattern', { token: 'abc', pattern: 'b.' }), true, 'a pattern from the scope');

  assert.match(compileError('token matches "("').error, /^column 7: the pattern "\(" is not a valid regular expression/);
  for (const p of ['(a+)+$', '(a*)*b', '(?:a|aa)+$', '(\\\\w+\\\\s?)*$', '((ab)*c)+', '(a+){2,}']) {
    assert.match(compileError(`token matches "${p}"`).error, /can take exponential time/, p);
  }
  assert.match(compileError('token matches "(a)\\\\1"').error, /backreference/);
  assert.match(compileError(`token matches "${'a'.repeat(201)}"`).error, /the pattern is 201 characters long; the limit is 200/);
  assert.match(evalError('token matches pattern', { token: 'aaaa', pattern: '(a+)+$' }), /exponential/);
  assert.equal(compileError('token matches 3').error, 'column 7: "matches" needs a pattern string, got a number');
  assert.equal(evalError('token matches n', { token: 'a', n: 3 }), 'column 7: "matches" needs a pattern string, got a number');

  // Several open-ended repeats can be polynomial: they run under a time limit.
  const started = Date.now();
  assert.match(evalError('s matches ".*.*.*x"', { s: 'a'.repeat(10_000) }), /took longer than 50 ms/);
  assert.ok(Date.now() - started < 2000);
  assert.equal(value('s matches "a.*b.*c"', { s: 'xxaxxbxxcxx' }), true);
  assert.match(evalError('s matches "a"', { s: 'a'.repeat(10_001) }), /strings of up to 10000 characters/);
});

test('arithmetic on numbers, + on strings; misuse is an evaluation error with its column', () => {
  assert.equal(value('1 + 2 * 3'), 7);
  assert.equal(value('(1 + 2) * 3'), 9);
  assert.equal(value('10 / 4 - 1'), 1.5);
  assert.equal(value('-rank'), -2);
  assert.equal(value('"rank " + rank'), 'rank 2');
  assert.equal(value('step.id + "/" + layer'), 'c2/derivation');
  assert.equal(value('"" + true'), 'true');
  assert.equal(evalError('layer - 1'), 'column 7: "-" needs two numbers, got a string and a number');
  assert.equal(evalError('rank * nothing'), 'column 6: "*" needs two numbers, got a number and null');
  assert.equal(evalError('1 / (rank - 2)'), 'column 3: division by zero');
  assert.equal(evalError('1e308 * 10'), 'column 7: the result of "*" is too large');
  assert.equal(evalError('-layer'), 'column 1: "-" needs a number, got a string');
  assert.match(evalError('"a" + nothing'), /joins a string with a string, number or boolean, not a string and null/);
  assert.match(evalError('"a" + step.evidence'), /not a string and an array/);
  assert.match(evalError('s + s', { s: 'x'.repeat(600_000) }), /longer than 1000000 characters/);
});

test('members and indexes: own keys only, out of range and absent read as null', () => {
  assert.equal(value('step.evidence[1]'), 'h5');
  assert.equal(value('step["id"]'), 'c2');
  assert.equal(value('items[rank - 1].title'), 'Rain jacket');
  assert.equal(value('items[5]'), null);
  assert.equal(value('items[-1]'), null);
  assert.equal(value('items[0.5]'), null);
  assert.equal(value('token[1]'), 's');
  assert.equal(value('missing.deeper[3].still'), null);
  assert.equal(value('items.length'), null, 'len() counts; arrays have no members');
  assert.equal(value('layer.length'), null);
  assert.equal(value('step.in'), null, 'operator words are member names after a dot');
  assert.equal(value('x.y', { x: { y: undefined } }), null);
  assert.equal(value('f', { f: () => 1 }), null);
  assert.equal(value('big', { big: 12n }), 12);
});

test('prototype keys read as null and never reach Object.prototype', () => {
  const polluted = JSON.parse('{"o": {"__proto__": {"x": 1}, "ok": 1}}') as object;
  for (const source of ['__proto__', 'constructor', 'prototype', 'toString', 'step.constructor', 'step.__proto__', 'step["__proto__"]', 'step["constructor"]', 'items.constructor', 'step.hasOwnProperty', 'o.__proto__', 'o["__proto__"].x', 'step.constructor.prototype']) {
    assert.equal(value(source, { ...scope, ...polluted }), null, source);
  }
  assert.equal(value('"__proto__" in o', polluted), false);
  assert.equal(formatValue(polluted), '{o: {…}}');
  assert.deepEqual(
    completions(polluted, 'o.').items.map((c) => c.label),
    ['ok'],
  );
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('functions: len, lower, upper, abs, round, min, max; unknown ones are compile errors', () => {
  assert.equal(value('len(step.evidence)'), 2);
  assert.equal(value('len(layer)'), 10);
  assert.equal(value('len(step)'), 3);
  assert.equal(value('len(nothing)'), 0);
  assert.equal(value('upper(step.id)'), 'C2');
  assert.equal(value('lower(nothing)'), null);
  assert.equal(value('abs(score)'), 2);
  assert.equal(value('round(2.5)'), 3);
  assert.equal(value('round(prob * 100, 1)'), 13);
  assert.equal(value('round(3.14159, 2)'), 3.14);
  assert.equal(value('min(3, rank, 9)'), 2);
  assert.equal(value('max([1, 7, 3])'), 7);
  assert.equal(value('max([])'), null);
  assert.equal(value('len([1, [2, 3]])'), 2);
  assert.equal(compileError('log(1)').error, 'column 1: unknown function "log"; the functions are len, lower, upper, abs, round, min, max');
  assert.match(compileError('constructor(1)').error, /unknown function "constructor"/);
  assert.equal(compileError('len()').error, 'column 1: len() takes 1 argument, got 0');
  assert.equal(compileError('round(1, 2, 3)').error, 'column 1: round() takes 1 or 2 arguments, got 3');
  assert.equal(compileError('min()').error, 'column 1: min() takes at least 1 argument, got 0');
  assert.equal(evalError('len(rank)'), 'column 1: len() needs a string, array or object, got a number');
  assert.equal(evalError('abs(layer)'), 'column 1: abs() needs a number, got a string');
  assert.equal(evalError('upper(rank)'), 'column 1: upper() needs a string, got a number');
  assert.equal(evalError('round(1, 0.5)'), 'column 1: round() takes 0 to 10 digits');
  assert.equal(evalError('max(step.evidence)'), 'column 1: max() needs a number, got a string');
});

test('compile errors say what was expected, and where', () => {
  const cases: [string, string, number][] = [
    ['rank <= 3 &&', 'expected a value after "&&"', 13],
    ['rank <= 3 && || hit', 'expected a value after "&&", found "||"', 14],
    ['', 'expected a value', 1],
    ['   ', 'expected a value', 4],
    ['(prob < 0.5', 'expected ")" to close "(" at column 1, found the end', 12],
    ['items[0', 'expected "]" to close "[" at column 6, found the end', 8],
    ['len(a, ', 'expected a value after ","', 8],
    ['layer = "x"', 'expected "==" to compare (a single "=" is not an operator)', 7],
    ['a & b', 'expected "&&"', 3],
    ['a | b', 'expected "||"', 3],
    ['a # b', 'unexpected character "#"', 3],
    ['layer == "derivation', 'unterminated string; add the closing "', 10],
    ["layer == 'x", "unterminated string; add the closing '", 10],
    ['"\\q"', 'unknown escape "\\q"; use \\" \\\' \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX', 2],
    ['"\\u12"', 'expected four hex digits after "\\u"', 2],
    ['1 < 2 < 3', 'comparisons do not chain; join them with "&&"', 7],
    ['rank hit', 'expected an operator or the end, found "hit"', 6],
    ['3abc', 'expected an operator after the number 3', 2],
    ['1e999', 'the number 1e999 is too large', 1],
    ['step.', 'expected a member name after ".", found the end', 6],
    ['step.1', 'expected a member name after ".", found "1"', 6],
    ['contains == 1', 'expected a value, found "contains"', 1],
    ['a in', 'expected a value after "in"', 5],
    [')', 'expected a value, found ")"', 1],
  ];
  for (const [source, message, column] of cases) {
    assert.deepEqual(compileError(source), { error: `column ${column}: ${message}`, column }, source);
  }
});

test('hostile sources: length and depth are capped, long flat chains are fine', () => {
  const long = `rank == ${'1'.padStart(MAX_SOURCE_LENGTH - 8, ' ')}`;
  assert.equal(long.length, MAX_SOURCE_LENGTH);
  assert.equal(value(long), false);
  assert.deepEqual(compileError(`${long} `), { error: `column 1: the expression is ${MAX_SOURCE_LENGTH + 1} characters long; the limit is ${MAX_SOURCE_LENGTH}`, column: 1 });
  assert.match(compileError('x'.repeat(1_000_000)).error, /the expression is 1000000 characters long/);

  assert.equal(value(`${'('.repeat(MAX_DEPTH)}1${')'.repeat(MAX_DEPTH)}`), 1);
  assert.deepEqual(compileError(`${'('.repeat(MAX_DEPTH + 1)}1${')'.repeat(MAX_DEPTH + 1)}`), { error: `column ${MAX_DEPTH + 1}: nesting is deeper than ${MAX_DEPTH} levels`, column: MAX_DEPTH + 1 });
  assert.match(compileError('!'.repeat(500) + 'hit').error, /nesting is deeper than 32 levels/);
  assert.match(compileError('-'.repeat(500) + '1').error, /nesting is deeper/);
  assert.match(compileError(`${'['.repeat(100)}${']'.repeat(100)}`).error, /nesting is deeper/);
  assert.match(compileError(`${'len('.repeat(40)}1${')'.repeat(40)}`).error, /nesting is deeper/);
  // Flat chains are not nesting.
  assert.equal(value(Array(600).fill('1').join('+')), 600);
  assert.equal(value(`a${'.b'.repeat(600)}`), null);
  assert.equal(value(`a${'[0]'.repeat(400)}`, { a: [] }), null);
  assert.equal(value(Array(250).fill('hit').join(' || ')), false);

  assert.equal(value('123456789012345678901234567890 > 1'), true);
  assert.equal(value('1e308 > 1e307'), true);
  assert.equal(value('0.000000000000000000001 > 0'), true);
});

test('hostile scopes: unknown names read as null, cycles and throwing getters give errors, never exceptions', () => {
  const c = compileExpression('nobody == null && step.id == "c2" && len(items) > 0');
  assert.ok(c.ok);
  assert.deepEqual(c.expr.names, ['nobody', 'step', 'items']);
  assert.deepEqual(evaluate(c.expr, scope), { ok: true, value: true });
  assert.deepEqual(evaluate(c.expr, {}), { ok: true, value: false });

  const a: Record<string, unknown> = {};
  a.self = a;
  const b: Record<string, unknown> = {};
  b.self = b;
  assert.match(evalError('a == b', { a, b }), /^column 3: the values are too deep or too large to compare$/);
  assert.equal(value('a == a', { a }), true);
  assert.equal(formatValue(a), '{self: {…}}');

  const wide = Array.from({ length: 300_000 }, (_, i) => [i]);
  assert.match(evalError('w == v', { w: wide, v: wide.map((x) => [...x]) }), /too deep or too large/);
  assert.equal(value('"z" in w', { w: Array.from({ length: 300_000 }, (_, i) => `s${i}`) }), false);

  const trap = Object.defineProperty({}, 'x', {
    enumerable: true,
    get() {
      throw new Error('boom');
    },
  });
  assert.deepEqual(evaluate((compileExpression('t.x') as { ok: true; expr: Compiled }).expr, { t: trap }), { ok: false, error: 'boom' });
  assert.doesNotThrow(() => interpolate('{t.x}', { t: trap }));
});

test('formatValue: strings quoted, numbers trimmed, containers summarised', () => {
  assert.equal(formatValue('hi "you"'), '"hi \\"you\\""');
  assert.equal(formatValue('x'.repeat(300)), `"${'x'.repeat(200)}…"`);
  assert.equal(formatValue(2), '2');
  assert.equal(formatValue(-1.5), '-1.5');
  assert.equal(formatValue(1 / 3), '0.3333');
  assert.equal(formatValue(12.3456789), '12.3457');
  assert.equal(formatValue(0.00123456), '0.001235');
  assert.equal(formatValue(1.23456e-9), '1.235e-9');
  assert.equal(formatValue(123456789012), '123456789012');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(formatValue(Number.NaN), 'NaN');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue(undefined), 'null');
  assert.equal(formatValue([]), '[]');
  assert.equal(formatValue({}), '{}');
  assert.equal(formatValue(['h3', 'h5']), '["h3", "h5"]');
  assert.equal(formatValue([1, 2, 3, 4, 5, 6, 7]), '(7) [1, 2, 3, 4, 5, …]');
  assert.equal(formatValue(scope.step), '{id: "c2", text: "Likes Hiking and trails", evidence: Array(2)}');
  assert.equal(formatValue({ 'a-b': 1, n: { m: 1 }, e: {}, l: [], s: 'y'.repeat(50) }), `{"a-b": 1, n: {…}, e: {}, l: [], s: "${'y'.repeat(40)}…"}`);
  assert.equal(formatValue({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }), '{a: 1, b: 2, c: 3, d: 4, e: 5, …}');
});

test('interpolate: logpoint messages with values, escapes and inline errors', () => {
  assert.equal(interpolate('at {step.id} ({layer}): p={prob}, evidence {step.evidence}', scope), 'at c2 (derivation): p=0.13, evidence ["h3", "h5"]');
  assert.equal(interpolate('{{literal}} and {{{rank}}}', scope), '{literal} and {2}');
  assert.equal(interpolate('no braces', scope), 'no braces');
  assert.equal(interpolate('', scope), '');
  assert.equal(interpolate('a } b', scope), 'a } b');
  assert.equal(interpolate('{"}" + layer}', scope), '}derivation');
  assert.equal(interpolate("{'{'}", scope), '{');
  assert.equal(interpolate('{missing}', scope), 'null');
  assert.equal(interpolate('x={rank &&}!', scope), 'x={!column 8: expected a value after "&&"}!');
  assert.equal(interpolate('{layer - 1}', scope), '{!column 7: "-" needs two numbers, got a string and a number}');
  assert.equal(interpolate('{}', scope), '{!column 1: expected a value}');
  assert.equal(interpolate('p={prob', scope), 'p={!"{" at column 3 is not closed; write "{{" for a brace}');
  assert.equal(interpolate('{"abc}', scope), '{!"{" at column 1 is not closed; write "{{" for a brace}');
});

test('hitCondition: the DAP forms, and a clear error otherwise', () => {
  const hits = (source: string) => {
    const h = hitCondition(source);
    assert.ok(h.ok, source);
    return [1, 2, 3, 4, 5, 6].filter(h.test);
  };
  assert.deepEqual(hits('5'), [5]);
  assert.deepEqual(hits(' == 5 '), [5]);
  assert.deepEqual(hits('>= 3'), [3, 4, 5, 6]);
  assert.deepEqual(hits('>3'), [4, 5, 6]);
  assert.deepEqual(hits('< 3'), [1, 2]);
  assert.deepEqual(hits('<= 3'), [1, 2, 3]);
  assert.deepEqual(hits('% 2'), [2, 4, 6]);
  assert.deepEqual(hits('%1'), [1, 2, 3, 4, 5, 6]);
  const message = 'is not a hit count; write a whole number, optionally after ==, >, >=, <, <= or % (e.g. "5", ">= 3", "% 2")';
  for (const bad of ['', 'abc', '= 5', '>= -1', '2.5', '% ', '5 5', '!= 3', '1'.repeat(20)]) {
    const h = hitCondition(bad);
    assert.ok(!h.ok, bad);
    assert.ok(h.error.endsWith(message), h.error);
  }
  assert.deepEqual(hitCondition('% 0'), { ok: false, error: '"% 0" never matches; use "% 1" for every hit' });
  assert.deepEqual(hitCondition(`>= ${' '.repeat(100_000)}3`), { ok: false, error: `">= ${' '.repeat(27)}…" ${message}` });
});

test('completions: scope names, functions and keywords; member names after a dot', () => {
  const labels = (prefix: string, s: object = scope) => completions(s, prefix).items.map((c) => c.label);
  assert.deepEqual(completions(scope, 'it'), {
    start: 0,
    items: [
      { label: 'item', kind: 'variable' },
      { label: 'items', kind: 'variable' },
    ],
  });
  assert.deepEqual(completions(scope, 'rank > 1 && st'), {
    start: 12,
    items: [
      { label: 'stage', kind: 'variable' },
      { label: 'step', kind: 'variable' },
      { label: 'startsWith', kind: 'keyword' },
    ],
  });
  assert.deepEqual(completions(scope, 'step.'), {
    start: 5,
    items: [
      { label: 'evidence', kind: 'property' },
      { label: 'id', kind: 'property' },
      { label: 'text', kind: 'property' },
    ],
  });
  assert.deepEqual(labels('len(step.ev'), ['evidence']);
  assert.deepEqual(labels('a.b.'), []);
  assert.deepEqual(labels('x.y.', { x: { y: { z: 1, 'not-a-name': 2 } } }), ['z']);
  assert.deepEqual(labels('ro'), ['round']);
  assert.deepEqual(labels('rank m'), ['max', 'min', 'matches']);
  assert.deepEqual(labels('TR'), ['true'], 'case-insensitive');
  assert.deepEqual(labels('items[0].'), [], 'members after an index are not resolved');
  assert.deepEqual(labels('layer == "st'), [], 'nothing inside a string');
  assert.deepEqual(labels('con'), ['contains'], 'no prototype keys');
  assert.equal(labels('').length, Object.keys(scope).length + 7 + 8);
  assert.deepEqual(labels('x'.repeat(MAX_SOURCE_LENGTH + 1)), []);
});
