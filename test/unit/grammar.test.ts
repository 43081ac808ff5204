/** Unit tests of the itemic-token grammar: presets, custom specs, scanning, spans, formatting, hostile inputs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codeKey, compileGrammar, formatCode, GrammarError, presetSpec, resolveGrammar, scanCodes, type CompiledGrammar } from '../../server/items/grammar';
import { presetNames } from '../../server/items/presets';
import type { GrammarSpec } from '../../protocol/items';
import type { CodeMatch, Span } from '../../server/items/types';

const openonerec = compileGrammar(presetSpec('openonerec'));
const onereason = compileGrammar(presetSpec('onereason'));
const think = compileGrammar(presetSpec('onerec-think'));
const paper = compileGrammar(presetSpec('paper'));

const at = (text: string, span: Span | undefined): string | undefined => (span ? text.slice(span.start, span.end) : undefined);

/** A readable digest of a match: the text of each span instead of offsets. */
function digest(text: string, m: CodeMatch) {
  return {
    text: at(text, m.span),
    levels: m.levels,
    kind: m.kind,
    ...(m.domain !== undefined ? { domain: m.domain } : {}),
    ...(m.bare !== undefined ? { bare: m.bare } : {}),
    ...(m.begin ? { begin: at(text, m.begin) } : {}),
    ...(m.end ? { end: at(text, m.end) } : {}),
    levelTexts: m.levelSpans.map((s) => at(text, s)),
    problems: m.problems.map((p) => `${p.kind}:${at(text, p.span)}`),
  };
}

const scan = (text: string, g: CompiledGrammar = openonerec) => scanCodes(text, g).map((m) => digest(text, m));

describe('presets', () => {
  it('lists the four built-in spellings, all of which compile', () => {
    assert.deepEqual([...presetNames].sort(), ['onereason', 'onerec-think', 'openonerec', 'paper']);
    for (const name of presetNames) {
      const g = compileGrammar(presetSpec(name));
      assert.equal(g.spec.name, name);
    }
  });

  it('openonerec: 3 × 8192 with <|sid_begin|>/<|sid_end|>', () => {
    assert.equal(openonerec.levelCount, 3);
    assert.deepEqual(openonerec.codebook, [8192, 8192, 8192]);
    const text = 'user: <|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>.';
    assert.deepEqual(scan(text), [
      {
        text: '<|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>',
        levels: [340, 6566, 5603],
        kind: 'full',
        begin: '<|sid_begin|>',
        end: '<|sid_end|>',
        levelTexts: ['<s_a_340>', '<s_b_6566>', '<s_c_5603>'],
        problems: [],
      },
    ]);
  });

  it('openonerec: the largest and smallest values are in range', () => {
    const [m] = scan('<s_a_0><s_b_8191><s_c_0>');
    assert.deepEqual(m.levels, [0, 8191, 0]);
    assert.deepEqual(m.problems, []);
  });

  it('onereason: each domain begin token names the domain and pairs with its end token', () => {
    for (const domain of ['video', 'prod', 'ad', 'living']) {
      const text = `<|${domain}_begin|><s_a_1><s_b_2><s_c_3><|${domain}_end|>`;
      const [m, ...rest] = scan(text, onereason);
      assert.equal(rest.length, 0);
      assert.equal(m.domain, domain);
      assert.equal(m.begin, `<|${domain}_begin|>`);
      assert.equal(m.end, `<|${domain}_end|>`);
      assert.deepEqual(m.levels, [1, 2, 3]);
      assert.equal(m.kind, 'full');
      assert.deepEqual(m.problems, []);
    }
  });

  it('onereason: <|sid_begin|> has no domain; mixed domains in one history are separate codes', () => {
    const text = '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|><|ad_begin|><s_a_4><s_b_5><s_c_6><|ad_end|>';
    const ms = scan(text, onereason);
    assert.equal(ms.length, 2);
    assert.equal(ms[0].domain, undefined);
    assert.equal(ms[1].domain, 'ad');
    assert.deepEqual(ms[1].levels, [4, 5, 6]);
  });

  it('onerec-think: 4 × 256, a fourth level <s_d_N>', () => {
    const text = '<|sid_begin|><s_a_12><s_b_200><s_c_0><s_d_255><|sid_end|>';
    const [m] = scan(text, think);
    assert.deepEqual(m.levels, [12, 200, 0, 255]);
    assert.equal(m.kind, 'full');
    assert.deepEqual(m.levelTexts, ['<s_a_12>', '<s_b_200>', '<s_c_0>', '<s_d_255>']);
    assert.deepEqual(m.problems, []);
  });

  it('onerec-think: a three-level code is a prefix, 256 is out of range', () => {
    const [p] = scan('<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', think);
    assert.equal(p.kind, 'prefix');
    assert.deepEqual(p.problems, []);
    const [o] = scan('<s_a_256><s_b_1><s_c_1><s_d_1>', think);
    assert.deepEqual(o.problems, ['out-of-range:256']);
  });

  it('paper: <|item_begin|><item_a_N>…<|item_end|>', () => {
    const text = 'the item <|item_begin|><item_a_5028><item_b_6733><item_c_2559><|item_end|> is';
    const [m] = scan(text, paper);
    assert.deepEqual(m.levels, [5028, 6733, 2559]);
    assert.equal(m.begin, '<|item_begin|>');
    assert.equal(m.end, '<|item_end|>');
    // Another family's spelling is plain text under this preset.
    assert.deepEqual(scan('<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', paper), []);
  });
});

