/** Document life cycle through the language server: incremental edits, closing, tables changing on disk, settings, hostile documents. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type Diagnostic, type Hover, type MarkupContent, type Position, type Range, type ShowMessageParams } from 'vscode-languageserver-protocol/node';
import { StatusNotification, type StatusParams } from '../../protocol/messages';
import { positionOf, repoRoot, startClient, waitForStatus, type TestClient } from './client';

const lspFixtures = path.join(repoRoot, 'test', 'fixtures', 'lsp');
const hoverText = (h: Hover | null): string => (h ? (h.contents as MarkupContent).value : '');
const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);
const span = (line: number, start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });
const pos = (line: number, character: number): Position => ({ line, character });
const brief = (ds: Diagnostic[]): [unknown, number, number, number][] => ds.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]);

const PASTA = '<|sid_begin|><s_a_12><s_b_340><s_c_7><|sid_end|>';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reclens-docs-'));
}

/** Poll until `check` returns a value (the server answers asynchronously). */
async function waitFor<T>(what: string, check: () => T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const statuses = (client: TestClient): StatusParams[] => (client.notifications.get(StatusNotification.method) ?? []) as StatusParams[];
/** Messages shown to the user, as a notification or as a request (which may carry actions). */
const shownMessages = (client: TestClient): ShowMessageParams[] =>
  [...(client.notifications.get('window/showMessage') ?? []), ...(client.notifications.get('window/showMessageRequest') ?? [])] as ShowMessageParams[];
const hover = (client: TestClient, uri: string, position: Position): Promise<Hover | null> => client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });

describe('incremental edits and closing', () => {
  let client: TestClient;
  before(async () => {
    // Exact lists of the parser's and the pool's diagnostics: the reasoning checks are tested in checks.test.ts.
    client = await startClient({ rootPath: lspFixtures, settings: { alignment: { paths: ['items.json'] }, checks: { enabled: false } } });
    await waitForStatus(client);
  });
  after(() => client.close());

  const TEXT = ['%rtrace 1', 'user: u1', '', '[history]', `h1 ${PASTA}`, '', '[layer perception]', 'p1 Pasta. <- h9', ''].join('\n');

  test('ranged changes: a fix removes a diagnostic, a new error adds one, edits in one change apply in order', async () => {
    const uri = 'file:///tmp/reclens-incremental.rtrace';
    const opened = await client.open(uri, TEXT, 'rtrace');
    assert.deepEqual(brief(opened), [['step/dangling-evidence', 7, 13, 15]]);

    // Fix the link: replace only `h9`.
    assert.deepEqual(await client.changeRange(uri, [{ range: span(7, 13, 15), text: 'h1' }]), []);

    // A new step with a dangling link, inserted as its own line.
    const added = await client.changeRange(uri, [{ range: span(8, 0, 0), text: 'p2 Run. <- x7\n' }]);
    assert.deepEqual(brief(added), [['step/dangling-evidence', 8, 11, 13]]);
    assert.match(messageOf(added[0]), /^`x7` is not defined/);

    // Two edits in one notification: the second is in the coordinates left by the first.
    const shifted = await client.changeRange(uri, [
      { range: span(1, 0, 0), text: '# a comment line\n' },
      { range: span(9, 3, 6), text: 'Running' },
    ]);
    assert.deepEqual(brief(shifted), [['step/dangling-evidence', 9, 15, 17]]);

    // Non-ASCII text before the link moves it by UTF-16 code units (😀 is two).
    const wide = await client.changeRange(uri, [{ range: span(9, 3, 3), text: '猫😀 ' }]);
    assert.deepEqual(brief(wide), [['step/dangling-evidence', 9, 19, 21]]);

    // Deleting across lines (the comment and the user line).
    const deleted = await client.changeRange(uri, [{ range: { start: pos(1, 0), end: pos(3, 0) }, text: '' }]);
    assert.deepEqual(brief(deleted), [['step/dangling-evidence', 7, 19, 21]]);
    const onLink = await hover(client, uri, pos(7, 20));
    assert.equal(hoverText(onLink), '**x7** is not defined in this trace.');
    assert.deepEqual(onLink!.range, span(7, 19, 21));

    // A header error at the top, a second problem, sorted before the link.
    const both = await client.changeRange(uri, [{ range: span(0, 0, 0), text: 'bogus: 1\n' }]);
    assert.deepEqual(
      both.map((d) => [d.code, d.range.start.line]),
      [
        ['rtrace/unknown-header-key', 0],
        ['rtrace/missing-version', 0],
        ['rtrace/version', 1],
        ['step/dangling-evidence', 8],
      ],
    );
  });

  test('closing a document clears its diagnostics and its hovers', async () => {
    const uri = 'file:///tmp/reclens-close.rtrace';
    const opened = await client.open(uri, TEXT, 'rtrace');
    assert.equal(opened.length, 1);
    assert.deepEqual(await client.closeDocument(uri), []);
    assert.equal(await hover(client, uri, pos(7, 13)), null);
    // Reopening analyses it afresh.
    assert.deepEqual(brief(await client.open(uri, TEXT, 'rtrace')), [['step/dangling-evidence', 7, 13, 15]]);
  });
});

