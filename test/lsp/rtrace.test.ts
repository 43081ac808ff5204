/** `.rtrace` documents through the language server: diagnostics, hover, navigation, completion, outline, folding, semantic tokens and inlay hints. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  ReferencesRequest,
  SemanticTokensRangeRequest,
  SemanticTokensRequest,
  type CompletionList,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type InlayHint,
  type Location,
  type MarkupContent,
  type Position,
  type Range,
  type SemanticTokens,
} from 'vscode-languageserver-protocol/node';
import { positionOf, repoRoot, startClient, waitForStatus, type TestClient } from './client';

const lspFixtures = path.join(repoRoot, 'test', 'fixtures', 'lsp');
const rtraceFixtures = path.join(repoRoot, 'test', 'fixtures', 'rtrace');
const readFixture = (name: string): string => fs.readFileSync(path.join(rtraceFixtures, name), 'utf8');
const fixtureUri = (name: string): string => pathToFileURL(path.join(rtraceFixtures, name)).toString();
const inlineUri = (name: string): string => pathToFileURL(path.join(lspFixtures, 'inline', name)).toString();
const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');
const lineOf = (text: string, needle: string, from = 0): number => positionOf(text, needle, 0, from).line;
const slice = (text: string, r: Range): string => {
  assert.equal(r.start.line, r.end.line, `range spans lines: ${JSON.stringify(r)}`);
  return text.split(/\r?\n/)[r.start.line].slice(r.start.character, r.end.character);
};
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const span = (line: number, start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });

/**
 * A trace whose codes are all in test/fixtures/lsp/items.json, with one
 * dangling link (`p9`) and a step (`c1`) whose evidence sits on a continuation line.
 */
const TRACE = `%rtrace 1
user: u42
mode: thinking

[history]
h1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|> pasta, watched
h2 <|sid_begin|><s_a_80><s_b_5><s_c_900><|sid_end|> trail run
h3 <|sid_begin|><s_a_4000><s_b_1><s_c_1><|sid_end|> lo-fi mix

[layer perception]
p1 h1 is a quick dinner from cluster <|sid_begin|><s_a_12><|sid_end|>. <- h1
p2 h2 is running content. <- h2

[layer derivation]
c1 Cooking at home is the main interest,
  the user finished the video.
  <- p1
c2 Running is secondary. <- p2, p9

[layer recommendation]
r1 Recommend a quick dinner. <- c1, p1
r2 Recommend running. <- c2

[recommendations]
1 <|sid_begin|><s_a_12><s_b_340><s_c_8><|sid_end|> score=-0.3 hit <- r1
2 <|sid_begin|><s_a_80><s_b_5><s_c_901><|sid_end|> score=-1.2 miss <- r2

[ground-truth]
<|sid_begin|><s_a_12><s_b_340><s_c_8><|sid_end|> cooked it
`;

/** Positions inside TRACE. */
const at = {
  r1Id: positionOf(TRACE, 'r1 Recommend', 1),
  /** On the `1` of `c1` in r1's evidence. */
  r1LinkC1: positionOf(TRACE, '<- c1, p1', 4),
  /** On the `p` of `p1` in r1's evidence. */
  r1LinkP1: positionOf(TRACE, '<- c1, p1', 7),
  c1LinkP1: positionOf(TRACE, '  <- p1', 6),
  p9: positionOf(TRACE, 'p9', 1),
  p1Id: positionOf(TRACE, 'p1 h1 is', 0),
};

interface DecodedToken {
  line: number;
  character: number;
  length: number;
  type: string;
  modifiers: string[];
}

/** Undo the LSP relative encoding: each token is (Δline, Δstart — relative only on the same line, length, type index, modifier bits). */
function decodeTokens(data: number[], types: string[], modifiers: string[]): DecodedToken[] {
  assert.equal(data.length % 5, 0, 'semantic token data comes in groups of five');
  const out: DecodedToken[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    const [dLine, dStart, length, type, bits] = data.slice(i, i + 5);
    line += dLine;
    character = dLine === 0 ? character + dStart : dStart;
    out.push({ line, character, length, type: types[type], modifiers: modifiers.filter((_, k) => (bits & (1 << k)) !== 0) });
  }
  return out;
}

