/**
 * Hover latency over a real LSP connection on a big benchmark dump: the
 * server is spawned, the dump opened, and hovers sent at code positions —
 * first while the document is still being analysed, then after. The
 * baseline is the same hover on a one-line document in the same run.
 */
import { performance } from 'node:perf_hooks';
import { HoverRequest } from 'vscode-languageserver-protocol/node';
import { defaultLayers } from '../protocol/layers';
import { resolveGrammar } from '../server/items/grammar';
import { emptyLookup } from '../server/items/memory-lookup';
import { hoverAt } from '../server/language/hover';
import { analyzeDocument } from '../server/trace/analyze';
import { startClient } from '../test/lsp/client';
import { generateDump } from './dump';

export interface HoverFigures {
  bytes: number;
  openToDiagnosticsMs: number;
  /** The first hover after didOpen waits for the server to receive and parse the whole document. */
  firstHoverMs: number;
  duringAnalysis: { n: number; p50: number; p99: number; max: number };
  after: { n: number; p50: number; p99: number };
  baseline: { p50: number; p99: number };
  /** The hover computation alone, in this process, on the analysed dump (no RPC). */
  inProcess: { p50: number; p99: number };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Offsets of up to `n` codes spread over the text (inside a level token). */
function codeOffsets(text: string, n: number): number[] {
  const offsets: number[] = [];
  const step = Math.floor(text.length / n);
  for (let at = 0; offsets.length < n && at < text.length; at += step) {
    const i = text.indexOf('<s_b_', at);
    if (i < 0) break;
    offsets.push(i + 2);
  }
  return offsets;
}

/** Positions (line, character) of the given offsets, which are in increasing order. */
function codePositions(text: string, offsets: number[]): { line: number; character: number }[] {
  const out: { line: number; character: number }[] = [];
  let line = 0;
  let lineStart = 0;
  let scanned = 0;
  for (const off of offsets) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < off; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
      scanned = i + 1;
    }
    out.push({ line, character: off - lineStart });
  }
  return out;
}

/** Run the hover benchmark on a dump of about `bytes` characters. */
export async function benchHover(bytes = 100_000_000, hovers = 2000): Promise<HoverFigures> {
  const text = generateDump(bytes);
  const offsets = codeOffsets(text, hovers);
  const positions = codePositions(text, offsets);
  const inProcess = hoverInProcess(text, offsets);
  const client = await startClient({ settings: {} });
  try {
    const hover = async (uri: string, position: { line: number; character: number }): Promise<number> => {
      const t0 = performance.now();
      const result = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      const dt = performance.now() - t0;
      if (!result) throw new Error(`no hover at ${uri}:${position.line}:${position.character}`);
      return dt;
    };

    const small = 'file:///bench/small.txt';
    await client.open(small, 'x <s_a_1><s_b_2><s_c_3>');
    const baseline: number[] = [];
    for (let i = 0; i < hovers; i++) baseline.push(await hover(small, { line: 0, character: 12 }));

    const uri = 'file:///bench/dump.json';
    const t0 = performance.now();
    const diagnostics = client.open(uri, text, 'json');
    let done = false;
    void diagnostics.then(() => (done = true));
    const firstHoverMs = await hover(uri, positions[0]);
    const during: number[] = [];
    for (let i = 1; !done && i < positions.length; i++) during.push(await hover(uri, positions[i]));
    await diagnostics;
    const openToDiagnosticsMs = performance.now() - t0;

    const after: number[] = [];
    for (const p of positions) after.push(await hover(uri, p));
    return {
      bytes: text.length,
      openToDiagnosticsMs,
      firstHoverMs,
      duringAnalysis: { n: during.length, p50: quantile(during, 0.5), p99: quantile(during, 0.99), max: Math.max(0, ...during) },
      after: { n: after.length, p50: quantile(after, 0.5), p99: quantile(after, 0.99) },
      baseline: { p50: quantile(baseline, 0.5), p99: quantile(baseline, 0.99) },
      inProcess,
    };
  } finally {
    await client.close();
  }
}

/** p50/p99 of `hoverAt` itself on the analysed dump. */
function hoverInProcess(text: string, offsets: number[]): { p50: number; p99: number } {
  const grammar = resolveGrammar('openonerec', null).grammar;
  const analysis = analyzeDocument(text, 'benchmark', { grammar, layers: defaultLayers });
  const env = { grammar, lookup: emptyLookup };
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const offset of offsets) {
      const t = performance.now();
      if (!hoverAt(analysis, offset, env)) throw new Error(`no hover at offset ${offset}`);
      times.push(performance.now() - t);
    }
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

if (require.main === module) {
  const mb = Number(process.argv[2] ?? 100);
  benchHover(mb * 1_000_000).then((f) => console.log(JSON.stringify(f, null, 2)));
}