describe('custom specs', () => {
  const base: GrammarSpec = { name: 'mine', levels: ['<L1_{n}>', '<L2_{n}>'], codebookSize: [10, 100], begin: [{ token: '[[' }], end: [']]'] };

  it('compiles a valid spec with per-level codebooks', () => {
    const g = compileGrammar(base);
    assert.deepEqual(g.codebook, [10, 100]);
    const text = 'x [[<L1_9><L2_99>]] y';
    assert.deepEqual(scan(text, g), [{ text: '[[<L1_9><L2_99>]]', levels: [9, 99], kind: 'full', begin: '[[', end: ']]', levelTexts: ['<L1_9>', '<L2_99>'], problems: [] }]);
    assert.deepEqual(scan('<L1_10><L2_100>', g)[0].problems, ['out-of-range:10', 'out-of-range:100']);
  });

  it('compiles a spec with no begin/end tokens (codes are bare level runs)', () => {
    const g = compileGrammar({ name: 'nobe', levels: ['<a{n}>', '<b{n}>'], codebookSize: 5, begin: [], end: [] });
    assert.deepEqual(scan('<a1><b2><a3>', g).map((m) => m.levels), [[1, 2], [3]]);
    // No end token configured: a code can never be "unterminated".
    assert.ok(scan('<a1>', g).every((m) => m.problems.length === 0));
  });

  it('treats regex metacharacters in spellings literally', () => {
    const g = compileGrammar({ name: 'meta', levels: ['(a.{n})', '[b*{n}]'], codebookSize: 9, begin: [{ token: '$(' }], end: [')$'] });
    const text = '$((a.1)[b*2])$ (aX1)';
    assert.deepEqual(scan(text, g).map((m) => [m.text, m.levels]), [['$((a.1)[b*2])$', [1, 2]]]);
  });

  it('reads levels whose prefix extends another level\'s prefix', () => {
    const g = compileGrammar({ name: 'nested', levels: ['<a{n}>', '<ab{n}>'], codebookSize: 10, begin: [], end: [] });
    assert.deepEqual(scan('<a1><ab2>', g).map((m) => [m.levels, m.problems]), [[[1, 2], []]]);
  });

  it('reads levels with no suffix as digits', () => {
    const g = compileGrammar({ name: 'nosuffix', levels: ['a', 'b'].map((l) => `${l}{n}`), codebookSize: 10, begin: [], end: [] });
    assert.deepEqual(scan('a1b2', g).map((m) => [m.text, m.levels]), [['a1b2', [1, 2]]]);
  });

  const invalid: [string, unknown, RegExp][] = [
    ['no levels', { ...base, levels: [] }, /"levels" must list one spelling per level/],
    ['levels not a list', { ...base, levels: '<s_a_{n}>' }, /"levels" must list/],
    ['level without {n}', { ...base, levels: ['<L1_>', '<L2_{n}>'] }, /level 1 spelling "<L1_>" must contain "\{n\}" exactly once/],
    ['level with {n} twice', { ...base, levels: ['<L1_{n}{n}>', '<L2_{n}>'] }, /level 1 .*exactly once/],
    ['level starting with {n}', { ...base, levels: ['{n}>', '<L2_{n}>'] }, /after some fixed text/],
    ['level not a string', { ...base, levels: [1, '<L2_{n}>'] }, /level 1 spelling 1 must contain/],
    ['shared prefixes', { ...base, levels: ['<L_{n}>', '<L_{n}|'] }, /two levels share the spelling prefix/],
    ['codebook zero', { ...base, codebookSize: 0 }, /"codebookSize" must be a positive integer or one per level \(2 levels\)/],
    ['codebook fractional', { ...base, codebookSize: 1.5 }, /"codebookSize"/],
    ['codebook as string', { ...base, codebookSize: '8192' }, /"codebookSize"/],
    ['codebook list too short', { ...base, codebookSize: [10] }, /one per level \(2 levels\)/],
    ['begin entry without token', { ...base, begin: [{ domain: 'x' }] }, /every "begin" entry needs a non-empty "token"/],
    ['begin entry empty token', { ...base, begin: [{ token: '' }] }, /every "begin" entry/],
    ['begin as a string', { ...base, begin: '[[' }, /"begin" must be a list/],
    ['end entry empty', { ...base, end: [''] }, /every "end" entry must be a non-empty string/],
    ['end as a string', { ...base, end: ']]' }, /"end" must be a list/],
    ['spec is null', null, /"levels" must list/],
  ];
  for (const [what, spec, message] of invalid) {
    it(`rejects ${what} with GrammarError, and resolveGrammar falls back with the message`, () => {
      assert.throws(() => compileGrammar(spec as GrammarSpec), (e: unknown) => e instanceof GrammarError && message.test(e.message));
      const r = resolveGrammar('custom', spec as GrammarSpec);
      if (spec === null) {
        assert.match(r.error ?? '', /reclens\.itemicTokens\.custom is not set; using "openonerec"/);
      } else {
        assert.match(r.error ?? '', /^reclens\.itemicTokens\.custom: itemic-token grammar/);
        assert.match(r.error ?? '', message);
        assert.match(r.error ?? '', /using "openonerec"\.$/);
      }
      assert.equal(r.grammar.spec.name, 'openonerec');
    });
  }

  it('names the spec in the message', () => {
    assert.throws(() => compileGrammar({ ...base, name: 'beauty', levels: [] }), /itemic-token grammar "beauty"/);
  });
});

