/**
 * The reasoning checks in the language server, over real JSON-RPC
 * (`dist/server.js`: run `npm run build` first): contradicted claims as
 * warnings on their exact range with the table row as related information,
 * partial matches as hints, hovers on a claim, a trace's header and a dump
 * sample's key, the `reclens.checks.*` switches, the graph's marks, and a
 * big dump checked only where the user looks.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, HoverRequest, type Diagnostic, type Hover, type MarkupContent, type Range } from 'vscode-languageserver-protocol/node';
import type { TraceGraph } from '../../protocol/graph';
import { GraphRequest } from '../../protocol/messages';
import { positionOf, repoRoot, startClient, waitForStatus, type TestClient } from './client';

const demo = path.join(repoRoot, 'demo');
const items = path.join(demo, 'items.json');
const dump = path.join(demo, 'traces', 'benchmark.json');
const uri = (file: string): string => pathToFileURL(file).toString();
const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');

/** The demo trace with p4 describing h3 as something it is not, and a ground truth in a cluster no step reaches. */
const WRONG = 'heavy metal guitar amplifier with two speakers';
function wrongTrace(): string {
  const text = fs
    .readFileSync(path.join(demo, 'traces', 'u1024.rtrace'), 'utf8')
    .replace('p4 h3 is a ceramide cream for dry skin: the one item outside hair care.', `p4 h3 is a ${WRONG}.`)
    .replace('<|sid_begin|><s_a_2981><s_b_4><s_c_6009><|sid_end|> bought, 2026-03-01', '<|sid_begin|><s_a_5028><s_b_410><s_c_89><|sid_end|> bought, 2026-03-01');
  assert.ok(text.includes(WRONG) && text.includes('<s_a_5028><s_b_410><s_c_89><|sid_end|> bought'), 'the demo trace changed: update the edits');
  return text;
}

/** 1-based line of the row of `id` in the demo table. */
const rowLine = (id: string): number => fs.readFileSync(items, 'utf8').split('\n').findIndex((l) => l.includes(`"${id}"`)) + 1;

/** The text of an LSP range. */
function textOf(text: string, range: Range): string {
  const offset = (p: { line: number; character: number }) => text.split('\n').slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(range.start), offset(range.end));
}

const checksOf = (ds: Diagnostic[]) => ds.filter((d) => String(d.code).startsWith('check/'));

