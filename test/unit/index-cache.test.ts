/** Cached item indexes: reused while tables, grammar and mapping are unchanged; rebuilt (and the old file removed) when any of them changes. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileGrammar, presetSpec } from '../../server/items/grammar';
import type { ItemRow } from '../../server/items/sources/types';
import { indexFor, loadOrBuild, type LoadOrBuildOptions } from '../../server/items/index/cache';
import { memorySource } from './index-fixtures';

const grammar = compileGrammar(presetSpec('openonerec'));

describe('item index cache', () => {
  let dir: string;
  let cacheDir: string;
  let table: string;
  let rows: ItemRow[];
  let builds = 0;
  const options = (extra: Partial<LoadOrBuildOptions> = {}): LoadOrBuildOptions => ({
    tables: [table],
    rowSources: (tables) => {
      builds++;
      return tables.map((t) => memorySource(t, rows));
    },
    grammar,
    mapping: { id: 'pid', text: ['caption'] },
    cacheDir,
    ...extra,
  });
  const indexFiles = () => readdirSync(cacheDir).filter((n) => n.endsWith('.rlindex'));

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'reclens-index-cache-'));
    cacheDir = path.join(dir, 'cache');
    table = path.join(dir, 'items.jsonl');
    writeFileSync(table, 'v1');
    rows = [{ id: 'a', levels: [1, 2, 3], caption: 'first version', line: 1 }];
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds once, then opens the cached file', async () => {
    const first = await loadOrBuild(options());
    assert.equal(first.built, true);
    assert.equal(first.lookup.byId('a')?.caption, 'first version');
    first.lookup.close();
    const second = await loadOrBuild(options());
    assert.equal(second.built, false);
    assert.equal(second.lookup.byId('a')?.caption, 'first version');
    second.lookup.close();
    assert.equal(builds, 1);
    assert.equal(indexFiles().length, 1);
  });

  it('rebuilds when the table changes on disk and removes the stale index', async () => {
    const before = indexFiles();
    rows = [{ id: 'a', levels: [1, 2, 3], caption: 'second version', line: 1 }];
    writeFileSync(table, 'v2, longer');
    const loaded = await loadOrBuild(options());
    assert.equal(loaded.built, true);
    assert.equal(loaded.lookup.byId('a')?.caption, 'second version');
    loaded.lookup.close();
    assert.equal(indexFiles().length, 1);
    assert.notDeepEqual(indexFiles(), before);
  });

  it('rebuilds when only the mtime changes', async () => {
    const n = builds;
    utimesSync(table, new Date(), new Date(Date.now() + 5000));
    (await loadOrBuild(options())).lookup.close();
    assert.equal(builds, n + 1);
  });

  it('rebuilds when the mapping or the grammar changes', async () => {
    const n = builds;
    (await loadOrBuild(options({ mapping: { id: 'pid', text: ['title'] } }))).lookup.close();
    (await loadOrBuild(options({ grammar: compileGrammar(presetSpec('onereason')) }))).lookup.close();
    assert.equal(builds, n + 2);
  });

  it('fingerprints ignore key order but not values', () => {
    const stamp = [{ path: table, size: 1, mtimeMs: 2 }];
    assert.equal(indexFor(stamp, grammar, { a: 1, b: 2 }, cacheDir).fingerprint, indexFor(stamp, grammar, { b: 2, a: 1 }, cacheDir).fingerprint);
    assert.notEqual(indexFor(stamp, grammar, { a: 1 }, cacheDir).fingerprint, indexFor(stamp, grammar, { a: 2 }, cacheDir).fingerprint);
    assert.notEqual(indexFor(stamp, grammar, {}, cacheDir).fingerprint, indexFor([{ ...stamp[0], size: 3 }], grammar, {}, cacheDir).fingerprint);
  });

  it('rebuilds a damaged cached file and says why', async () => {
    const { lookup } = await loadOrBuild(options());
    const file = lookup.file;
    lookup.close();
    writeFileSync(file, 'garbage');
    const n = builds;
    const loaded = await loadOrBuild(options());
    assert.equal(builds, n + 1);
    assert.match(loaded.rebuiltBecause ?? '', /not a RecLens item index|too short/);
    assert.equal(loaded.lookup.byId('a')?.caption, 'second version');
    loaded.lookup.close();
  });

  it('a missing table names the setting and the path', async () => {
    await assert.rejects(loadOrBuild(options({ tables: [path.join(dir, 'missing.jsonl')] })), /reclens\.alignment\.paths: cannot read table .*missing\.jsonl \(ENOENT\)/);
  });
});