describe('resolveGrammar', () => {
  it('returns each preset without an error', () => {
    for (const name of presetNames) {
      const r = resolveGrammar(name, null);
      assert.equal(r.error, undefined);
      assert.equal(r.grammar.spec.name, name);
    }
  });

  it('uses a valid custom spec', () => {
    const r = resolveGrammar('custom', { name: 'c', levels: ['<x_{n}>'], codebookSize: 3, begin: [], end: [] });
    assert.equal(r.error, undefined);
    assert.equal(r.grammar.spec.name, 'c');
  });

  it('falls back on an unknown preset, including names of Object.prototype members', () => {
    for (const name of ['openOneRec', 'toString', 'constructor', '__proto__', '']) {
      const r = resolveGrammar(name as never, null);
      assert.equal(r.grammar.spec.name, 'openonerec');
      assert.match(r.error ?? '', /^reclens\.itemicTokens\.preset: unknown preset ".*" \(known: openonerec, onereason, onerec-think, paper, custom\); using "openonerec"\.$/);
    }
  });
});

describe('scanning', () => {
  it('finds codes without begin/end tokens', () => {
    const text = 'watched <s_a_1><s_b_2><s_c_3> yesterday';
    assert.deepEqual(scan(text), [{ text: '<s_a_1><s_b_2><s_c_3>', levels: [1, 2, 3], kind: 'full', levelTexts: ['<s_a_1>', '<s_b_2>', '<s_c_3>'], problems: [] }]);
  });

  it('reports a prefix (cluster) as kind "prefix" with no problem', () => {
    const [m] = scan('cluster <s_a_1><s_b_2>.');
    assert.deepEqual(m, { text: '<s_a_1><s_b_2>', levels: [1, 2], kind: 'prefix', levelTexts: ['<s_a_1>', '<s_b_2>'], problems: [] });
    const [c] = scan('<|sid_begin|><s_a_7><|sid_end|>');
    assert.equal(c.kind, 'prefix');
    assert.deepEqual(c.levels, [7]);
    assert.deepEqual(c.problems, []);
  });

  it('splits a concatenated history into codes, with and without begin/end tokens', () => {
    const bare = '<s_a_1><s_b_2><s_c_3><s_a_4><s_b_5><s_c_6><s_a_7><s_b_8>';
    assert.deepEqual(scan(bare).map((m) => [m.text, m.levels, m.kind]), [
      ['<s_a_1><s_b_2><s_c_3>', [1, 2, 3], 'full'],
      ['<s_a_4><s_b_5><s_c_6>', [4, 5, 6], 'full'],
      ['<s_a_7><s_b_8>', [7, 8], 'prefix'],
    ]);
    const wrapped = '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|><|sid_begin|><s_a_4><s_b_5><s_c_6><|sid_end|>';
    assert.deepEqual(scan(wrapped).map((m) => [m.text, m.levels]), [
      ['<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>', [1, 2, 3]],
      ['<|sid_begin|><s_a_4><s_b_5><s_c_6><|sid_end|>', [4, 5, 6]],
    ]);
    // A prefix directly followed by a new code at level a.
    assert.deepEqual(scan('<s_a_1><s_b_2><s_a_3><s_b_4><s_c_5>').map((m) => m.levels), [[1, 2], [3, 4, 5]]);
  });

  it('ends a code at any gap, even whitespace', () => {
    assert.deepEqual(scan('<s_a_1><s_b_2> <s_c_3>').map((m) => [m.text, m.levels, m.problems]), [
      ['<s_a_1><s_b_2>', [1, 2], []],
      ['<s_c_3>', [], ['malformed:<s_c_3>']],
    ]);
  });

  it('reports an unterminated code (generation cut off)', () => {
    const text = '</think>\n<|sid_begin|><s_a_1><s_b_2>';
    const [m] = scan(text);
    assert.equal(m.text, '<|sid_begin|><s_a_1><s_b_2>');
    assert.equal(m.kind, 'prefix');
    assert.equal(m.begin, '<|sid_begin|>');
    assert.equal(m.end, undefined);
    assert.deepEqual(m.problems, ['unterminated:<|sid_begin|><s_a_1><s_b_2>']);
    const raw = scanCodes(text, openonerec)[0];
    assert.match(raw.problems[0].message, /not closed by an end token \(<\|sid_end\|>\).*after 2 of 3 levels/);
  });

  it('reports a full code without an end token as unterminated, without the level count', () => {
    const [m] = scanCodes('<|sid_begin|><s_a_1><s_b_2><s_c_3>', openonerec);
    assert.equal(m.kind, 'full');
    assert.equal(m.problems.length, 1);
    assert.equal(m.problems[0].kind, 'unterminated');
    assert.doesNotMatch(m.problems[0].message, /levels/);
  });

  it('reports a lone begin token with a span covering it', () => {
    const text = 'stop <|sid_begin|>';
    const [m] = scan(text);
    assert.equal(m.text, '<|sid_begin|>');
    assert.deepEqual(m.problems, ['unterminated:<|sid_begin|>']);
    assert.match(scanCodes(text, openonerec)[0].problems[0].message, /begin token with no code after it/);
  });

  it('closes a code when a new begin token starts', () => {
    assert.deepEqual(scan('<|sid_begin|><s_a_1><|sid_begin|><s_a_2><s_b_3><s_c_4><|sid_end|>').map((m) => [m.text, m.problems]), [
      ['<|sid_begin|><s_a_1>', ['unterminated:<|sid_begin|><s_a_1>']],
      ['<|sid_begin|><s_a_2><s_b_3><s_c_4><|sid_end|>', []],
    ]);
  });

  it('reports an empty code', () => {
    assert.deepEqual(scan('<|sid_begin|><|sid_end|>'), [
      { text: '<|sid_begin|><|sid_end|>', levels: [], kind: 'prefix', begin: '<|sid_begin|>', end: '<|sid_end|>', levelTexts: [], problems: ['empty:<|sid_begin|><|sid_end|>'] },
    ]);
  });

  it('reads a bare number between begin and end tokens', () => {
    const text = 'id <|sid_begin|>123<|sid_end|> ok';
    assert.deepEqual(scan(text), [{ text: '<|sid_begin|>123<|sid_end|>', levels: [], kind: 'full', bare: '123', begin: '<|sid_begin|>', end: '<|sid_end|>', levelTexts: [], problems: [] }]);
    const [v] = scan('<|video_begin|>42<|video_end|>', onereason);
    assert.equal(v.domain, 'video');
    assert.equal(v.bare, '42');
    assert.equal(v.begin, '<|video_begin|>');
    assert.equal(v.end, '<|video_end|>');
  });

  it('does not read a number that is not closed as a bare code', () => {
    const ms = scan('<|sid_begin|>123 and more');
    assert.equal(ms.length, 1);
    assert.equal(ms[0].bare, undefined);
    assert.deepEqual(ms[0].problems, ['unterminated:<|sid_begin|>']);
  });

  it('reports out-of-range numbers on the number span', () => {
    const text = '<s_a_8192><s_b_1><s_c_99999999999999999999>';
    const [m] = scan(text);
    assert.deepEqual(m.problems, ['out-of-range:8192', 'out-of-range:99999999999999999999']);
    assert.equal(m.kind, 'full');
    const message = scanCodes(text, openonerec)[0].problems[0].message;
    assert.match(message, /8192 is out of range for level <s_a_N>: the openonerec codebook has 8192 entries \(0–8191\)/);
    assert.match(message, /reclens\.itemicTokens\.preset/);
  });

  it('reads leading zeros as the number', () => {
    assert.deepEqual(scan('<s_a_007><s_b_0><s_c_00>')[0].levels, [7, 0, 0]);
  });

  it('reports a non-numeric level as malformed, on its own outside begin/end', () => {
    assert.deepEqual(scan('<s_a_x>'), [{ text: '<s_a_x>', levels: [], kind: 'prefix', levelTexts: [], problems: ['malformed:x'] }]);
    assert.deepEqual(scan('<s_a_>')[0].problems, ['malformed:']);
    assert.match(scanCodes('<s_b_1e3>', openonerec)[0].problems[0].message, /level <s_b_N> where level <s_a_N> was expected/);
    // A good prefix before a bad token is kept.
    assert.deepEqual(scan('<s_a_1><s_b_y>').map((m) => [m.text, m.levels, m.problems]), [
      ['<s_a_1>', [1], []],
      ['<s_b_y>', [], ['malformed:y']],
    ]);
  });

  it('keeps a malformed level inside begin/end as one code', () => {
    const text = '<|sid_begin|><s_a_1><s_b_zz><s_c_3><|sid_end|>';
    const ms = scan(text);
    assert.equal(ms.length, 1);
    assert.equal(ms[0].text, text);
    // The bad level is not filled in, so the next level is reported as out of order too (no guessed values).
    assert.deepEqual(ms[0].problems, ['malformed:zz', 'malformed:<s_c_3>']);
    assert.deepEqual(ms[0].levels, [1]);
  });

  it('reports levels out of order', () => {
    const inside = '<|sid_begin|><s_a_1><s_c_3><s_b_2><|sid_end|>';
    const [m] = scan(inside);
    assert.equal(m.text, inside);
    assert.deepEqual(m.problems, ['malformed:<s_c_3>']);
    assert.match(scanCodes(inside, openonerec)[0].problems[0].message, /level <s_c_N> where level <s_b_N> was expected; a code lists its levels in order \(<s_a_\{n\}><s_b_\{n\}><s_c_\{n\}>\)/);
    // Outside begin/end: the stray token is its own match.
    assert.deepEqual(scan('<s_b_2><s_c_3>').map((m) => [m.text, m.problems]), [
      ['<s_b_2>', ['malformed:<s_b_2>']],
      ['<s_c_3>', ['malformed:<s_c_3>']],
    ]);
  });

  it('reports a stray end token', () => {
    const text = 'done<|sid_end|>';
    assert.deepEqual(scan(text), [{ text: '<|sid_end|>', levels: [], kind: 'prefix', end: '<|sid_end|>', levelTexts: [], problems: ['malformed:<|sid_end|>'] }]);
    assert.match(scanCodes(text, openonerec)[0].problems[0].message, /closes no code/);
    // An end token after a gap does not close the code before it.
    assert.deepEqual(scan('<s_a_1><s_b_2><s_c_3> <|sid_end|>').map((m) => m.problems), [[], ['malformed:<|sid_end|>']]);
  });

  it('accepts an end token after a code written without a begin token', () => {
    const [m] = scan('<s_a_1><s_b_2><s_c_3><|sid_end|>');
    assert.equal(m.end, '<|sid_end|>');
    assert.equal(m.begin, undefined);
    assert.deepEqual(m.problems, []);
  });

  it('ignores look-alikes', () => {
    assert.deepEqual(scan('<s_a 1> <S_A_1> <s_e_1> s_a_1 <|sid_begin <sid_begin|> <s_a_1234567890123456789012345>'), []);
  });

  it('finds codes inside JSON strings and chat markup', () => {
    const text = JSON.stringify({ messages: [{ role: 'assistant', content: '<think>\n\n</think>\n\n<|sid_begin|><s_a_5><s_b_6><s_c_7><|sid_end|>' }] });
    const [m] = scan(text);
    assert.deepEqual(m.levels, [5, 6, 7]);
    assert.equal(m.text, '<|sid_begin|><s_a_5><s_b_6><s_c_7><|sid_end|>');
  });

  it('gives UTF-16 offsets after astral characters and CJK text', () => {
    const text = '😀用户历史𝒳: <s_a_1><s_b_2><s_c_3>';
    const [raw] = scanCodes(text, openonerec);
    assert.equal(raw.span.start, text.indexOf('<s_a_1>'));
    assert.equal(raw.span.start, 10); // 😀 and 𝒳 are two code units each
    assert.equal(text.slice(raw.span.start, raw.span.end), '<s_a_1><s_b_2><s_c_3>');
  });

  it('survives U+FFFD from invalid UTF-8', () => {
    const text = Buffer.from([0xff, 0xfe, 0x3c, 0x80, ...Buffer.from('<s_a_1><s_b_\xff2><s_c_3>', 'latin1'), ...Buffer.from('<s_a_4><s_b_5><s_c_6>')]).toString('utf8');
    assert.ok(text.includes('\uFFFD'));
    const ms = scan(text);
    assert.deepEqual(ms.at(-1)?.levels, [4, 5, 6]);
    assert.ok(ms.every((m) => m.text !== undefined && m.text.length > 0));
  });
});

