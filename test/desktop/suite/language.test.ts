/**
 * The benchmark dump demo/traces/benchmark.json in desktop VS Code: a hover
 * on an itemic token inside a generation names the item from demo/items.json,
 * and the deliberately out-of-range code is diagnosed on its line.
 */
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { codeOf, demoUri, diagnosticWhere, eventually, hoverText, openDemo, positionOf } from './helpers';

suite('benchmark dump (demo/traces/benchmark.json)', () => {
  let doc: vscode.TextDocument;
  let title: string;

  suiteSetup(async () => {
    const items = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(demoUri('items.json')))) as Record<string, { sid: string; title: string }>;
    title = items.B00HAIR005.title;
    doc = await openDemo('traces', 'benchmark.json');
  });

  test('hovering an itemic token inside a generation shows the item title', async () => {
    // <s_c_311> occurs once: the code of B00HAIR005, recommended in u0002's second generation.
    const at = positionOf(doc, '<s_c_311>', 3);
    const line = doc.lineAt(at.line).text;
    assert.match(line, /Perception:/, 'the token is inside a generation');
    const before = doc.getText(new vscode.Range(new vscode.Position(0, 0), at));
    assert.ok(before.lastIndexOf('"generations"') > before.lastIndexOf('"prompt"'), 'the token is inside a generations array');
    const hover = await eventually(() => hoverText(doc.uri, at), (h) => h.includes(title), `a hover naming "${title}"`);
    assert.ok(hover.includes(title), hover);
  });

  test('the out-of-range code <s_a_9999> is diagnosed on its line', async () => {
    const token = positionOf(doc, '<s_a_9999>');
    const tokenEnd = token.translate(0, '<s_a_9999>'.length);
    const begin = doc.lineAt(token.line).text.lastIndexOf('<|sid_begin|>', token.character);
    const d = await diagnosticWhere(doc.uri, (x) => codeOf(x) === 'code/out-of-range' && x.range.start.line === token.line, `code/out-of-range on line ${token.line + 1}`);
    assert.ok(d.range.start.character >= begin && d.range.end.isBeforeOrEqual(tokenEnd), `the range ${d.range.start.character}..${d.range.end.character} is inside the code (${begin}..${tokenEnd.character})`);
    assert.ok(d.severity === vscode.DiagnosticSeverity.Error || d.severity === vscode.DiagnosticSeverity.Warning, `severity ${d.severity}`);
    assert.match(d.message, /9999|range|codebook/i);
  });
});
