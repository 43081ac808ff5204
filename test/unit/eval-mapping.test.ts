import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { groundTruthPids, metadataList, weightValue } from '../../server/eval/answer-pids';
import { choosePid, detectEncoding, encodeSid, isKnownSid, parseMapping, pidOf, readMappingFile, type SidMapping } from '../../server/eval/mapping';
import { A, B, C, MAPPING_M, X, video } from './eval-fixtures';

function parsed(text: string): SidMapping {
  const r = parseMapping(text, 'sid2pid.json');
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

function parseError(text: string): string {
  const r = parseMapping(text, 'sid2pid.json');
  assert.ok(!r.ok, 'expected an error');
  assert.match(r.error, /^sid2pid\.json: /);
  return r.error;
}

test('multiply keys: (1,2,3) → 67125251 and (4,5,6) → 268476422', () => {
  assert.equal(encodeSid(['1', '2', '3'], 'multiply'), '67125251');
  assert.equal(encodeSid(['4', '5', '6'], 'multiply'), '268476422');
  assert.equal(encodeSid(['1', '2', '3'], 'dot_join'), '1.2.3');
});

test('fixture M: max_pid maps A, X, B, "garbage" to 222, 0, 333, 0; A and B are valid, X and garbage are not', () => {
  const m = parsed(MAPPING_M);
  assert.equal(m.encoding, 'multiply');
  assert.deepEqual([video(A), video(X), video(B), 'garbage'].map((g) => pidOf(g, m, 'max_pid')), [222, 0, 333, 0]);
  assert.deepEqual([video(A), video(X), video(B), 'garbage'].map((g) => isKnownSid(g, m)), [true, false, true, false]);
});

test('random picks uniformly from the entries in file order, drawing only for a mapped SID', () => {
  const m = parsed(MAPPING_M);
  assert.equal(pidOf(video(A), m, 'random', () => 0), 111);
  assert.equal(pidOf(video(A), m, 'random', () => 0.4999), 111);
  assert.equal(pidOf(video(A), m, 'random', () => 0.5), 222);
  assert.equal(pidOf(video(C), m, 'random', () => assert.fail('no draw for an unmapped SID')), 0);
  assert.equal(choosePid([], 'random', () => assert.fail('no draw for an empty list')), 0);
  assert.equal(choosePid([5, 9, 7], 'max_pid', () => 0), 9);
});

test('the encoding comes from the first key in file order, even when JavaScript would list an integer key first', () => {
  const text = '{"1.2.3": [{"pid": 7}], "67125251": [{"pid": 8}]}';
  assert.equal(detectEncoding(text), 'dot_join');
  const m = parsed(text);
  assert.equal(pidOf(video(A), m, 'max_pid'), 7);
  assert.equal(detectEncoding('\uFEFF {"67125251": []}'), 'multiply');
  assert.equal(detectEncoding('{"a\\".b": []}'), 'dot_join');
});

test('dot keys are matched verbatim; integer keys by value; codes lose leading zeros as Python int() does', () => {
  const dot = parsed('{"1.2.3": [{"iid": 5}], "01.2.3": [{"iid": 6}]}');
  assert.equal(pidOf('<s_a_001><s_b_2><s_c_3>', dot, 'max_pid'), 5);
  const int = parsed('{"067125251": [{"pid": 9}]}');
  assert.equal(pidOf(video(A), int, 'max_pid'), 9);
});

test('an empty entry list is a valid SID with PID 0; an entry with iid is read like pid', () => {
  const m = parsed('{"67125251": [], "268476422": [{"iid": 4, "count": 1}]}');
  assert.equal(isKnownSid(video(A), m), true);
  assert.equal(pidOf(video(A), m, 'max_pid'), 0);
  assert.equal(pidOf(video(B), m, 'max_pid'), 4);
});

test('huge and out-of-range codes are encoded exactly: no crash, no false match; 8192 carries as in the benchmark', () => {
  const m = parsed(MAPPING_M);
  assert.equal(pidOf('<s_a_99999999999999999999><s_b_2><s_c_3>', m, 'max_pid'), 0);
  assert.equal(encodeSid(['99999999999999999999', '0', '0'], 'multiply'), '6710886399999999999932891136');
  assert.equal(pidOf('<s_a_1><s_b_1><s_c_8195>', m, 'max_pid'), 222);
});

test('malformed files are errors naming the file, the problem and the expected shape', () => {
  assert.match(parseError('{"67125251": [{"pid": 1}'), /not valid JSON.*sid2pid/);
  assert.match(parseError('[1, 2]'), /top level is an array, not an object/);
  assert.match(parseError('null'), /top level is null/);
  assert.match(parseError('{}'), /empty.*every PID metric would be 0/);
  assert.match(parseError('{"67125251": {"pid": 1}}'), /key "67125251" maps to an object, not a list/);
  assert.match(parseError('{"67125251": 111}'), /maps to 111, not a list/);
  assert.match(parseError('{"67125251": [111]}'), /entry that is 111, not an object/);
  assert.match(parseError('{"67125251": [null]}'), /entry that is null/);
  assert.match(parseError('{"67125251": [{"pid": "111"}]}'), /"pid": "111", not a whole number/);
  assert.match(parseError('{"67125251": [{"pid": null}]}'), /"pid": null, not a whole number/);
  assert.match(parseError('{"67125251": [{"pid": 1.5}]}'), /not a whole number/);
  assert.match(parseError('{"67125251": [{"pid": 123456789012345678901}]}'), /too large to compare exactly/);
  assert.match(parseError('{"67125251": [{"count": 3}]}'), /neither "pid" nor "iid"/);
  assert.match(parseError('{"67125251": [], "x.y": []}'), /key "x.y" is not an integer.*one key encoding/);
  assert.match(parseError('{"67125251": [], "__proto__": []}'), /key "__proto__" is not an integer/);
  assert.match(parseError(`{"67125251": [{"pid": "${'9'.repeat(100)}"}]}`), /"9{40}…"/);
});

test('a missing mapping file is an error value naming the path', async () => {
  const r = await readMappingFile('/nonexistent/sid2pid_video_ad.json');
  assert.ok(!r.ok);
  assert.match(r.error, /^\/nonexistent\/sid2pid_video_ad\.json: cannot be read \(ENOENT\)/);
});

test('readMappingFile reads and parses a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'reclens-eval-'));
  try {
    await writeFile(join(dir, 'm.json'), MAPPING_M);
    const r = await readMappingFile(join(dir, 'm.json'));
    assert.ok(r.ok);
    assert.equal(r.value.pids.size, 2);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('GT PIDs: answer_pid [333, 0, 111, 333] gives {333, 111} and first 333', () => {
  const gt = groundTruthPids({ answer_pid: [333, 0, 111, 333] });
  assert.deepEqual([...gt.set], [333, 111]);
  assert.equal(gt.first, 333);
});

test('GT PIDs: a JSON string, a scalar, answer_iid when answer_pid is absent or null, zeros dropped', () => {
  assert.deepEqual([...groundTruthPids({ answer_pid: '[0, 5, 6]' }).set], [5, 6]);
  assert.deepEqual([...groundTruthPids({ answer_pid: 7 }).set], [7]);
  assert.deepEqual([...groundTruthPids({ answer_pid: '8' }).set], [8]);
  assert.deepEqual([...groundTruthPids({ answer_iid: [9] }).set], [9]);
  assert.deepEqual([...groundTruthPids({ answer_pid: null, answer_iid: [9] }).set], [9]);
  assert.deepEqual([...groundTruthPids({ answer_pid: [], answer_iid: [9] }).set], []);
  assert.deepEqual([...groundTruthPids({ answer_pid: 0 }).set], []);
  assert.deepEqual([...groundTruthPids(undefined).set], []);
  assert.equal(groundTruthPids({ answer_pid: [0, 0] }).first, undefined);
});

test('GT PIDs: a string that is not JSON gives none; non-numeric entries count in |GT| but match no candidate', () => {
  assert.equal(groundTruthPids({ answer_pid: '[1, 2' }).set.size, 0);
  const gt = groundTruthPids({ answer_pid: ['5', 5, null, true] });
  assert.equal(gt.set.size, 4);
  assert.ok(gt.set.has(5) && gt.set.has(1) && !gt.set.has('5'));
  assert.notEqual(gt.first, 5);
});

test('metadata lists for weighted recall: list, number, JSON string; null, objects and bad JSON are empty', () => {
  assert.deepEqual(metadataList([1, 2]), [1, 2]);
  assert.deepEqual(metadataList(3), [3]);
  assert.deepEqual(metadataList('[4]'), [4]);
  assert.deepEqual(metadataList('"text"'), []);
  assert.deepEqual(metadataList('nope'), []);
  assert.deepEqual(metadataList(null), []);
  assert.deepEqual(metadataList({ a: 1 }), []);
  assert.equal(weightValue(' 2.5 '), 2.5);
  assert.equal(weightValue(true), 1);
  assert.equal(weightValue(null), undefined);
  assert.equal(weightValue('abc'), undefined);
});
