import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { documentSelector } from '../../protocol/documents';
import { defaultSettings } from '../../protocol/settings';
import { configurationContribution, settingsSchema } from '../../protocol/settings-schema';

const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

/** Leaf paths of the settings object, as `reclens.a.b` names. */
function leaves(value: Record<string, unknown>, prefix = 'reclens'): string[] {
  return Object.entries(value).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) && k !== 'custom' ? leaves(v as Record<string, unknown>, `${prefix}.${k}`) : [`${prefix}.${k}`],
  );
}

test('package.json settings are generated from the settings definition', () => {
  assert.deepEqual(manifest.contributes.configuration, JSON.parse(JSON.stringify(configurationContribution())), 'run `npm run gen:settings`');
});

test('every server setting has a schema entry with its default and a description', () => {
  for (const key of leaves(defaultSettings as unknown as Record<string, unknown>)) {
    const entry = settingsSchema[key];
    assert.ok(entry, `${key} is missing from protocol/settings-schema.ts`);
    assert.ok(entry.description || entry.markdownDescription, `${key} has no description`);
    const path = key.split('.').slice(1);
    const value = path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], defaultSettings);
    assert.deepEqual(entry.default, value, `${key} default differs from defaultSettings`);
  }
});

test('the extension activates for every language the client serves', () => {
  for (const language of documentSelector) {
    if (language === 'rtrace') continue; // contributed language: activates through its own contribution
    assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), `onLanguage:${language} missing from activationEvents`);
  }
  assert.ok(manifest.contributes.languages.some((l: { id: string }) => l.id === 'rtrace'));
});

test('bundles named in the manifest are the ones the build writes', () => {
  assert.equal(manifest.main, './dist/extension.js');
  assert.equal(manifest.bin.reclens, 'dist/cli.js');
  const build = fs.readFileSync(new URL('../../scripts/build.mjs', import.meta.url), 'utf8');
  for (const name of ['extension', 'server', 'cli']) assert.match(build, new RegExp(`${name}: '`));
});
