import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cnNumber, quantityClaims } from '../../server/checks/quantity';
import { check, codes, rtrace } from './checks-fixtures';

// 6 hiking items (1.1), 3 portraits (2.5), 1 pasta (3.7): 10 in all.
const HISTORY = ['1.1.1', '2.5.1', '1.1.2', '1.1.3', '2.5.2', '1.1.4', '3.7.1', '1.1.5', '2.5.3', '1.1.1'];
// 3 hiking (4.2) and 2 baking (5.3) items, Chinese.
const HISTORY_ZH = ['4.2.1', '5.3.1', '4.2.2', '4.2.3', '5.3.2'];

const cognition = (lines: string[], history = HISTORY) => check(rtrace({ history, layers: [['cognition', lines.map(codes)]] }));
const verdicts = (lines: string[], history = HISTORY) =>
  cognition(lines, history)
    .claims('quantity')
    .map((c) => [c.said, c.verdict, c.score]);

describe('quantity claims', () => {
  test('right counts raise nothing: by prefix, by category, "N items", "N/M", most, all', () => {
    assert.deepEqual(
      verdicts([
        'c1 6 of 10 items are Hiking / Navigation {1.1}: an interest in navigation.',
        'c2 3 items are Portraits (Photography).',
        'c3 1/10 items is Pasta.',
        'c4 Most of the items are Navigation videos.',
        'c5 All of the last 3 items are videos.',
      ]),
      [
        [`6 of 10 items are Hiking / Navigation ${codes('{1.1}')}`, 'consistent', 6],
        ['3 items are Portraits (Photography)', 'consistent', 3],
        ['1/10 items is Pasta', 'consistent', 1],
        ['Most of the items are Navigation videos', 'consistent', 6],
      ],
    );
  });

  test('wrong counts contradict, with the true count and the history items as evidence', () => {
    const c = cognition(['c1 12 of 10 items are Hiking / Navigation {1.1}.', 'c2 4 of 10 items are Hiking / Navigation {1.1}.', 'c3 Most items are Portraits.', 'c4 All items are Hiking.']);
    const claims = c.claims('quantity');
    assert.deepEqual(
      claims.map((x) => [x.stepId, x.verdict, x.score]),
      [
        ['c1', 'contradicts', 6],
        ['c2', 'contradicts', 6],
        ['c3', 'contradicts', 3],
        ['c4', 'contradicts', 6],
      ],
    );
    assert.ok(claims[1].message.startsWith('c2 says "4 of 10 items are Hiking / Navigation <|sid_begin|>'));
    assert.ok(claims[1].message.endsWith(`", but 6 of the 10 history items are Hiking / Navigation ${codes('{1.1}')} (h1, h3, h4, h6, h8, h10)`));
    assert.deepEqual(
      claims[1].evidence.map((e) => e.itemId),
      ['7001', '7002', '7003', '7004', '7005', '7001'],
    );
    assert.deepEqual(c.report.quantity, { checked: 4, consistent: 0, partly: 0, contradicts: 4 });
  });

  test('"of M": a shorter window counts the latest M items; a longer one than the history contradicts', () => {
    assert.deepEqual(
      verdicts(['c1 2 of the last 4 items are Hiking.', 'c2 6 of 30 items are Hiking.']).map((v) => v.slice(1)),
      [
        ['consistent', 2],
        ['contradicts', 10],
      ],
    );
    assert.match(cognition(['c1 6 of 30 items are Hiking.']).claims('quantity')[0].message, /the history has 10 items, not 30/);
  });

  test('a category the code is not in contradicts (wrong category), also outside counts', () => {
    const c = cognition(['c1 6 of 10 items are Cooking / Pasta {1.1}.', 'c2 Recommend an unseen item from Photography / Portraits {1.1}.']);
    const claims = c.claims('quantity');
    assert.deepEqual(
      claims.map((x) => [x.stepId, x.said, x.verdict]),
      [
        ['c1', `6 of 10 items are Cooking / Pasta ${codes('{1.1}')}`, 'consistent'],
        ['c1', `Cooking / Pasta ${codes('{1.1}')}`, 'contradicts'],
        ['c2', `Photography / Portraits ${codes('{1.1}')}`, 'contradicts'],
      ],
    );
    assert.equal(claims[1].message, `c1 calls ${codes('{1.1}')} "Cooking / Pasta", but its items are in "Hiking, Navigation"`);
  });

  test('a category the table does not know, or no X at all, makes no claim', () => {
    assert.deepEqual(verdicts(['c1 3 of 10 items are about knitting.', 'c2 2 of 10 items are from last week', 'c3 The user watched 10 items.']), []);
  });

  test('Chinese: 20个物品中有12个是…, 有N个是…, 大多数…, 都是…, Chinese numerals', () => {
    assert.deepEqual(
      verdicts(['c1 5个物品中有3个是户外/徒步类视频，说明用户喜欢徒步。', 'c2 有两个属于美食 / 烘焙。', 'c3 大多数物品都是徒步相关内容。', 'c4 五个物品中有四个是{4.2}。'], HISTORY_ZH),
      [
        ['5个物品中有3个是户外/徒步类视频', 'consistent', 3],
        ['有两个属于美食 / 烘焙', 'consistent', 2],
        ['大多数物品都是徒步相关内容', 'consistent', 3],
        [`五个物品中有四个是${codes('{4.2}')}`, 'contradicts', 3],
      ],
    );
    assert.deepEqual(
      verdicts(['c1 所有物品都是烘焙。', 'c2 5个视频中有1个是烘焙。'], HISTORY_ZH).map((v) => v.slice(1)),
      [
        ['contradicts', 2],
        ['contradicts', 2],
      ],
    );
    assert.equal(cnNumber('二十'), 20);
    assert.equal(cnNumber('十二'), 12);
    assert.equal(cnNumber('一百零五'), 105);
  });

  test('the claims a text makes, overlapping forms read once', () => {
    assert.deepEqual(
      quantityClaims('12 of 20 items are Hiking; all 20 items are videos').map((c) => c.q),
      [
        { kind: 'count', n: 12, of: 20 },
        { kind: 'all', of: 20 },
      ],
    );
  });

  test('switched off', () => {
    assert.deepEqual(check(rtrace({ history: HISTORY, layers: [['cognition', ['c1 4 of 10 items are Hiking.']]] }), { settings: { quantity: false } }).claims('quantity'), []);
  });
});