describe('reasoning checks in the language server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-lsp-checks-'));
  let client: TestClient;
  const settings = { alignment: { paths: [items] } };
  const hover = (u: string, text: string, needle: string, delta = 1, from = 0) =>
    client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: positionOf(text, needle, delta, from) });

  /** Diagnostics of `u` until some satisfy `accept` (the checks may publish after the analysis's own problems). */
  async function diagnosticsUntil(u: string, first: Promise<Diagnostic[]>, accept: (ds: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
    let ds = await first;
    for (let i = 0; i < 5 && !accept(ds); i++) ds = await client.nextDiagnostics(u);
    assert.ok(accept(ds), `diagnostics never matched: ${JSON.stringify(ds.map((d) => [d.code, d.message]))}`);
    return ds;
  }

  before(async () => {
    client = await startClient({ rootPath: dir, settings });
    await waitForStatus(client, (s) => s.items > 0, 0, 30_000);
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const wrongUri = uri(path.join(dir, 'u1024-wrong.rtrace'));
  const text = wrongTrace();

  test('a contradicted claim is a warning on its exact range, with the table row as related information', async () => {
    const ds = await diagnosticsUntil(wrongUri, client.open(wrongUri, text, 'rtrace'), (d) => checksOf(d).length > 0);
    const perception = ds.find((d) => d.code === 'check/perception' && d.severity === DiagnosticSeverity.Warning);
    assert.ok(perception, JSON.stringify(checksOf(ds)));
    // Exactly the description (the checks may take its article in).
    assert.match(textOf(text, perception.range), new RegExp(`^(a )?${WRONG}$`));
    assert.equal(perception.source, 'reclens');
    assert.match(perception.message as string, /^p4 calls h3 "(a )?heavy metal guitar amplifier.*", but item B00SKIN004 is "Ceramide Daily Moisturizing Cream for Dry Skin"$/);
    assert.equal(perception.relatedInformation?.length, 1);
    const row = perception.relatedInformation![0];
    assert.equal(row.location.uri, uri(items));
    assert.equal(row.location.range.start.line, rowLine('B00SKIN004') - 1);
    assert.match(row.message, /^item B00SKIN004: title "Ceramide Daily Moisturizing Cream for Dry Skin"/);
    // The ground truth's cluster is reached by no step: a warning on the ground-truth line.
    const coverage = ds.find((d) => d.code === 'check/coverage' && d.severity === DiagnosticSeverity.Warning);
    assert.ok(coverage, JSON.stringify(checksOf(ds)));
    assert.equal(coverage.range.start.line, positionOf(text, '<|sid_begin|><s_a_5028><s_b_410><s_c_89><|sid_end|> bought').line);
    assert.match(coverage.message as string, /no step reaches/);
    // A partial match is a hint, never a warning; a consistent claim is nothing.
    const partly = checksOf(ds).filter((d) => d.severity === DiagnosticSeverity.Hint);
    assert.ok(partly.some((d) => d.range.start.line === positionOf(text, 'p3 h5').line), JSON.stringify(partly));
    assert.ok(!checksOf(ds).some((d) => d.range.start.line === positionOf(text, 'p2 h4').line), 'p2 describes its items right');
  });

  test('hover on a claim: the verdict, what the step says against what the table says, the item id and row', async () => {
    const md = hoverText(await hover(wrongUri, text, WRONG, 5));
    assert.match(md, /\*\*✗ contradicts\*\* · perception check · step `p4`/);
    assert.match(md, /\| the step says \| \*(a )?heavy metal guitar amplifier with two speakers\* \|/);
    assert.match(md, /\| the table says \| \*item B00SKIN004: title "Ceramide Daily Moisturizing Cream for Dry Skin".*\* — `items\.json:\d+` \|/);
    // A code inside a claim keeps its own hover after the claim's.
    const onCode = hoverText(await hover(wrongUri, text, '<s_a_2981><s_b_4><|sid_end|>: a wash', 2));
    assert.match(onCode, /check · step `p1`[\s\S]*---[\s\S]*Cluster prefix/);
  });

  test("hover on the header (`%rtrace`, `user:`): the trace's reasoning report", async () => {
    const md = hoverText(await hover(wrongUri, text, '%rtrace'));
    assert.match(md, /^\*\*Reasoning report\*\* · trace `demo\/beauty\/u1024`/);
    assert.match(md, /\| perception \| ⚠ 1\/3 consistent \(33%\), 1 partly, 1 contradicts \|/);
    assert.match(md, /\| ground truth \| ⚠ cluster not reached by any step \(5028\.410\) \|/);
    assert.match(md, /\| coverage \| 4\/4 history clusters mentioned \|/);
    assert.match(md, /\*\*Contradictions\*\*\n- `p4` p4 calls h3/);
    assert.equal(hoverText(await hover(wrongUri, text, 'user: u1024', 2)), md);
    assert.equal(await hover(wrongUri, text, 'model: OpenOneRec'), null, 'other header lines have no report');
  });

  test("hover on a dump sample's key: its metrics, then the checks of its generations", async () => {
    const dumpText = fs.readFileSync(dump, 'utf8');
    await client.open(uri(dump), dumpText, 'json');
    const md = hoverText(await hover(uri(dump), dumpText, '"u0002_curly_hair"', 3));
    assert.match(md, /^\*\*Sample u0002\\_curly\\_hair\*\*/);
    assert.match(md, /---\n\n\*\*Reasoning checks\*\* · sample `u0002_curly_hair`/);
    assert.match(md, /\| ground truth \| ⚠ cluster not reached in 1 of 2 \(50%\) traces \|/);
    assert.match(md, /\| `u0002_curly_hair\/1` \| 3\/3 consistent \(100%\) \|.*\| reached \|/);
    assert.match(md, /\| `u0002_curly_hair\/2` \|.*\| ⚠ not reached \|/);
    await client.closeDocument(uri(dump));
  });

  test('the graph of a checked trace: the contradicted step and the unreached ground truth marked, the summary in the payload', async () => {
    const g: TraceGraph = await client.connection.sendRequest(GraphRequest, { uri: wrongUri });
    const node = (id: string) => g.nodes.find((n) => n.id === id)!;
    assert.equal(node('p4').check?.contradicts, 1);
    assert.match(node('p4').check!.messages[0], /^✗ p4 calls h3/);
    assert.equal(node('p3').check?.partly, 1);
    assert.equal(node('p2').check, undefined);
    assert.equal(node('gt1').check?.unreached, true);
    assert.deepEqual(
      g.checks?.summary.map((r) => r.name),
      ['perception', 'claims', 'coverage', 'ground truth', 'recommendations'],
    );
    assert.equal(g.checks?.influence, false);
    assert.ok(g.edges.every((e) => e.weight === undefined), 'no influence report, no weights');
  });

  test('reclens.checks switches a check, or all, off', async () => {
    await client.setSettings({ ...settings, checks: { perception: false } });
    let ds = await diagnosticsUntil(wrongUri, client.nextDiagnostics(wrongUri), (d) => !checksOf(d).some((x) => x.code === 'check/perception') && checksOf(d).length > 0);
    assert.ok(checksOf(ds).some((d) => d.code === 'check/coverage'));
    await client.setSettings({ ...settings, checks: { enabled: false } });
    ds = await diagnosticsUntil(wrongUri, client.nextDiagnostics(wrongUri), (d) => checksOf(d).length === 0);
    assert.doesNotMatch(hoverText(await hover(wrongUri, text, WRONG, 5)), /contradicts/);
    assert.equal(await hover(wrongUri, text, '%rtrace'), null);
    await client.setSettings(settings);
    await diagnosticsUntil(wrongUri, client.nextDiagnostics(wrongUri), (d) => checksOf(d).length > 0);
    await client.closeDocument(wrongUri);
  });

  test('a big dump is checked only where the user looks: a hovered sample gets its claims published', async () => {
    // The demo dump's samples copied until the document is past the big-document threshold (1 MB).
    const parsed = JSON.parse(fs.readFileSync(dump, 'utf8')) as { samples: Record<string, unknown> };
    const samples: Record<string, unknown> = {};
    for (let i = 0; Object.keys(samples).length * 1600 < 1_100_000; i++) for (const [k, v] of Object.entries(parsed.samples)) samples[`${k}_${i}`] = v;
    const big = JSON.stringify({ ...parsed, samples }, null, 1);
    assert.ok(big.length > 1_000_000, `${big.length}`);
    const bigUri = uri(path.join(dir, 'big_generated.json'));
    const first = await client.open(bigUri, big, 'json');
    assert.equal(checksOf(first).length, 0, 'nothing checked up front');
    const key = '"u0002_curly_hair_3"';
    const republished = client.nextDiagnostics(bigUri);
    const md = hoverText(await hover(bigUri, big, key, 3));
    assert.match(md, /Reasoning checks\*\* · sample `u0002_curly_hair_3`/);
    const ds = await republished;
    const own = checksOf(ds);
    assert.ok(own.length > 0, 'the hovered sample has claims');
    const start = big.indexOf(key);
    const end = big.indexOf('"u0003_makeup_nothink_3"');
    const line = (p: number) => big.slice(0, p).split('\n').length - 1;
    assert.ok(own.every((d) => d.range.start.line >= line(start) && d.range.start.line <= line(end)), 'only the hovered sample is checked');
    await client.closeDocument(bigUri);
  });
});