describe('exact spans', () => {
  it('every span of every match slices to the token it names', () => {
    const text = 'a 😀 <|video_begin|><s_a_1><s_b_9999><s_c_3><|video_end|> b <|prod_begin|><s_a_4><s_x_1> c <|sid_begin|>77<|sid_end|> <|ad_end|>';
    for (const m of scanCodes(text, onereason)) {
      assert.ok(m.span.start < m.span.end, 'non-empty span');
      for (const s of m.levelSpans) {
        assert.ok(s.start >= m.span.start && s.end <= m.span.end);
        assert.match(text.slice(s.start, s.end), /^<s_[abc]_\d+>$/);
      }
      if (m.begin) assert.match(at(text, m.begin) ?? '', /^<\|\w+_begin\|>$/);
      if (m.end) assert.match(at(text, m.end) ?? '', /^<\|\w+_end\|>$/);
      if (m.begin) assert.equal(m.begin.start, m.span.start);
      if (m.end) assert.equal(m.end.end, m.span.end);
      for (const p of m.problems) assert.ok(p.span.start >= m.span.start && p.span.end <= m.span.end, `${p.kind} inside the match`);
    }
    assert.deepEqual(scan(text, onereason).map((m) => [m.text, m.problems]), [
      ['<|video_begin|><s_a_1><s_b_9999><s_c_3><|video_end|>', ['out-of-range:9999']],
      ['<|prod_begin|><s_a_4>', ['unterminated:<|prod_begin|><s_a_4>']],
      ['<|sid_begin|>77<|sid_end|>', []],
      ['<|ad_end|>', ['malformed:<|ad_end|>']],
    ]);
  });
});

