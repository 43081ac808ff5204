/**
 * From thinking text to steps (server/trace/steps.ts): every heading form
 * models write, in English and Chinese, under each layer scheme; sentences
 * that only start with a layer word stay text; bullets and paragraphs
 * become steps; evidence follows the codes a step names.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRESET_LAYERS, withGenericLayers, type LayerSpec } from '../../protocol/layers';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import { splitLayers } from '../../server/trace/layers';
import { thinkingSteps } from '../../server/trace/steps';

const onereason = withGenericLayers(PRESET_LAYERS.onereason);
const r0r3 = withGenericLayers(PRESET_LAYERS['r0-r3']);
const grammar = compileGrammar(presetSpec('openonerec'));
const code = (...levels: number[]): string => `<|sid_begin|>${levels.map((v, k) => `<s_${'abc'[k]}_${v}>`).join('')}<|sid_end|>`;

/** The layer of each block, and the heading word as written. */
function blocks(text: string, layers: readonly LayerSpec[] = onereason): string[] {
  return splitLayers(text, 0, text.length, layers).blocks.map((b) => `${b.layer?.name ?? '-'}${b.marker ? `=${text.slice(b.marker.start, b.marker.end)}` : ''}`);
}

describe('heading forms', () => {
  const forms: [string, string][] = [
    ['R0 Perception:', 'perception=Perception'],
    ['Perception:', 'perception=Perception'],
    ['## Persona', 'persona=Persona'],
    ['**Interest expansion**', 'interest-expansion=Interest expansion'],
    ['**Persona:** the user is a hiker', 'persona=Persona'],
    ['- Transition inference:', 'transition-inference=Transition inference'],
    ['1. 用户画像：', 'persona=用户画像'],
    ['一、兴趣扩展', 'interest-expansion=兴趣扩展'],
    ['（3）转移推断：用户转向摄影', 'transition-inference=转移推断'],
    ['第三步：转移推断', 'transition-inference=转移推断'],
    ['【推荐】', 'recommendation=推荐'],
    ['Persona (用户画像):', 'persona=Persona'],
    ['### Step 2: Interest Expansion', 'interest-expansion=Interest Expansion'],
    ['R2:', 'transition-inference=R2'],
    ['L0 感知：', 'perception=感知'],
    ['Cognition:', 'cognition=Cognition'],
    ['> **Recommendation** —', 'recommendation=Recommendation'],
  ];
  for (const [heading, expected] of forms) {
    test(JSON.stringify(heading), () => {
      assert.deepEqual(blocks(`intro\n${heading}\nbody`), ['-', expected]);
    });
  }

  test('sentences starting with a layer word are not headings', () => {
    for (const line of ['Perception of the user matters here.', 'Persona abstraction is hard to do', 'Interests change over time', '推荐的理由如下']) {
      assert.deepEqual(blocks(`${line}\nmore`), ['-'], line);
    }
  });

  test('R0–R3 headings read as the four-layer scheme under r0-r3', () => {
    const text = 'R0 Perception:\na\nR1 Derivation:\nb\nR2 Evolution:\nc\nR3 Recommendation:\nd';
    assert.deepEqual(blocks(text, r0r3), ['perception=Perception', 'derivation=Derivation', 'evolution=Evolution', 'recommendation=Recommendation']);
    assert.deepEqual(blocks(text), ['perception=Perception', 'interest-expansion=Derivation', 'transition-inference=Evolution', 'recommendation=Recommendation']);
  });

  test('a scheme layer wins over a generic one with the same marker', () => {
    assert.deepEqual(blocks('Cognition:\nx', r0r3), ['derivation=Cognition']);
    assert.deepEqual(blocks('Cognition:\nx'), ['cognition=Cognition']);
  });
});

describe('steps', () => {
  const history = [[1, 2, 3], [1, 2, 4], [7, 8, 9]].map((levels) => ({ levels }));
  const text = [
    '用户画像：',
    `- 喜欢狗的用户，看过 ${code(1, 2, 3)} 和 ${code(1, 2, 4)}。`,
    '兴趣扩展：',
    `同一类目 ${code(1, 2)} 的其他犬种视频`,
    '仍然相关。',
    '',
    '转移推断：',
    `1. 最近的 ${code(7, 8, 9)} 是徒步视频，兴趣开始转移。`,
    '推荐：',
    `推荐 ${code(1, 2)} 下未看过的视频。`,
  ].join('\n');
  const { steps } = thinkingSteps(text, 0, text.length, onereason, grammar, history);

  test('bullets and paragraphs become steps, heading words dropped, ids per stage in stage order', () => {
    assert.deepEqual(
      steps.map((s) => `${s.id}:${s.layer.name}`),
      ['c1:persona', 'c2:interest-expansion', 'c3:transition-inference', 'r1:recommendation'],
    );
    assert.equal(steps[1].text, `同一类目 ${code(1, 2)} 的其他犬种视频\n仍然相关。`);
    assert.equal(text.slice(steps[0].idSpan.start, steps[0].idSpan.end), '用户画像');
  });

  test('evidence follows the codes each step names', () => {
    assert.deepEqual(Object.fromEntries(steps.map((s) => [s.id, s.evidence])), {
      c1: ['h1', 'h2'],
      c2: ['h1', 'h2'],
      c3: ['h3'],
      r1: ['c1', 'c2'],
    });
  });

  test('thinking without headings is one step of the generic thinking layer', () => {
    const t = 'I think the user likes dogs.\n- maybe cats too';
    const one = thinkingSteps(t, 0, t.length, onereason, grammar, history).steps;
    assert.deepEqual(one.map((s) => `${s.id}:${s.layer.name}:${s.text}`), [`c1:thinking:I think the user likes dogs.\n- maybe cats too`]);
  });
});