describe('an alignment table that changes on disk', () => {
  let dir: string;
  let client: TestClient;
  const table = (): string => path.join(dir, 'items.jsonl');
  const row = (id: string, c: number, title: string): string => JSON.stringify({ id, sid: `<|sid_begin|><s_a_1><s_b_2><s_c_${c}><|sid_end|>`, title });

  before(async () => {
    dir = tempDir();
    fs.writeFileSync(table(), `${row('a1', 3, 'Old title')}\n`);
    client = await startClient({ rootPath: dir, settings: { alignment: { paths: ['items.jsonl'] } } });
    await waitForStatus(client, (s) => s.items === 1);
  });
  after(async () => {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('hover and diagnostics follow the table without a settings change', async () => {
    const uri = pathToFileURL(path.join(dir, 'notes.md')).toString();
    const text = 'Seen <|sid_begin|><s_a_1><s_b_2><s_c_3><|sid_end|>, next <|sid_begin|><s_a_1><s_b_2><s_c_4><|sid_end|>.';
    const before = await client.open(uri, text, 'markdown');
    assert.deepEqual(
      before.map((d) => [d.code, d.range.start.character]),
      [['code/unknown', positionOf(text, '<|sid_begin|><s_a_1><s_b_2><s_c_4>').character]],
    );
    assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_c_3>', 2))), /### Old title/);

    const seen = statuses(client).length;
    const next = client.nextDiagnostics(uri);
    fs.writeFileSync(table(), `${row('a1', 3, 'New title')}\n${row('a2', 4, 'Second item')}\n`);
    assert.deepEqual(await next, [], 'the code that was unknown is now in the pool');
    const status = await waitForStatus(client, (s) => s.items === 2, seen);
    assert.deepEqual(status.tables, [table()]);
    assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_c_3>', 2))), /### New title/);
    assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_c_4>', 2))), /### Second item/);
  });
});

describe('settings', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a missing table path: a warning naming the path and the setting', async () => {
    const client = await startClient({ rootPath: dir, settings: { alignment: { paths: ['tables/missing.jsonl'] } } });
    try {
      const shown = await waitFor('a window/showMessage', () => shownMessages(client)[0]);
      assert.equal(shown.type, 2, 'a warning');
      assert.ok(shown.message.includes(path.join(dir, 'tables', 'missing.jsonl')), shown.message);
      assert.match(shown.message, /reclens\.alignment\.paths/);
      const status = await waitForStatus(client, () => true);
      assert.equal(status.items, 0);
      assert.equal(status.problems.length, 1);
    } finally {
      await client.close();
    }
  });

  test('a custom grammar: its codes are found, resolved and range-checked; preset spellings are not codes', async () => {
    fs.writeFileSync(path.join(dir, 'custom.jsonl'), `${JSON.stringify({ id: 'm1', sid: '<item><c1_5><c2_7></item>', title: 'Custom item' })}\n`);
    const custom = { name: 'mine', levels: ['<c1_{n}>', '<c2_{n}>'], codebookSize: [1024, 1024], begin: [{ token: '<item>' }], end: ['</item>'] };
    const client = await startClient({ rootPath: dir, settings: { itemicTokens: { preset: 'custom', custom }, alignment: { paths: ['custom.jsonl'] } } });
    try {
      const status = await waitForStatus(client, (s) => s.items === 1);
      assert.equal(status.grammar, 'mine');
      assert.deepEqual(shownMessages(client), []);
      const uri = 'file:///tmp/reclens-custom.txt';
      const text = `known <item><c1_5><c2_7></item> wide <item><c1_5><c2_2000></item> preset ${PASTA}`;
      const diagnostics = await client.open(uri, text, 'plaintext');
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['code/out-of-range'],
      );
      const wide = positionOf(text, '<c2_2000>');
      assert.equal(diagnostics[0].range.start.line, 0);
      assert.ok(diagnostics[0].range.start.character >= wide.character && diagnostics[0].range.end.character <= wide.character + '<c2_2000>'.length);
      assert.match(messageOf(diagnostics[0]), /1024/);
      const h = await hover(client, uri, positionOf(text, '<c1_5>', 2));
      assert.match(hoverText(h), /### Custom item/);
      assert.equal(text.slice(h!.range!.start.character, h!.range!.end.character), '<item><c1_5><c2_7></item>');
      assert.equal(await hover(client, uri, positionOf(text, '<s_b_340>', 2)), null, 'openonerec spelling is plain text under a custom grammar');
    } finally {
      await client.close();
    }
  });

  test('an invalid custom spec falls back to openonerec and says so', async () => {
    const client = await startClient({ rootPath: dir, settings: { itemicTokens: { preset: 'custom', custom: { name: 'broken', levels: [], codebookSize: 0 } } } });
    try {
      const shown = await waitFor('a window/showMessage', () => shownMessages(client)[0]);
      assert.equal(shown.type, 2);
      assert.match(shown.message, /reclens\.itemicTokens\.custom/);
      assert.match(shown.message, /using "openonerec"/);
      const status = await waitForStatus(client, () => true);
      assert.equal(status.grammar, 'openonerec');
      assert.ok(status.problems.some((p) => p.includes('reclens.itemicTokens.custom')));
      const uri = 'file:///tmp/reclens-fallback.txt';
      const text = `watch ${PASTA}`;
      await client.open(uri, text, 'plaintext');
      assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_b_340>', 2))), /a=12 · b=340 · c=7/);
    } finally {
      await client.close();
    }
  });

  test('preset "custom" without a custom spec falls back with a message', async () => {
    const client = await startClient({ rootPath: dir, settings: { itemicTokens: { preset: 'custom' } } });
    try {
      const shown = await waitFor('a window/showMessage', () => shownMessages(client)[0]);
      assert.match(shown.message, /reclens\.itemicTokens\.custom is not set; using "openonerec"/);
    } finally {
      await client.close();
    }
  });
});