describe('from/to bounds', () => {
  const text = '<s_a_1><s_b_2><s_c_3> middle <s_a_4><s_b_5><s_c_6> end <s_a_7><s_b_8><s_c_9>';
  const second = text.indexOf('<s_a_4>');

  it('scans only [from, to)', () => {
    const ms = scanCodes(text, openonerec, second, second + '<s_a_4><s_b_5><s_c_6>'.length);
    assert.deepEqual(ms.map((m) => m.levels), [[4, 5, 6]]);
    assert.equal(ms[0].span.start, second);
  });

  it('cuts a code at `to` (a token crossing the bound is not read)', () => {
    const ms = scanCodes(text, openonerec, second, second + '<s_a_4><s_b_5><s_c_'.length);
    assert.deepEqual(ms.map((m) => m.levels), [[4, 5]]);
  });

  it('offsets stay document offsets and results append to `out`', () => {
    const out: CodeMatch[] = [];
    scanCodes(text, openonerec, 0, 22, out);
    const returned = scanCodes(text, openonerec, text.indexOf('<s_a_7>'), text.length, out);
    assert.equal(returned, out);
    assert.deepEqual(out.map((m) => text.slice(m.span.start, m.span.end)), ['<s_a_1><s_b_2><s_c_3>', '<s_a_7><s_b_8><s_c_9>']);
  });

  it('an empty or inverted range finds nothing', () => {
    assert.deepEqual(scanCodes(text, openonerec, 5, 5), []);
    assert.deepEqual(scanCodes(text, openonerec, text.length, text.length), []);
  });

  it('is repeatable (the shared regex state is reset per call)', () => {
    const a = scanCodes(text, openonerec, second);
    const b = scanCodes(text, openonerec, second);
    assert.deepEqual(a, b);
    assert.equal(scanCodes(text, openonerec).length, 3);
  });
});

