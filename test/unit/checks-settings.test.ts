import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultSettings } from '../../protocol/settings';
import { resolveSettings } from '../../server/config/settings';

test('reclens.checks: defaults, switches (plain or { enabled }) and thresholds', () => {
  assert.deepEqual(resolveSettings({}).settings.checks, defaultSettings.checks);
  const r = resolveSettings({ checks: { quantity: false, coverage: { enabled: false }, similarity: { contradictsBelow: 0.1, consistentFrom: 0.9 } } });
  assert.deepEqual(r.errors, []);
  assert.equal(r.settings.checks.quantity, false);
  assert.equal(r.settings.checks.coverage, false);
  assert.equal(r.settings.checks.perception, true);
  assert.deepEqual(r.settings.checks.similarity, { contradictsBelow: 0.1, consistentFrom: 0.9 });
});

test('reclens.checks: bad values are reported, naming the setting, and replaced by defaults', () => {
  const r = resolveSettings({ checks: { perception: 'yes', similarity: { contradictsBelow: 2, consistentFrom: 'high' } } });
  assert.deepEqual(r.errors, [
    'reclens.checks.perception must be true or false (found "yes"); using true.',
    'reclens.checks.similarity.contradictsBelow must be a number from 0 to 1 (found 2); using 0.25.',
    'reclens.checks.similarity.consistentFrom must be a number from 0 to 1 (found "high"); using 0.8.',
  ]);
  assert.deepEqual(r.settings.checks, defaultSettings.checks);
  const order = resolveSettings({ checks: { similarity: { contradictsBelow: 0.7, consistentFrom: 0.5 } } });
  assert.deepEqual(order.errors, ['reclens.checks.similarity.contradictsBelow (0.7) must not exceed reclens.checks.similarity.consistentFrom (0.5); using 0.25 and 0.8.']);
  assert.deepEqual(order.settings.checks.similarity, defaultSettings.checks.similarity);
  assert.deepEqual(resolveSettings({ checks: true }).errors, ['reclens.checks must be an object of switches and thresholds (found true); using the defaults.']);
});
