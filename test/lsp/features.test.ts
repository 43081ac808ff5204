/** The language server over a real JSON-RPC connection, on each kind of document. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  WorkspaceSymbolRequest,
  type CompletionList,
  type DocumentSymbol,
  type Hover,
  type InlayHint,
  type Location,
  type MarkupContent,
  type SymbolInformation,
} from 'vscode-languageserver-protocol/node';
import { positionOf, repoRoot, startClient, waitForStatus, type TestClient } from './client';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'lsp');
const read = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');
const uriOf = (name: string): string => pathToFileURL(path.join(fixtures, name)).toString();
const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');

describe('with an alignment table pulled through workspace/configuration', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ rootPath: fixtures, settings: { alignment: { paths: ['items.json'] } } });
    const status = await waitForStatus(client);
    assert.equal(status.items, 8);
  });
  after(() => client.close());

  test('benchmark dump: diagnostics for an out-of-range and an unknown code, on the right lines', async () => {
    const text = read('benchmark.json');
    const diagnostics = await client.open(uriOf('benchmark.json'), text, 'json');
    const outOfRange = diagnostics.find((d) => d.code === 'code/out-of-range');
    assert.ok(outOfRange, JSON.stringify(diagnostics, null, 1));
    assert.equal(outOfRange.range.start.line, positionOf(text, '<s_c_9999>').line);
    assert.equal(text.split('\n')[outOfRange.range.start.line].slice(outOfRange.range.start.character, outOfRange.range.end.character), '9999');
    const unknown = diagnostics.find((d) => d.code === 'code/unknown');
    assert.ok(unknown);
    assert.equal(unknown.range.start.line, positionOf(text, '<s_a_77>').line);
    assert.match(String(unknown.message), /not in the item pool/);
  });

  test('hover on a code inside a generations string names the item and its collisions', async () => {
    const text = read('benchmark.json');
    const generation = text.indexOf('"generations"');
    const at = positionOf(text, '<s_b_340><s_c_7>', 3, generation);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('benchmark.json') }, position: at });
    const value = hoverText(hover);
    assert.match(value, /Ten-minute tomato pasta|Garlic butter noodles/);
    assert.match(value, /2 items share this code/);
    assert.equal(hover!.range!.start.line, at.line);
  });

  test('hover resolves a code written with \\u003c escapes to its exact range', async () => {
    const text = read('benchmark.json');
    const at = positionOf(text, '\\u003cs_b_6', 2);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('benchmark.json') }, position: at });
    assert.match(hoverText(hover), /Bouldering: overhang basics/);
    const line = text.split('\n')[at.line];
    assert.equal(line.slice(hover!.range!.start.character, hover!.range!.end.character), '\\u003cs_a_80\\u003e\\u003cs_b_6\\u003e\\u003cs_c_2\\u003e');
  });

  test('document symbols list the samples of a dump', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uriOf('benchmark.json') } })) as DocumentSymbol[];
    const names = JSON.stringify(symbols);
    assert.match(names, /u42/);
    assert.match(names, /u43/);
  });

  test('inlay hints show item titles after codes', async () => {
    const text = read('benchmark.json');
    const lines = text.split('\n').length;
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: uriOf('benchmark.json') },
      range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } },
    })) as InlayHint[];
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')));
    assert.ok(labels.some((l) => l.includes('Trail running')), labels.join(' | '));
  });

  test('go to definition on a code opens the row of the alignment table', async () => {
    const text = read('benchmark.json');
    const at = positionOf(text, '<s_a_80><s_b_5><s_c_900>', 2);
    const locations = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: uriOf('benchmark.json') }, position: at })) as Location[];
    assert.equal(locations.length, 1);
    assert.equal(locations[0].uri, uriOf('items.json'));
    assert.match(read('items.json').split('\n')[locations[0].range.start.line], /2001/);
  });

  test('workspace symbols find items by title and lead to their table row', async () => {
    const symbols = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'PASTA' })) as SymbolInformation[];
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'Ten-minute tomato pasta');
    assert.match(symbols[0].containerName ?? '', /<s_a_12><s_b_340><s_c_7> · 1001/);
    assert.equal(symbols[0].location.uri, uriOf('items.json'));
    assert.match(read('items.json').split('\n')[symbols[0].location.range.start.line], /"1001"/);
    const running = (await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'run' })) as SymbolInformation[];
    assert.deepEqual(running.map((s) => s.name).sort(), ['Marathon taper week vlog', 'Trail running in the rain']);
  });

  test('completion offers the next level with item counts', async () => {
    const uri = uriOf('typing.md');
    const text = 'Next: <|sid_begin|><s_a_12>';
    await client.open(uri, text, 'markdown');
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: 0, character: text.length } })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.deepEqual(labels.sort(), ['<s_b_340>', '<s_b_341>']);
    assert.match(String(list.items.find((i) => i.label === '<s_b_340>')!.detail), /3 items/);
  });

  test('JSONL with string-encoded messages: hover inside the inner JSON, a broken line reported', async () => {
    const text = read('messages.jsonl');
    const diagnostics = await client.open(uriOf('messages.jsonl'), text, 'jsonl');
    const broken = diagnostics.find((d) => d.severity === 1);
    assert.ok(broken, JSON.stringify(diagnostics));
    assert.equal(broken.range.start.line, 2);
    const at = positionOf(text, '<s_c_901>', 3);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('messages.jsonl') }, position: at });
    assert.match(hoverText(hover), /Marathon taper week vlog/);
  });

  test('Markdown: a prefix is a cluster; an unterminated code is reported', async () => {
    const text = read('notes.md');
    const diagnostics = await client.open(uriOf('notes.md'), text, 'markdown');
    assert.ok(diagnostics.some((d) => d.code === 'code/unterminated' && d.range.start.line === 3));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf('notes.md') }, position: positionOf(text, '<s_b_340>', 2) });
    assert.match(hoverText(hover), /3 items\*\* in this cluster/);
  });

  test('changing the preset re-checks open documents', async () => {
    const uri = uriOf('preset.md');
    await client.open(uri, 'See <s_a_12><s_b_340><s_c_7>.', 'markdown');
    const next = client.nextDiagnostics(uri);
    await client.setSettings({ alignment: { paths: ['items.json'] }, itemicTokens: { preset: 'onerec-think' } });
    const diagnostics = await next;
    assert.ok(diagnostics.some((d) => d.code === 'code/out-of-range' && /256/.test(String(d.message))), JSON.stringify(diagnostics));
    await client.setSettings({ alignment: { paths: ['items.json'] } });
  });
});

describe('with no alignment table', () => {
  test('hover still parses the code and says no table is set', async () => {
    const client = await startClient({ rootPath: fixtures, settings: {} });
    try {
      const text = 'history <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>';
      await client.open('file:///tmp/no-table.txt', text);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///tmp/no-table.txt' }, position: positionOf(text, '<s_b_2>', 1) });
      const value = hoverText(hover);
      assert.match(value, /a=1 · b=2 · c=3/);
      assert.match(value, /No alignment table is loaded/);
      assert.match(value, /reclens\.alignment\.paths/);
    } finally {
      await client.close();
    }
  });
});

describe('a client that cannot be asked for settings (Neovim-style initializationOptions)', () => {
  test('initializationOptions load the table', async () => {
    const client = await startClient({ rootPath: fixtures, initializationOptions: { alignment: { paths: [path.join(fixtures, 'items.json')] } } });
    try {
      await waitForStatus(client);
      const text = 'watch <s_a_4000><s_b_1><s_c_1> tonight';
      await client.open('file:///tmp/init.txt', text);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///tmp/init.txt' }, position: positionOf(text, '<s_b_1>', 1) });
      assert.match(hoverText(hover), /Rainy night lo-fi mix/);
    } finally {
      await client.close();
    }
  });
});