describe('hostile documents', () => {
  let client: TestClient;
  before(async () => {
    client = await startClient({ rootPath: lspFixtures, settings: { alignment: { paths: ['items.json'] } } });
    await waitForStatus(client);
  });
  after(() => client.close());

  /** A small document still gets answers: the server has not died or wedged. */
  async function stillServes(): Promise<void> {
    assert.ok(client.alive(), 'the server process exited');
    const uri = `file:///tmp/reclens-alive-${Math.random().toString(36).slice(2)}.txt`;
    const text = `later ${PASTA}`;
    await client.open(uri, text);
    assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_b_340>', 2))), /Ten-minute tomato pasta/);
  }

  test('a 10 MB single line: diagnostics arrive and a hover deep inside it resolves', async () => {
    const uri = 'file:///tmp/reclens-huge.txt';
    const half = 5 * 1024 * 1024;
    const text = `${'x'.repeat(half)} ${PASTA} <|sid_begin|><s_a_1><s_b_2><s_c_99999><|sid_end|> ${'y'.repeat(half)}`;
    const diagnostics = await client.open(uri, text);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character > half]),
      [['code/out-of-range', 0, true]],
    );
    const h = await hover(client, uri, pos(0, half + 20));
    assert.match(hoverText(h), /Ten-minute tomato pasta/);
    assert.deepEqual(h!.range, span(0, half + 1, half + 1 + PASTA.length));
    await stillServes();
  });

  test('a 10 MB single-line .rtrace step', async () => {
    const uri = 'file:///tmp/reclens-huge.rtrace';
    const long = 'word '.repeat(2 * 1024 * 1024);
    const text = `%rtrace 1\n\n[history]\nh1 ${PASTA}\n\n[layer perception]\np1 ${long}<- h1, h7\n`;
    const diagnostics = await client.open(uri, text, 'rtrace');
    assert.deepEqual(brief(diagnostics), [['step/dangling-evidence', 6, 3 + long.length + 7, 3 + long.length + 9]]);
    const h = await hover(client, uri, pos(6, 3 + long.length + 3));
    assert.match(hoverText(h), /^\*\*h1\*\* · history/);
    await stillServes();
  });

  test('invalid UTF-8 bytes on the wire are read as U+FFFD and positions count them', async () => {
    const uri = 'file:///tmp/reclens-bytes.rtrace';
    const source = ['%rtrace 1', 'user: caf@B2@ @B1@', '', '[history]', `h1 ${PASTA} caf@B2@ note @B1@`, '', '[layer perception]', 'p1 Pasta @B1@ caf@B2@ <- h1, h9', ''].join('\n');
    const message = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'rtrace', version: 1, text: source } } });
    const bytes = Buffer.from(message, 'utf8');
    const parts: Buffer[] = [];
    let last = 0;
    for (const m of message.matchAll(/@B([12])@/g)) {
      const at = Buffer.byteLength(message.slice(0, m.index), 'utf8');
      parts.push(bytes.subarray(last, at), Buffer.from(m[1] === '1' ? [0xff, 0xfe] : [0xc3]));
      last = at + m[0].length;
    }
    parts.push(bytes.subarray(last));
    const body = Buffer.concat(parts);
    // What a UTF-8 decoder that replaces errors reads: each bad byte becomes U+FFFD.
    const seen = (JSON.parse(new TextDecoder('utf-8').decode(body)) as { params: { textDocument: { text: string } } }).params.textDocument.text;
    assert.equal(seen.split('\n')[7], 'p1 Pasta \uFFFD\uFFFD caf\uFFFD <- h1, h9');

    const next = client.nextDiagnostics(uri, 1);
    await client.writeRaw(body);
    const diagnostics = await next;
    const h9 = positionOf(seen, 'h9');
    assert.deepEqual(brief(diagnostics), [['step/dangling-evidence', h9.line, h9.character, h9.character + 2]]);
    const onLink = await hover(client, uri, positionOf(seen, '<- h1', 4));
    assert.match(hoverText(onLink), /^\*\*h1\*\* · history/);
    assert.match(hoverText(await hover(client, uri, positionOf(seen, '<s_b_340>', 2))), /Ten-minute tomato pasta/);
    await stillServes();
  });

  test('deeply nested JSON: balanced and unbalanced, codes around it still resolve', async () => {
    const depth = 100_000;
    const uri = 'file:///tmp/reclens-deep.json';
    const text = `{"samples": {"u1": {"prompt": "${PASTA}", "deep": ${'['.repeat(depth)}${']'.repeat(depth)}, "ground_truth": "<|sid_begin|><s_a_80><s_b_5><s_c_900><|sid_end|>"}}}`;
    const diagnostics = await client.open(uri, text, 'json');
    assert.deepEqual(diagnostics.filter((d) => d.severity === 1), []);
    assert.match(hoverText(await hover(client, uri, positionOf(text, '<s_b_5>', 2))), /Trail running in the rain/);

    const openUri = 'file:///tmp/reclens-deep-open.json';
    const unbalanced = `{"samples": {"u1": {"prompt": "${PASTA}", "deep": ${'[{"a": '.repeat(depth)}`;
    const problems = await client.open(openUri, unbalanced, 'json');
    assert.ok(problems.some((d) => d.severity === 1), `an unterminated document is an error: ${JSON.stringify(problems.slice(0, 3))}`);
    assert.match(hoverText(await hover(client, openUri, positionOf(unbalanced, '<s_b_340>', 2))), /Ten-minute tomato pasta/);
    await stillServes();
  });
});
