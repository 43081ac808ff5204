import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileGrammar, presetSpec, scanCodes } from '../../server/items/grammar';
import { CodeList } from '../../server/items/code-list';
import type { CodeMatch } from '../../server/items/types';
import { scanJson } from '../../server/trace/json/scan';
import { decodeJsonString } from '../../server/trace/json/strings';

const g = compileGrammar(presetSpec('openonerec'));
const code = '<|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>';

/** Every span of a match, as the raw document text it covers. */
function rawDecoded(doc: string, m: CodeMatch, times = 1): string {
  let s = doc.slice(m.span.start, m.span.end);
  for (let i = 0; i < times; i++) s = JSON.parse(`"${s}"`) as string;
  return s;
}

test('decodeJsonString maps decoded offsets to raw offsets through every kind of escape', () => {
  const body = 'a\\"b\\n\\u003cc\\ud83d\\ude00d\\\\e';
  const src = `"${body}"`;
  const d = decodeJsonString(src, 1, src.length - 1);
  assert.equal(d.text, JSON.parse(src));
  assert.deepEqual(d.invalid, []);
  // Each decoded unit starts where its raw spelling starts.
  const starts = [1, 2, 4, 5, 7, 13, 14, 20, 26, 27, 29, 30];
  for (let i = 0; i <= d.text.length; i++) assert.equal(d.map.toDoc(i), starts[i], `unit ${i}`);
});

test('decodeJsonString keeps invalid escapes and reports them', () => {
  const src = '"a\\xb\\u12"';
  const d = decodeJsonString(src, 1, src.length - 1);
  assert.deepEqual(d.invalid, [2, 5]);
  assert.equal(d.text, 'a\\xb\\u12');
});

test('codes in JSON strings get exact document offsets, with and without escapes', () => {
  const values = [
    `plain ${code} text`,
    `line\n${code}\tafter "quoted" \\ back`,
    `中文 ${code} 😀 ${code}`,
  ];
  const escaped = `["${'\\u003c|sid_begin|\\u003e<s_a_4>\\u003cs_b_5><s_c_6><|sid_end|>'}", "<s_a_\\u0037><s_b_8><s_c_9>"]`;
  for (const doc of [JSON.stringify(values), escaped, JSON.stringify({ k: values }).replace(/</g, '\\u003c')]) {
    const codes = new CodeList(g);
    const r = scanJson(doc, 0, doc.length, { grammar: g, codes, keepDepth: 3 });
    assert.deepEqual(r.problems, []);
    assert.ok(codes.length >= 2, doc);
    for (const m of codes.toArray()) {
      const decoded = rawDecoded(doc, m);
      const expected = scanCodes(decoded, g);
      assert.equal(expected.length, 1, decoded);
      assert.deepEqual(expected[0].levels, m.levels);
      for (const s of m.levelSpans) assert.match(JSON.parse(`"${doc.slice(s.start, s.end)}"`) as string, /^<s_[abc]_\d+>$/);
    }
  }
});

test('string-encoded JSON (OpenOneRec messages) is decoded twice with composed offsets', () => {
  const messages = JSON.stringify([{ role: 'user', content: [{ type: 'text', text: `历史：${code}\n"q" ${code.replace('<', '<')}` }] }]);
  const doc = JSON.stringify({ uuid: 'x', messages }).replace(/<s_b_2>/, '\\u003cs_b_2>');
  const codes = new CodeList(g);
  const r = scanJson(doc, 0, doc.length, { grammar: g, codes, keepDepth: 6, nested: true });
  assert.deepEqual(r.problems, []);
  assert.equal(codes.length, 2);
  const msg = r.values[0].children!.find((c) => c.nested);
  assert.ok(msg?.nested, 'messages scanned as JSON');
  for (const m of codes.toArray()) {
    assert.equal(rawDecoded(doc, m, 2), code);
    assert.equal(rawDecoded(doc, { ...m, span: m.levelSpans[1] }, 2), '<s_b_2>');
  }
});

test('codes inside keys are found too', () => {
  const doc = `{"${code}": 1}`;
  const codes = new CodeList(g);
  scanJson(doc, 0, doc.length, { grammar: g, codes, keepDepth: 1 });
  assert.equal(codes.length, 1);
  assert.equal(doc.slice(codes.start(0), codes.end(0)), code);
});