describe('.rtrace documents with an alignment table', () => {
  let client: TestClient;
  const uri = inlineUri('trace.rtrace');
  let diagnostics: Diagnostic[];
  const request = {
    hover: (position: Position, u = uri) => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position }),
    definition: async (position: Position, u = uri) => (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: u }, position })) as Location[],
  };

  /** Folding ranges of a document as sorted [startLine, endLine] pairs. */
  const foldLines = async (u: string): Promise<number[][]> => {
    const folds = (await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: u } })) as FoldingRange[];
    return folds.map((f) => [f.startLine, f.endLine]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  };

  before(async () => {
    // Exact lists of the parser's and the pool's diagnostics: the reasoning checks are tested in checks.test.ts.
    client = await startClient({ rootPath: lspFixtures, settings: { alignment: { paths: ['items.json'] }, checks: { enabled: false } } });
    assert.equal((await waitForStatus(client)).items, 8);
    diagnostics = await client.open(uri, TRACE, 'rtrace');
  });
  after(() => client.close());

  test('a clean trace with one dangling link has exactly that diagnostic, on the link', () => {
    assert.deepEqual(
      diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range })),
      [{ code: 'step/dangling-evidence', severity: 1, range: span(at.p9.line, at.p9.character - 1, at.p9.character + 1) }],
    );
    assert.equal(diagnostics[0].source, 'reclens');
    assert.match(messageOf(diagnostics[0]), /^`p9` is not defined in this trace/);
  });

  test('syntax errors in malformed.rtrace: exact lines, ranges and messages', async () => {
    const text = readFixture('malformed.rtrace');
    const found = await client.open(fixtureUri('malformed.rtrace'), text, 'rtrace');
    const byCode = (code: string): Diagnostic[] => found.filter((d) => d.code === code);
    const missing = byCode('rtrace/missing-version');
    assert.equal(missing.length, 1);
    assert.deepEqual(missing[0].range, span(0, 0, '# the version line is missing'.length));
    assert.equal(missing[0].severity, 1);
    assert.match(messageOf(missing[0]), /`%rtrace 1`/);

    const unknownKey = byCode('rtrace/unknown-header-key');
    assert.deepEqual(unknownKey.map((d) => d.range), [span(2, 0, 'temprature'.length)]);
    assert.match(messageOf(unknownKey[0]), /Unknown header key `temprature`/);

    const syntax = byCode('rtrace/syntax');
    assert.deepEqual(syntax.map((d) => slice(text, d.range)), ['this is not a header field']);

    const badSteps = byCode('rtrace/bad-step');
    assert.deepEqual(badSteps.map((d) => d.range.start.line), [lineOf(text, 'no id on this line'), lineOf(text, '  this indented line continues nothing')]);
    assert.match(messageOf(badSteps[1]), /continues nothing/);

    const badEvidence = byCode('rtrace/bad-evidence');
    assert.deepEqual(badEvidence.map((d) => slice(text, d.range)), ['and']);
    assert.equal(badEvidence[0].range.start.line, lineOf(text, 'c3 Bad list'));

    const unknownLayer = byCode('rtrace/unknown-layer');
    assert.deepEqual(unknownLayer.map((d) => slice(text, d.range)), ['reflection']);
    assert.match(messageOf(unknownLayer[0]), /`perception`, `persona`, `interest-expansion`, `transition-inference`, `recommendation`, `cognition` and `thinking`/);

    const unclosed = byCode('rtrace/unclosed-raw');
    assert.deepEqual(unclosed.map((d) => slice(text, d.range)), ['[raw output <<END]']);
    assert.deepEqual(byCode('rtrace/unknown-section').map((d) => slice(text, d.range)), ['[notes]']);
  });

  test('dangling links, a self-citation and a cycle in cycle.rtrace', async () => {
    const text = readFixture('cycle.rtrace');
    const found = await client.open(fixtureUri('cycle.rtrace'), text, 'rtrace');
    const cycles = found.filter((d) => d.code === 'step/evidence-cycle');
    assert.deepEqual(
      cycles.map((d) => [d.range.start.line, slice(text, d.range)]),
      [
        [lineOf(text, 'c2 Second'), 'c1'],
        [lineOf(text, 'c4 Cites'), 'c4'],
      ],
    );
    assert.match(messageOf(cycles[0]), /c1 → c3 → c2 → c1/);
    assert.match(messageOf(cycles[1]), /`c4` cites itself/);
    const forward = found.filter((d) => d.code === 'step/forward-evidence');
    assert.deepEqual(forward.map((d) => [d.range.start.line, slice(text, d.range), d.severity]), [[lineOf(text, 'c1 First'), 'c3', 2]]);
  });

  test('layers out of order: a warning on the late layer head, and the evidence that points forward in stages is an error', async () => {
    const text = `%rtrace 1
user: u1

[history]
h1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>

[layer recommendation]
r1 Recommend pasta. <- h1

[layer perception]
p1 Pasta. <- h1, r1
`;
    const found = await client.open(inlineUri('order.rtrace'), text, 'rtrace');
    assert.deepEqual(
      found.map((d) => [d.code, d.severity, d.range.start.line, slice(text, d.range)]),
      [
        ['rtrace/section-order', 2, 9, '[layer perception]'],
        ['step/evidence-stage', 1, 10, 'r1'],
      ],
    );
    assert.match(messageOf(found[0]), /`\[layer perception\]` \(perception\) comes after `\[layer recommendation\]` \(recommendation\)/);
    assert.match(messageOf(found[1]), /Perception step `p1` cites `r1`, a recommendation step of a later stage/);
  });

  test('a step-like line inside a raw block is raw text: thinking.rtrace has no step problems', async () => {
    const found = await client.open(fixtureUri('thinking.rtrace'), readFixture('thinking.rtrace'), 'rtrace');
    assert.deepEqual(
      found.filter((d) => !String(d.code).startsWith('code/')),
      [],
      'only unknown-code warnings are expected (its codes are not in items.json)',
    );
    assert.ok(found.length > 0 && found.every((d) => d.severity === 2));
  });

  test('hover on a step id shows the step, its layer and stage, and its evidence chain depth first', async () => {
    const hover = await request.hover(at.r1Id);
    assert.deepEqual(hover!.range, span(at.r1Id.line, 0, 2));
    const lines = hoverText(hover).split('\n');
    assert.equal(lines[0], '**r1** · recommendation (recommendation)');
    assert.equal(lines[2], 'Recommend a quick dinner.');
    const chain = lines.slice(lines.indexOf('**Evidence chain**') + 1);
    assert.deepEqual(
      chain.map((l) => /^(\s*)- \*\*(\w+)\*\*/.exec(l)?.slice(1, 3).join('')),
      ['c1', '  p1', '    h1', 'p1'],
      chain.join('\n'),
    );
    assert.match(chain[0], /Cooking at home is the main interest, the user finished the video\./);
    assert.match(chain[3], /\(see above\)$/);
  });

  test('hover on an evidence link describes the cited step, over the link only', async () => {
    const hover = await request.hover(at.r1LinkC1);
    assert.equal(slice(TRACE, hover!.range!), 'c1');
    assert.equal(hover!.range!.start.line, at.r1LinkC1.line);
    const value = hoverText(hover);
    assert.match(value, /^\*\*c1\*\* · derivation \(cognition\)/);
    assert.match(value, /- \*\*p1\*\* h1 is a quick dinner/);
  });

  test('hover on a dangling link says it is not defined', async () => {
    const hover = await request.hover(at.p9);
    assert.equal(hoverText(hover), '**p9** is not defined in this trace.');
  });

  test('hover on a code in a step text names the cluster', async () => {
    const hover = await request.hover(positionOf(TRACE, '<s_a_12><|sid_end|>.', 2));
    assert.match(hoverText(hover), /\*\*4 items\*\* in this cluster/);
  });

  test('go to definition on an evidence link lands on the step id', async () => {
    const fromHeadLine = await request.definition(at.r1LinkC1);
    assert.deepEqual(fromHeadLine, [{ uri, range: span(lineOf(TRACE, 'c1 Cooking'), 0, 2) }]);
    const fromContinuation = await request.definition(at.c1LinkP1);
    assert.deepEqual(fromContinuation, [{ uri, range: span(at.p1Id.line, 0, 2) }]);
    const toHistory = await request.definition(positionOf(TRACE, '<- h2', 4));
    assert.deepEqual(toHistory, [{ uri, range: span(lineOf(TRACE, 'h2 <|sid'), 0, 2) }]);
    assert.deepEqual(await request.definition(at.p9), []);
  });

  test('go to definition in Chinese text: UTF-16 positions', async () => {
    const text = readFixture('zh.rtrace');
    const zhUri = fixtureUri('zh.rtrace');
    await client.open(zhUri, text, 'rtrace');
    const link = positionOf(text, '<- h1, h2, h4', 11);
    const locations = await request.definition(link, zhUri);
    assert.deepEqual(locations, [{ uri: zhUri, range: span(lineOf(text, 'h4 <|sid'), 0, 2) }]);
    const hover = await request.hover(link, zhUri);
    assert.equal(slice(text, hover!.range!), 'h4');
  });

  test('find references on a step id lists every link to it', async () => {
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: at.p1Id, context: { includeDeclaration: true } })) as Location[];
    assert.deepEqual(
      refs.map((r) => r.range),
      [span(at.p1Id.line, 0, 2), span(at.c1LinkP1.line, 5, 7), span(at.r1LinkP1.line, at.r1LinkP1.character, at.r1LinkP1.character + 2)],
    );
    assert.ok(refs.every((r) => r.uri === uri));
    const linksOnly = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: at.r1LinkP1, context: { includeDeclaration: false } })) as Location[];
    assert.deepEqual(
      linksOnly.map((r) => r.range.start.line),
      [at.c1LinkP1.line, at.r1LinkP1.line],
    );
  });

  test('completion after "<- " offers the step ids defined above, not later ones', async () => {
    const text = TRACE.replace('r2 Recommend running. <- c2\n', 'r2 Recommend running. <- c2\nr3 Also lo-fi music. <- \nr4 Later step. <- r1\n');
    const typing = inlineUri('typing.rtrace');
    await client.open(typing, text, 'rtrace');
    const position = positionOf(text, 'lo-fi music. <- ', 'lo-fi music. <- '.length);
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: typing }, position })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.deepEqual(labels.slice(0, 9), ['h1', 'h2', 'h3', 'p1', 'p2', 'c1', 'c2', 'r1', 'r2'], 'history first, then the steps in file order');
    assert.ok(!labels.includes('r4'), `a later step is offered: ${labels.join(', ')}`);
    const c1 = list.items.find((i) => i.label === 'c1')!;
    assert.match(String(c1.detail), /^derivation: Cooking at home/);
    assert.deepEqual((c1.textEdit as { range: Range }).range, span(position.line, position.character, position.character));
  });

  test('completion after "<- h" narrows to ids starting with h and replaces the typed prefix', async () => {
    const text = TRACE.replace('p2 h2 is running content. <- h2', 'p2 h2 is running content. <- h');
    const typing = inlineUri('partial.rtrace');
    await client.open(typing, text, 'rtrace');
    const position = positionOf(text, 'running content. <- h', 'running content. <- h'.length);
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: typing }, position })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['h1', 'h2', 'h3'],
    );
    assert.deepEqual((list.items[0].textEdit as { range: Range }).range, span(position.line, position.character - 1, position.character));
  });

  test('completion does not offer the step being written', async () => {
    const text = `%rtrace 1\n\n[history]\nh1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>\n\n[layer perception]\np1 Pasta. <- \n`;
    const typing = inlineUri('self.rtrace');
    await client.open(typing, text, 'rtrace');
    const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: typing }, position: { line: 6, character: 'p1 Pasta. <- '.length } })) as CompletionList;
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['h1'],
    );
  });

  test('document symbols: the trace, its header, then sections with layers holding their steps', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.equal(symbols.length, 1);
    const trace = symbols[0];
    assert.equal(trace.name, 'user u42');
    const outline = trace.children!.map((s) => [s.name, s.detail ?? '', s.children!.map((c) => c.name)]);
    assert.deepEqual(outline, [
      ['header', '', ['user', 'mode']],
      ['history', '3 entries', ['h1', 'h2', 'h3']],
      ['perception', 'perception', ['p1', 'p2']],
      ['derivation', 'cognition', ['c1', 'c2']],
      ['recommendation', 'recommendation', ['r1', 'r2']],
      ['recommendations', '2 entries', ['#1', '#2']],
      ['ground-truth', '1 entry', [expectedGroundTruthName]],
    ]);
    const c1 = trace.children![3].children![0];
    assert.equal(c1.range.start.line, lineOf(TRACE, 'c1 Cooking'));
    assert.equal(c1.range.end.line, at.c1LinkP1.line, 'a step symbol covers its continuation lines');
    assert.deepEqual(c1.selectionRange, span(c1.range.start.line, 0, 2));
  });

  test('folding ranges: header, each section, and a step spanning several lines', async () => {
    const pairs = await foldLines(uri);
    const l = (needle: string): number => lineOf(TRACE, needle);
    assert.deepEqual(pairs, [
      [0, 2],
      [l('[history]'), l('h3 <|sid')],
      [l('[layer perception]'), l('p2 h2')],
      [l('[layer derivation]'), l('c2 Running')],
      [l('c1 Cooking'), at.c1LinkP1.line],
      [l('[layer recommendation]'), l('r2 Recommend')],
      [l('[recommendations]'), l('\n2 <|sid') + 1],
      [l('[ground-truth]'), l('cooked it')],
    ]);
  });

  const commentRuns: [where: string, text: string, folds: number[][]][] = [
    ['inside a section', '%rtrace 1\nuser: u1\n\n[history]\n# first note\n# second note\n# third note\nh1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>\n', [[0, 1], [3, 7], [4, 6]]],
    ['in the header', '%rtrace 1\n# first note\n# second note\nuser: u1\n\n[history]\nh1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>\n', [[0, 3], [1, 2], [5, 6]]],
  ];
  for (const [where, text, expected] of commentRuns) {
    test(`folding ranges: a run of comment lines ${where} folds`, async () => {
      const commented = inlineUri(`comments-${where.replace(/\W/g, '-')}.rtrace`);
      await client.open(commented, text, 'rtrace');
      assert.deepEqual(await foldLines(commented), expected);
    });
  }

  test('CRLF line breaks: diagnostics, hover and definition positions are per line', async () => {
    const text = TRACE.replace(/\n/g, '\r\n');
    const crlf = inlineUri('crlf.rtrace');
    const found = await client.open(crlf, text, 'rtrace');
    assert.deepEqual(
      found.map((d) => [d.code, d.range]),
      [['step/dangling-evidence', span(at.p9.line, at.p9.character - 1, at.p9.character + 1)]],
    );
    const hover = await request.hover(at.r1LinkC1, crlf);
    assert.deepEqual(hover!.range, span(at.r1LinkC1.line, at.r1LinkC1.character - 1, at.r1LinkC1.character + 1));
    assert.deepEqual(await request.definition(at.c1LinkP1, crlf), [{ uri: crlf, range: span(at.p1Id.line, 0, 2) }]);
  });

  test('a recommendation\'s evidence link: a dangling one is reported', async () => {
    const text = TRACE.replace('score=-1.2 miss <- r2', 'score=-1.2 miss <- r2, r7');
    const recs = inlineUri('recs.rtrace');
    const found = await client.open(recs, text, 'rtrace');
    const r7 = positionOf(text, 'r7');
    assert.deepEqual(
      found.filter((d) => d.range.start.line === r7.line).map((d) => [d.code, d.range]),
      [['step/dangling-evidence', span(r7.line, r7.character, r7.character + 2)]],
    );
  });

  test('a recommendation\'s evidence link: definition, hover and references reach the step', async () => {
    const link = positionOf(TRACE, 'score=-0.3 hit <- r1', 'score=-0.3 hit <- '.length);
    assert.deepEqual(await request.definition(link), [{ uri, range: span(at.r1Id.line, 0, 2) }]);
    assert.match(hoverText(await request.hover(link)), /^\*\*r1\*\* · recommendation/);
    const refs = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: at.r1Id, context: { includeDeclaration: false } })) as Location[];
    assert.deepEqual(
      refs.map((r) => r.range),
      [span(link.line, link.character, link.character + 2)],
    );
    const legend = client.capabilities.semanticTokensProvider!.legend;
    const result = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })) as SemanticTokens;
    const onRecLine = decodeTokens(result.data, legend.tokenTypes, legend.tokenModifiers).filter((t) => t.line === link.line && t.type === 'variable');
    assert.deepEqual(
      onRecLine.map((t) => [t.character, t.length, t.modifiers]),
      [[link.character, 2, []]],
    );
  });

  test('semantic tokens: begin/end keywords, levels, step ids declared and links referenced, at exact positions', async () => {
    const legend = client.capabilities.semanticTokensProvider!.legend;
    const result = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } })) as SemanticTokens;
    const tokens = decodeTokens(result.data, legend.tokenTypes, legend.tokenModifiers);
    const lines = TRACE.split('\n');
    const textOf = (t: DecodedToken): string => lines[t.line].slice(t.character, t.character + t.length);
    const onLine = (n: number): [string, string, string[]][] => tokens.filter((t) => t.line === n).map((t) => [textOf(t), t.type, t.modifiers]);

    assert.deepEqual(onLine(lineOf(TRACE, 'h1 <|sid')), [
      ['h1', 'variable', ['declaration']],
      ['<|sid_begin|>', 'keyword', []],
      ['<s_a_12>', 'enumMember', []],
      ['<s_b_340>', 'enumMember', []],
      ['<s_c_7>', 'enumMember', []],
      ['<|sid_end|>', 'keyword', []],
    ]);
    assert.deepEqual(onLine(lineOf(TRACE, 'r1 Recommend')), [
      ['r1', 'variable', ['declaration']],
      ['c1', 'variable', []],
      ['p1', 'variable', []],
    ]);
    assert.deepEqual(onLine(at.c1LinkP1.line), [['p1', 'variable', []]]);
    assert.ok(
      tokens.every((t) => t.length > 0),
      'no empty tokens',
    );
    const ranged = (await client.connection.sendRequest(SemanticTokensRangeRequest.type, { textDocument: { uri }, range: span(at.r1Id.line, 0, 200) })) as SemanticTokens;
    const inRange = decodeTokens(ranged.data, legend.tokenTypes, legend.tokenModifiers).filter((t) => t.line === at.r1Id.line);
    assert.deepEqual(
      inRange.map((t) => [t.character, t.length, t.type]),
      [
        [0, 2, 'variable'],
        [at.r1LinkC1.character - 1, 2, 'variable'],
        [at.r1LinkP1.character, 2, 'variable'],
      ],
    );
  });

  test('semantic tokens: a bare number code is a number between two keywords', async () => {
    const text = '%rtrace 1\n\n[history]\nh1 <|sid_begin|>1001<|sid_end|> pasta\n';
    const bare = inlineUri('bare.rtrace');
    await client.open(bare, text, 'rtrace');
    const legend = client.capabilities.semanticTokensProvider!.legend;
    const result = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: bare } })) as SemanticTokens;
    const tokens = decodeTokens(result.data, legend.tokenTypes, legend.tokenModifiers);
    assert.deepEqual(
      tokens.map((t) => [t.line, t.character, t.length, t.type]),
      [
        [3, 0, 2, 'variable'],
        [3, 3, 13, 'keyword'],
        [3, 16, 4, 'number'],
        [3, 20, 11, 'keyword'],
      ],
    );
  });

  test('inlay hints: item titles after history and recommendation codes, a count after a cluster prefix', async () => {
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: TRACE.split('\n').length, character: 0 } },
    })) as InlayHint[];
    const seen = hints.map((h) => [h.position.line, h.position.character, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]);
    const end = (needle: string, from = 0): [number, number] => {
      const p = positionOf(TRACE, needle, needle.length, from);
      return [p.line, p.character];
    };
    const recs = TRACE.indexOf('[recommendations]');
    const truth = TRACE.indexOf('[ground-truth]');
    assert.deepEqual(seen, [
      [...end('h1 <|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>'), ' Ten-minute tomato pasta +1'],
      [...end('h2 <|sid_begin|><s_a_80><s_b_5><s_c_900><|sid_end|>'), ' Trail running in the rain'],
      [...end('h3 <|sid_begin|><s_a_4000><s_b_1><s_c_1><|sid_end|>'), ' Rainy night lo-fi mix'],
      [...end('cluster <|sid_begin|><s_a_12><|sid_end|>'), ' 4 items'],
      [...end('1 <|sid_begin|><s_a_12><s_b_340><s_c_8><|sid_end|>', recs), ' One-pan lemon chicken'],
      [...end('2 <|sid_begin|><s_a_80><s_b_5><s_c_901><|sid_end|>', recs), ' Marathon taper week vlog'],
      [...end('<|sid_begin|><s_a_12><s_b_340><s_c_8><|sid_end|>', truth), ' One-pan lemon chicken'],
    ]);
    assert.ok(hints.every((h) => h.paddingLeft === true));
  });

  test('inlay hints honour reclens.inlayHints.maxLength and .enabled', async () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } };
    const settle = client.nextDiagnostics(uri);
    await client.setSettings({ alignment: { paths: ['items.json'] }, inlayHints: { maxLength: 8 } });
    await settle;
    const short = (await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range })) as InlayHint[];
    assert.deepEqual(
      short.map((h) => h.label),
      [' Ten-min… +1', ' Trail…', ' Rainy…'],
    );
    const settleOff = client.nextDiagnostics(uri);
    await client.setSettings({ alignment: { paths: ['items.json'] }, inlayHints: { enabled: false } });
    await settleOff;
    assert.deepEqual(await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }), []);
    const restored = client.nextDiagnostics(uri);
    await client.setSettings({ alignment: { paths: ['items.json'] } });
    await restored;
  });
});

const expectedGroundTruthName = '<|sid_begin|><s_a_12><s_b_340><s_c_8><|sid_end|>';
