import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { check, codes, rtrace } from './checks-fixtures';

// Hiking (1.1): h1, h3, h4; portraits (2.5): h2, h5; pasta (3.7): h6.
const HISTORY = ['1.1.1', '2.5.1', '1.1.2', '1.1.3', '2.5.2', '3.7.1'];

describe('evidence', () => {
  test('a step resting on history items of its cluster is consistent', () => {
    const c = check(rtrace({ history: HISTORY, layers: [['perception', [codes('p1 {1.1.1} and {1.1.2} are hiking. <- h1, h3')]], ['cognition', [codes('c1 An interest in {1.1}. <- p1')]]] }));
    assert.deepEqual(
      c.claims('evidence').map((x) => [x.stepId, x.verdict]),
      [
        ['p1', 'consistent'],
        ['p1', 'consistent'],
        ['c1', 'consistent'],
      ],
    );
  });

  test('a cluster whose cited history items lie elsewhere contradicts, naming those that would support it', () => {
    const c = check(rtrace({ history: HISTORY, layers: [['cognition', [codes('c1 An interest in portraits {2.5}. <- h1, h3')]]] }));
    const [claim] = c.claims('evidence');
    assert.equal(claim.verdict, 'contradicts');
    assert.equal(claim.said, codes('{2.5}'));
    assert.equal(claim.message, `c1 talks about ${codes('{2.5}')}, but the history items it rests on (h1, h3) lie outside it; h2, h5 would`);
  });

  test('a category named by a count is checked against the cited items too (Chinese)', () => {
    const c = check(rtrace({ history: ['4.2.1', '5.3.1', '4.2.2'], layers: [['cognition', ['c1 3个物品中有1个是美食/烘焙。 <- h1, h3']]] }));
    const [claim] = c.claims('evidence');
    assert.equal(claim.verdict, 'contradicts');
    assert.match(claim.message, /^c1 talks about "美食 \/ 烘焙", but the history items it rests on \(h1, h3\) lie outside it; h2 would$/);
  });

  test('a step citing no history item makes no evidence claim', () => {
    assert.deepEqual(check(rtrace({ history: HISTORY, layers: [['recommendation', [codes('r1 Try something from {3.7}.')]]] })).claims('evidence'), []);
  });
});

describe('coverage', () => {
  const trace = (steps: string[], groundTruth?: string[]) => rtrace({ history: HISTORY, layers: [['cognition', steps.map(codes)]], groundTruth });

  test('every cluster mentioned (by code, by history id, by category name) raises nothing', () => {
    const c = check(trace(['c1 Hiking navigation {1.1} dominates.', 'c2 h5 is a family photo.', 'c3 One Pasta video.'], ['2.5.3']));
    assert.deepEqual(c.claims('coverage'), []);
    assert.deepEqual(c.report.coverage, { historyClusters: 3, mentioned: 3, unmentioned: [], groundTruthReached: true, unreached: [] });
  });

  test('an unmentioned history cluster is partly; an unreached ground truth contradicts, on its code', () => {
    const c = check(trace(['c1 The user hikes: {1.1}.'], ['2.5.3']));
    assert.deepEqual(c.report.coverage, { historyClusters: 3, mentioned: 1, unmentioned: ['2.5', '3.7'], groundTruthReached: false, unreached: ['2.5'] });
    const claims = c.claims('coverage');
    assert.deepEqual(
      claims.map((x) => [x.verdict, x.stepId]),
      [
        ['partly', undefined],
        ['partly', undefined],
        ['contradicts', undefined],
      ],
    );
    assert.equal(claims[0].message, `no step mentions the history cluster ${codes('{2.5}')} (Portraits): 2 of 6 history items (h2, h5)`);
    assert.ok(claims[0].said.startsWith('h2 '));
    assert.equal(claims[2].said, codes('{2.5.3}'));
    assert.equal(claims[2].message, `the ground truth "Minimalist family photos editing guide" lies in the cluster ${codes('{2.5}')} (Portraits), which no step reaches (2 of 6 history items lie in it)`);
  });

  test('a trace without reasoning (non-thinking) is not checked; without a ground truth, reached is null', () => {
    const none = check(rtrace({ history: HISTORY, layers: [], groundTruth: ['2.5.3'] }));
    assert.deepEqual(none.report.coverage, { historyClusters: 3, mentioned: 0, unmentioned: [], groundTruthReached: null, unreached: [] });
    assert.equal(check(trace(['c1 {1.1}'])).report.coverage.groundTruthReached, null);
  });
});

describe('recommendations', () => {
  const trace = (recommendations: string[]) =>
    rtrace({
      history: HISTORY,
      layers: [
        ['cognition', [codes('c1 An interest in {1.1}.')]],
        ['recommendation', [codes('r1 Recommend an unseen item from {1.1}. <- c1')]],
      ],
      recommendations,
    });

  test('unseen items of the named cluster raise nothing', () => {
    const c = check(trace(['1.1.4 <- r1', '1.1.5 <- r1']));
    assert.deepEqual(c.claims('recommendation'), []);
    assert.deepEqual(c.report.recommendations, { total: 2, outsideNamedClusters: 0, seen: 0 });
  });

  test('seen items and items outside the named clusters contradict', () => {
    const c = check(trace(['1.1.1 <- r1', '3.7.2 <- r1', '1.1.5 seen <- r1']));
    assert.deepEqual(c.report.recommendations, { total: 3, outsideNamedClusters: 1, seen: 2 });
    assert.deepEqual(
      c.claims('recommendation').map((x) => x.message),
      [
        'recommendation 1 "Sunrise whiteout navigation gear check" is already in the history (h1)',
        `recommendation 2 "Garlicky lemon spaghetti recipe" lies outside every cluster the recommendation steps name (${codes('{1.1}')})`,
        'recommendation 3 "Off-season map reading gear check" is already in the user\'s history (marked seen)',
      ],
    );
    assert.equal(c.claims('recommendation')[0].said, codes('{1.1.1}'));
  });

  test('without recommendation steps, the cited steps name the clusters; with none named, nothing is outside', () => {
    const cited = check(rtrace({ history: HISTORY, layers: [['cognition', [codes('c1 An interest in {2.5}.')]]], recommendations: ['1.1.4 <- c1'] }));
    assert.equal(cited.report.recommendations.outsideNamedClusters, 1);
    const unnamed = check(rtrace({ history: HISTORY, layers: [['cognition', ['c1 The user likes outdoor things.']]], recommendations: ['1.1.4 <- c1'] }));
    assert.equal(unnamed.report.recommendations.outsideNamedClusters, 0);
  });
});
