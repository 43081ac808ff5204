import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { features, ngramSimilarity } from '../../server/checks/similarity';
import { captionLookup, check, codes, rtrace } from './checks-fixtures';

const perception = (lines: string[], history = ['1.1.1', '1.1.2', '2.5.1', '4.2.1', '5.3.1']) => rtrace({ history, layers: [['perception', lines.map(codes)]] });

describe('perception: descriptions against the item table', () => {
  test('right titles, captions and categories raise nothing (English)', () => {
    const c = check(
      perception([
        'p1 {1.1.1} is "Sunrise whiteout navigation gear check" (Hiking / Navigation). <- h1',
        'p2 {1.1.2}: a practical clip about coastal compass skills for first-timers. <- h2',
        'p3 h3 is "Golden-hour couple shoot photo walk" (Portraits). <- h3',
      ]),
    );
    const claims = c.claims('perception');
    assert.deepEqual(
      claims.map((x) => [x.said, x.verdict]),
      [
        ['Sunrise whiteout navigation gear check', 'consistent'],
        ['Hiking / Navigation', 'consistent'],
        ['a practical clip about coastal compass skills for first-timers', 'consistent'],
        ['Golden-hour couple shoot photo walk', 'consistent'],
        ['Portraits', 'consistent'],
      ],
    );
    assert.deepEqual(c.report.perception, { checked: 5, consistent: 5, partly: 0, contradicts: 0 });
  });

  test('a hallucinated title contradicts, on its exact range, with the table row as evidence', () => {
    const c = check(perception(['p1 {1.1.1} is "Alpine GPS apppppp reading gear check" (Hiking / Navigation). <- h1']));
    const [title, category] = c.claims('perception');
    assert.equal(title.said, 'Alpine GPS apppppp reading gear check');
    assert.equal(title.verdict, 'contradicts');
    assert.equal(title.stepId, 'p1');
    assert.equal(title.message, 'p1 calls this item "Alpine GPS apppppp reading gear check", but item 7001 is "Sunrise whiteout navigation gear check"');
    assert.deepEqual(title.evidence[0].source, { path: 'items.jsonl', line: 1 });
    assert.equal(title.evidence[0].itemId, '7001');
    assert.equal(category.verdict, 'consistent');
  });

  test('against a captions-only table (OpenOneRec layout) the title is compared with the caption', () => {
    const c = check(perception(['p1 {1.1.1} is "Alpine GPS apppppp reading gear check". <- h1', 'p2 {1.1.2} is "Coastal compass skills for first-timers". <- h2']), { lookup: captionLookup });
    const [wrong, right] = c.claims('perception');
    assert.equal(wrong.verdict, 'contradicts');
    assert.match(wrong.message, /but item 7001 is "A short video about sunrise whiteout navigation for weekend…"/);
    assert.equal(right.verdict, 'consistent');
    // No categories in the table: a category claim is unverifiable, not wrong.
    assert.equal(check(perception(['p1 {1.1.1} is (Cooking / Pasta).']), { lookup: captionLookup }).claims('perception').length, 0);
  });

  test('a wrong category contradicts; a half-right one is partly', () => {
    const c = check(perception(['p1 {1.1.1} is "Sunrise whiteout navigation gear check" (Cooking / Pasta).', 'p2 {1.1.2} is "Coastal compass skills vlog" (Hiking / Photography).']));
    const cats = c.claims('perception').filter((x) => x.said.includes('/'));
    assert.deepEqual(
      cats.map((x) => [x.said, x.verdict]),
      [
        ['Cooking / Pasta', 'contradicts'],
        ['Hiking / Photography', 'partly'],
      ],
    );
    assert.equal(cats[0].message, 'p1 puts this item in "Cooking / Pasta", but item 7001 is in "Hiking, Navigation"');
  });

  test('a description of a history id (h2) is checked against that item', () => {
    const c = check(perception(['p1 h2 is "Creamy pesto pasta recipe", the latest item.']));
    const [claim] = c.claims('perception');
    assert.equal(claim.verdict, 'contradicts');
    assert.match(claim.message, /^p1 calls h2 "Creamy pesto pasta recipe", but item 7002 is "Coastal compass skills vlog"$/);
  });

  test('a quoted title before the code, and a collision matched by either of its items', () => {
    const c = check(perception(['p1 "Weeknight carbonara cook-along" ({3.7.2}) and "Moody family photos challenge" {2.5.1}.'], ['3.7.2', '2.5.1']));
    assert.deepEqual(
      c.claims('perception').map((x) => [x.said, x.verdict]),
      [
        ['Weeknight carbonara cook-along', 'consistent'],
        ['Moody family photos challenge', 'contradicts'],
      ],
    );
  });

  test('Chinese: right and wrong titles, captions and categories', () => {
    const c = check(
      perception(
        [
          'p1 {4.2.1} 是「雪山徒步路线规划」（户外 / 徒步）。',
          'p2 {5.3.1}：一段手工酸奶蛋糕的烘焙教程视频。',
          'p3 {4.2.1} 是「法式面包烘焙技巧」（美食 / 烘焙）。',
          'p4 h5 是一段关于雪山徒步路线的视频。',
        ],
        ['4.2.1', '5.3.1', '4.2.2', '1.1.1', '5.3.1'],
      ),
    );
    assert.deepEqual(
      c.claims('perception').map((x) => [x.stepId, x.said, x.verdict]),
      [
        ['p1', '雪山徒步路线规划', 'consistent'],
        ['p1', '户外 / 徒步', 'consistent'],
        ['p2', '一段手工酸奶蛋糕的烘焙教程视频', 'consistent'],
        ['p3', '法式面包烘焙技巧', 'contradicts'],
        ['p3', '美食 / 烘焙', 'contradicts'],
        ['p4', '一段关于雪山徒步路线的视频', 'contradicts'],
      ],
    );
    assert.match(c.claims('perception')[3].message, /^p3 calls this item "法式面包烘焙技巧", but item 8001 is "雪山徒步路线规划"$/);
  });

  test('a Chinese description of an English-only item is unverifiable, not a contradiction', () => {
    assert.equal(check(perception(['p1 {1.1.1} 是「日出雪地导航」。'])).claims('perception').length, 0);
  });

  test('codes the table does not hold, and text without a description, make no claim', () => {
    const c = check(perception(['p1 {9.9.9} is "Anything at all".', 'p2 {1.1.1} and {1.1.2} come first.', 'p3 {1.1.1} (h1) was watched twice.']));
    assert.deepEqual(c.claims('perception'), []);
  });

  test('a benchmark dump: the claim lies on the escaped characters of the document', () => {
    const thinking = codes('Perception:\n- {1.1.1} is "Alpine GPS apppppp reading gear check" (Hiking / Navigation).\n- {5.3.1} 是「手工酸奶蛋糕教程」。\n');
    const dump = JSON.stringify({ samples: { u1: { prompt: `The user interacted with: ${codes('{1.1.1}{5.3.1}')} /think`, generations: [`${thinking}</think>\n${codes('{1.1.2}')}`], ground_truth: codes('{1.1.3}') } } }, null, 1).replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const c = check(dump, { kind: 'benchmark' });
    const claims = c.claims('perception');
    assert.deepEqual(
      claims.map((x) => [x.said, x.verdict]),
      [
        ['Alpine GPS apppppp reading gear check', 'contradicts'],
        ['Hiking / Navigation', 'consistent'],
        ['\\u624b\\u5de5\\u9178\\u5976\\u86cb\\u7cd5\\u6559\\u7a0b', 'consistent'],
      ],
    );
  });

  test('thresholds come from the settings', () => {
    const lines = ['p1 {1.1.1} is "Sunrise whiteout navigation trip report". <- h1'];
    const score = check(perception(lines)).claims('perception')[0].score!;
    assert.ok(score > 0.2 && score < 1, `a half-right title scores in between (${score})`);
    assert.equal(check(perception(lines), { settings: { similarity: { contradictsBelow: 0, consistentFrom: score } } }).claims('perception')[0].verdict, 'consistent');
    assert.equal(check(perception(lines), { settings: { similarity: { contradictsBelow: score + 0.01, consistentFrom: 1 } } }).claims('perception')[0].verdict, 'contradicts');
    assert.deepEqual(check(perception(lines), { settings: { perception: false } }).claims('perception'), []);
    assert.deepEqual(check(perception(lines), { settings: { enabled: false } }).report.claims, []);
  });
});

describe('similarity', () => {
  test('features: folded words without function words, CJK bigrams cut at function characters', () => {
    assert.deepEqual(features('A short video about Hikers mapping the trails'), ['short', 'hiker', 'mapp', 'trail']);
    assert.deepEqual(features('雪山的徒步'), ['雪山', '徒步']);
  });

  test('containment with near spellings; different scripts share nothing', () => {
    assert.equal(ngramSimilarity.score('navigation', 'A video about sunrise navigation'), 1);
    assert.equal(ngramSimilarity.score('photograph tips', 'photography tips'), 1);
    assert.equal(ngramSimilarity.score('pasta recipe', 'coastal compass skills'), 0);
    assert.equal(ngramSimilarity.score('雪山导航', 'sunrise navigation'), 0);
  });
});
