import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeList } from '../../server/items/code-list';
import { codeKey, compileGrammar, presetSpec, scanCodes } from '../../server/items/grammar';
import { findCodes } from '../../server/trace/codes';

const reason = compileGrammar(presetSpec('onereason'));
const text = 'a <|video_begin|><s_a_1><s_b_22><s_c_333><|video_end|> b <|prod_begin|><s_a_1><s_b_22><s_c_333><|prod_end|><s_a_9999><s_b_1> c <s_a_4><s_b_5>';

test('packed codes read back exactly as the scanner wrote them, domains included', () => {
  const packed = findCodes(text, reason, 0, text.length, new CodeList(reason));
  const objects = scanCodes(text, reason);
  assert.deepEqual(packed.toArray(), objects);
  assert.deepEqual([...packed], objects);
  assert.equal(packed.domain(0), 'video');
  assert.equal(packed.domain(1), 'prod');
  assert.equal(packed.key(0), codeKey([1, 22, 333], 'video'));
  assert.notEqual(packed.key(0), packed.key(1));
  assert.equal(packed.levelCount(3), 2);
  assert.equal(packed.hasProblems(2), true, 'out-of-range code keeps its problem');
  assert.deepEqual([...packed.irregular()].map((m) => m.problems[0]?.kind), ['out-of-range']);
});

test('lookups by offset: at (end inclusive), within, countWithin', () => {
  const list = CodeList.from(reason, scanCodes(text, reason));
  const first = list.get(0);
  assert.equal(list.at(first.span.start)?.span.start, first.span.start);
  assert.equal(list.at(first.span.end)?.span.start, first.span.start, 'a cursor right after a code finds it');
  assert.equal(list.at(0), undefined);
  assert.deepEqual(list.within({ start: 0, end: first.span.end }), [0]);
  assert.equal(list.countWithin({ start: 0, end: text.length }), list.length);
  assert.equal(list.countWithin({ start: first.span.start + 1, end: text.length }), list.length - 1);
});

test('truncate drops the tail; append copies packed and object codes alike', () => {
  const a = findCodes(text, reason, 0, text.length, new CodeList(reason));
  const b = new CodeList(reason);
  b.append(a);
  assert.deepEqual(b.toArray(), a.toArray());
  b.truncate(1);
  assert.equal(b.length, 1);
  assert.deepEqual([...b.irregular()], []);
  assert.deepEqual(b.get(0), a.get(0));
});

test('a list grows past its first block without losing codes', () => {
  const many = '<|video_begin|><s_a_7><s_b_8><s_c_9><|video_end|> '.repeat(5000);
  const list = findCodes(many, reason, 0, many.length, new CodeList(reason));
  assert.equal(list.length, 5000);
  assert.deepEqual(list.get(4999).levels, [7, 8, 9]);
  assert.equal(many.slice(list.start(4999), list.end(4999)), '<|video_begin|><s_a_7><s_b_8><s_c_9><|video_end|>');
});
