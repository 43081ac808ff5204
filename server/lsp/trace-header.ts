/**
 * `reclens/traceHeader`: the header of an `.rtrace` document as the
 * server's own parser reads it (server/trace/rtrace/), with its problems and
 * what "Run again" takes from it. Clients (code lenses, Run This Trace
 * Again) ask here instead of parsing traces themselves.
 */
import { ResponseError, type Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { decodingSpecs, inRange, type DecodeOverrides } from '../../protocol/inference';
import { TraceHeaderRequest, type TraceHeader, type TraceHeaderResult } from '../../protocol/messages';
import { formatProblem } from '../items/sources/problems';
import { detectKind } from '../trace/analyze';
import { parseRtraceSyntax, traceValueOf } from '../trace/rtrace';
import { nameOf, readDocument } from './read-document';

/** Answer `reclens/traceHeader` for documents open in the client or on disk. */
export function registerTraceHeader(connection: Connection, document: (uri: string) => TextDocument | undefined): void {
  connection.onRequest(TraceHeaderRequest, async (params) => {
    const { doc } = await readDocument(params?.uri, document);
    const text = doc.getText();
    const kind = detectKind(doc.uri, doc.languageId, text);
    if (kind !== 'rtrace') throw new ResponseError(1, `${nameOf(doc.uri)} is not an .rtrace trace (it reads as ${kind}): only .rtrace documents have a header`);
    return readTraceHeader(text, nameOf(doc.uri));
  });
}

/** The header of `.rtrace` text: its version, fields, problems (`name:line: …`) and the overrides that run it again. Pure. */
export function readTraceHeader(text: string, name: string): TraceHeaderResult {
  const tree = parseRtraceSyntax(text);
  // The header is everything before the first section; later problems belong to the body.
  const end = tree.sections[0]?.head.start ?? text.length;
  const problems = tree.problems.filter((p) => p.span.start < end).map((p) => formatProblem({ path: name, line: lineOf(text, p.span.start), message: p.message }));
  let version: number | undefined;
  for (const n of tree.prologue) if (n.kind === 'version') version = n.version;
  const header = traceValueOf(tree).header;
  return { ...(version !== undefined && { version }), header, overrides: rerunOverrides(header), problems };
}

/**
 * The mode, domain and decoding settings a trace was made with, as
 * `reclens/infer` overrides: each `decoding:` key read back through the table the trace
 * writer uses (`decodingSpecs[…].trace`); values out of a setting's range
 * are left to the current settings.
 */
export function rerunOverrides(header: TraceHeader): DecodeOverrides {
  const overrides: Record<string, unknown> = {};
  if (header.mode) overrides.mode = header.mode;
  // The domain the trace's code stage used (its begin token); the run checks the tokenizer has it.
  if (header.domain && inRange(decodingSpecs.domain, header.domain)) overrides.domain = header.domain;
  for (const [key, spec] of Object.entries(decodingSpecs)) {
    const value = spec.trace === undefined ? undefined : header.decoding?.[spec.trace];
    if (value !== undefined && inRange(spec, value)) overrides[key] = value;
  }
  // Every value was checked against its setting's spec above.
  return overrides as DecodeOverrides;
}

/** The 1-based line of an offset. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