describe('formatCode and codeKey', () => {
  it('round-trips through the scanner for every preset', () => {
    const cases: [CompiledGrammar, number[]][] = [
      [openonerec, [340, 6566, 5603]],
      [onereason, [1, 2, 3]],
      [think, [1, 2, 3, 255]],
      [paper, [5028, 6733, 2559]],
      [openonerec, [9, 8]],
    ];
    for (const [g, levels] of cases) {
      for (const beginEnd of [true, false]) {
        const text = formatCode(g, levels, { beginEnd });
        const ms = scanCodes(text, g);
        assert.equal(ms.length, 1, text);
        assert.deepEqual(ms[0].levels, levels);
        assert.deepEqual(ms[0].problems, []);
        assert.equal(ms[0].span.end - ms[0].span.start, text.length);
        assert.equal(ms[0].begin !== undefined, beginEnd);
      }
    }
  });

  it('spells the openonerec example exactly', () => {
    assert.equal(formatCode(openonerec, [340, 6566, 5603]), '<|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>');
    assert.equal(formatCode(openonerec, [340, 6566], { beginEnd: false }), '<s_a_340><s_b_6566>');
  });

  it('uses the domain begin/end pair, and the domain-less one for an unknown domain', () => {
    assert.equal(formatCode(onereason, [1, 2, 3], { domain: 'living' }), '<|living_begin|><s_a_1><s_b_2><s_c_3><|living_end|>');
    assert.equal(formatCode(onereason, [1, 2, 3]), '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>');
    assert.equal(formatCode(onereason, [1, 2, 3], { domain: 'music' }), '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>');
    const [m] = scanCodes(formatCode(onereason, [4, 5, 6], { domain: 'prod' }), onereason);
    assert.equal(m.domain, 'prod');
  });

  it('writes no begin/end for a grammar without them', () => {
    const g = compileGrammar({ name: 'nobe', levels: ['<a{n}>', '<b{n}>'], codebookSize: 5, begin: [], end: [] });
    assert.equal(formatCode(g, [1, 2]), '<a1><b2>');
  });

  it('codeKey is canonical and domain-qualified', () => {
    assert.equal(codeKey([340, 6566, 5603]), '340.6566.5603');
    assert.equal(codeKey([340, 6566], 'video'), 'video:340.6566');
    assert.equal(codeKey([]), '');
    const [m] = scanCodes('<|ad_begin|><s_a_1><s_b_2><s_c_3><|ad_end|>', onereason);
    assert.equal(codeKey(m.levels, m.domain), 'ad:1.2.3');
    assert.notEqual(codeKey([1, 23]), codeKey([12, 3]));
  });
});

