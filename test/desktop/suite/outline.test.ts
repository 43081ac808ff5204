/**
 * The demo trace demo/traces/u1024.rtrace in desktop VS Code: the document
 * symbols (Outline) list its layers with their steps, and go to definition
 * on an evidence link lands on the cited step.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { eventually, openDemo, positionOf, targetOf } from './helpers';

suite('trace document (demo/traces/u1024.rtrace)', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    doc = await openDemo('traces', 'u1024.rtrace');
    assert.equal(doc.languageId, 'rtrace');
  });

  test('document symbols list the layers and their steps', async () => {
    const symbols = await eventually(
      async () => (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri)) ?? [],
      (list) => list.some((s) => (s.children ?? []).some((c) => c.name === 'perception')),
      'the rtrace outline with its layers',
    );
    assert.equal(symbols.length, 1, JSON.stringify(symbols.map((s) => s.name)));
    const trace = symbols[0];
    assert.equal(trace.name, 'user u1024');
    const sections = new Map(trace.children.map((s) => [s.name, s]));
    const expected: [layer: string, stage: string, steps: string[]][] = [
      ['perception', 'perception', ['p1', 'p2', 'p3', 'p4']],
      ['derivation', 'cognition', ['c1', 'c2', 'c3']],
      ['evolution', 'cognition', ['c4', 'c5']],
      ['recommendation', 'recommendation', ['r1', 'r2', 'r3', 'r4']],
    ];
    for (const [layer, stage, steps] of expected) {
      const s = sections.get(layer);
      assert.ok(s, `layer ${layer} in the outline: ${JSON.stringify([...sections.keys()])}`);
      assert.equal(s.detail, stage, `layer ${layer} is in stage ${stage}`);
      assert.deepEqual(s.children.map((c) => c.name), steps, `steps of ${layer}`);
    }
    assert.equal(sections.get('history')?.detail, '6 entries');
    const c4 = sections.get('evolution')!.children[0];
    assert.equal(c4.range.start.line, positionOf(doc, 'c4 Early purchases').line);
  });

  test('go to definition on an evidence link lands on the cited step', async () => {
    // r1 cites c3 and c4: ask for the definition of "c4" after "<-".
    const link = positionOf(doc, 'cluster. <- c3, c4', 'cluster. <- c3, c'.length);
    const step = positionOf(doc, 'c4 Early purchases');
    const found = await eventually(
      async () => (await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, link)) ?? [],
      (list) => list.length > 0,
      'a definition for the evidence link c4',
    );
    assert.equal(found.length, 1, JSON.stringify(found));
    const target = targetOf(found[0]);
    assert.equal(target.uri.toString(), doc.uri.toString());
    assert.equal(target.range.start.line, step.line, `lands on line ${step.line + 1} (c4)`);
    assert.equal(target.range.start.character, 0);
  });
});
