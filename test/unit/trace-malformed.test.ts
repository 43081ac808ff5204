import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultLayers } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { analyzeDocument } from '../../server/trace/analyze';
import type { AnalyzeContext } from '../../server/trace/model';

const ctx: AnalyzeContext = { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers };
const code = '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>';

test('truncated JSON: a problem at the end, codes before it still found', () => {
  const full = JSON.stringify({ samples: { a: { prompt: code, generations: [`x</think>${code}`] } } });
  for (let cut = 1; cut < full.length; cut += 7) {
    const a = analyzeDocument(full.slice(0, cut), 'benchmark', ctx);
    assert.ok(a.problems.some((p) => p.code === 'json/syntax'), `cut at ${cut}`);
  }
  const a = analyzeDocument(full.slice(0, full.length - 3), 'benchmark', ctx);
  assert.equal(a.codes.length, 2);
  assert.match(a.problems[0].message, /^line 1: not valid JSON \(unexpected end of input/);
});

test('100k levels of nesting neither overflow the stack nor hang', () => {
  const deep = '['.repeat(100_000) + `"${code}"` + ']'.repeat(100_000);
  const a = analyzeDocument(deep, 'jsonl', ctx);
  assert.equal(a.codes.length, 1);
  assert.deepEqual(a.problems, []);
  const open = analyzeDocument('{"a":'.repeat(100_000), 'jsonl', ctx);
  assert.equal(open.problems.length, 1);
});

test('a 10 MB single line and an unterminated string', () => {
  const line = `{"text": "${'word '.repeat(2_000_000)}${code}"}`;
  const t = performance.now();
  const a = analyzeDocument(line, 'jsonl', ctx);
  assert.ok(performance.now() - t < 5000);
  assert.equal(a.codes.length, 1);
  const u = analyzeDocument(`{"text": "${code} never closed`, 'jsonl', ctx);
  assert.equal(u.codes.length, 1);
  assert.match(u.problems.find((p) => p.code === 'json/syntax')!.message, /unterminated string/);
});

test('invalid UTF-8 decodes to U+FFFD and does not disturb offsets', () => {
  const bytes = Buffer.concat([Buffer.from('{"t": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(` ${code}"}`)]);
  const text = bytes.toString('utf8');
  assert.ok(text.includes('\ufffd'));
  const a = analyzeDocument(text, 'jsonl', ctx);
  assert.equal(a.codes.length, 1);
  assert.equal(text.slice(a.codes.get(0).span.start, a.codes.get(0).span.end), code);
});

test('JSONL: a broken line is reported with its line number and skipped; other lines are analysed', () => {
  const good = JSON.stringify({ messages: [{ role: 'user', content: code }, { role: 'assistant', content: `</think>${code}` }] });
  const text = [good, '{"messages": [', good, 'not json', good].join('\n');
  const a = analyzeDocument(text, 'jsonl', ctx);
  assert.equal(a.traces.length, 3);
  const broken = a.problems.filter((p) => p.code === 'json/syntax');
  assert.equal(broken.length, 2);
  assert.match(broken[0].message, /^line 2: not valid JSON \(.+\); this record is skipped, the rest of the file is still analysed$/);
  assert.match(broken[1].message, /^line 4: /);
  assert.equal(text.split('\n')[3], text.slice(broken[1].span.start, broken[1].span.start + 8));
});

test('garbage never throws', () => {
  const rnd = ((s: number) => () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296))(3);
  const alphabet = ['{', '}', '[', ']', '"', '\\', ':', ',', '1', 'true', 'n', '\n', ' ', code, '<|sid_begin|>', '\\u003c', '\\u12', '<think>', '</think>', '## Perception\n'];
  for (let i = 0; i < 3000; i++) {
    let s = '';
    for (let k = Math.floor(rnd() * 30); k > 0; k--) s += alphabet[Math.floor(rnd() * alphabet.length)];
    for (const kind of ['benchmark', 'jsonl', 'text'] as const) {
      const a = analyzeDocument(s, kind, ctx);
      for (const m of a.codes) assert.ok(m.span.start >= 0 && m.span.end <= s.length && m.span.start <= m.span.end, s);
      for (let j = 1; j < a.codes.length; j++) assert.ok(a.codes.get(j - 1).span.start <= a.codes.get(j).span.start, s);
    }
  }
});