describe('hostile inputs', () => {
  const timed = <T>(f: () => T): [T, number] => {
    const t0 = performance.now();
    const r = f();
    return [r, performance.now() - t0];
  };

  it('scans a 10 MB single line of codes in reasonable time', () => {
    const code = '<|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>';
    const text = code.repeat(Math.ceil(10_000_000 / code.length));
    const [ms, elapsed] = timed(() => scanCodes(text, openonerec));
    assert.equal(ms.length, Math.ceil(10_000_000 / code.length));
    assert.ok(ms.every((m) => m.problems.length === 0));
    assert.ok(elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('scans 1 MB of "<" quickly', () => {
    const [ms, elapsed] = timed(() => scanCodes('<'.repeat(1_000_000), openonerec));
    assert.deepEqual(ms, []);
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('scans "<s_a_" repeated with no close quickly', () => {
    for (const text of ['<s_a_'.repeat(200_000), `<s_a_${'9'.repeat(1_000_000)}`, `<|sid_begin|>${'7'.repeat(1_000_000)}`, '<|sid_begin|'.repeat(100_000)]) {
      const [, elapsed] = timed(() => scanCodes(text, onereason));
      assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
    }
  });

  it('scans a long run of begin tokens and stray end tokens linearly', () => {
    const text = '<|sid_begin|><|sid_end|><|sid_end|>'.repeat(50_000);
    const [ms, elapsed] = timed(() => scanCodes(text, openonerec));
    assert.equal(ms.length, 100_000);
    assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  });
});
