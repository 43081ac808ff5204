/** A trace as a program of stops (server/debug/program.ts): order, events, moves, frames, with and without recorded tokens. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultLayers } from '../../protocol/layers';
import { ReplayProgram, type TokenStop } from '../../server/debug/program';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { analyzeRtrace } from '../../server/trace/rtrace';

const text = readFileSync(path.join(__dirname, '..', '..', 'demo', 'traces', 'u1024.rtrace'), 'utf8');
const trace = analyzeRtrace(text, { grammar: compileGrammar(presetSpec('openonerec')), layers: defaultLayers }).traces[0];
const id = (p: ReplayProgram, i: number | undefined): string | undefined => {
  if (i === undefined) return undefined;
  const s = p.stops[i];
  return s.kind === 'token' ? `${s.step?.id}:${s.token?.index}` : s.rec ? `#${s.rec.rank}` : s.step?.id;
};

test('stops: history, the steps layer by layer, the recommendations; events on layer starts, the last thought and each code', () => {
  const p = new ReplayProgram(trace);
  assert.deepEqual(p.layers.map((l) => l.name), ['history', 'perception', 'derivation', 'evolution', 'recommendation', 'recommendations']);
  assert.equal(id(p, 0), 'h1');
  assert.equal(id(p, p.stops.length - 1), '#4');
  const with_ = (e: string) => p.stops.flatMap((s, i) => (s.events.includes(e as never) ? [id(p, i)] : []));
  assert.deepEqual(with_('layer'), ['h1', 'p1', 'c1', 'c4', 'r1', '#1']);
  assert.deepEqual(with_('thinking-end'), ['r4']);
  assert.deepEqual(with_('code'), ['#1', '#2', '#3', '#4']);
  assert.deepEqual(with_('low-confidence'), []);
});

test('moves without tokens: next, step in (= next), step out to the next layer, back; the ends', () => {
  const p = new ReplayProgram(trace);
  const at = (sid: string): number => p.stops.findIndex((s) => s.kind !== 'token' && (s.step?.id === sid || `#${s.rec?.rank}` === sid));
  assert.equal(id(p, p.next(at('h1'))), 'h2');
  assert.equal(id(p, p.stepIn(at('p4'))), 'c1');
  assert.equal(id(p, p.stepOut(at('p2'))), 'c1');
  assert.equal(id(p, p.back(at('c1'))), 'p4');
  assert.equal(p.back(0), undefined);
  assert.equal(p.next(p.stops.length - 1), undefined);
  assert.equal(p.stepOut(at('#2')), undefined);
  assert.deepEqual(p.frames(at('c2')).map((f) => f.name.split(' ')[0]), ['c2', 'derivation']);
});

test('recorded tokens: step in walks them one by one, next skips them, back returns through them; unsure tokens are events', () => {
  const tokens = new Map<string, TokenStop[]>([
    ['c1', [
      { text: 'The', logprob: Math.log(0.9), top: [{ token: 'The', prob: 0.9 }] },
      { text: ' main', logprob: Math.log(0.3), top: [{ token: ' main', prob: 0.3 }, { token: ' first', prob: 0.25 }] },
    ]],
  ]);
  const p = new ReplayProgram(trace, tokens);
  const c1 = p.stops.findIndex((s) => s.kind === 'step' && s.step?.id === 'c1');
  assert.equal(id(p, p.stepIn(c1)), 'c1:0');
  assert.equal(id(p, p.stepIn(c1 + 1)), 'c1:1');
  assert.equal(id(p, p.stepIn(c1 + 2)), 'c2', 'after the last token, the next step');
  assert.equal(id(p, p.next(c1 + 1)), 'c2', 'next from a token goes to the next step');
  assert.equal(id(p, p.back(c1 + 2)), 'c1:0');
  assert.equal(id(p, p.back(c1 + 1)), 'c1');
  assert.deepEqual(p.stops[c1 + 2].events, ['low-confidence']);
  assert.deepEqual(p.frames(c1 + 2).map((f) => f.name.split(' ')[0]), ['token', 'c1', 'derivation']);
  assert.equal(p.stops[c1 + 2].parent, c1);
});
