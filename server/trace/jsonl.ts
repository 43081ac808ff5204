/**
 * JSON Lines of chat records — `{"messages": [{"role", "content": [{"type":
 * "text", "text"}]}]}`, content as a plain string, `messages` as a JSON
 * string (the OpenOneRec Parquet export: `uuid, source, metadata, messages`)
 * — and any other JSON, of which only the codes and the syntax are read.
 *
 * One `TraceUnit` per record with messages: the user turns give the history
 * (`h1`…), the assistant turns the thinking steps and the recommendations.
 * The outline is record → messages (by role). A broken line is reported with
 * its line number and skipped; the other lines are still analysed.
 */
import { CodeList } from '../items/code-list';
import { JsonScanner, type JsonDoc, type JsonNode } from './json/scan';
import { decodedOf, member, spanOf, textOf } from './json/tree';
import { LineIndex } from './lines';
import type { Analysis, AnalyzeContext, OutlineNode, Step, TraceUnit } from './model';
import { drain, SLICE_CHARS, type Sliced } from './slices';
import { historyCodes, historySteps, reasoning, type Counters, type ModelText } from './reasoning';
import { promptMode } from './thinking';

const KEEP_DEPTH = 6; // record → messages → message → content → part → text

/** Analyse JSON Lines (or a single JSON document). */
export function analyzeJsonl(text: string, ctx: AnalyzeContext): Analysis {
  return drain(jsonlSlices(text, ctx));
}

/** Whether the text is JSON Lines: its first non-blank line is a complete JSON value and more lines follow. */
function isJsonLines(text: string, ctx: AnalyzeContext): boolean {
  let start = 0;
  while (start < text.length && /\s/.test(text[start])) start++;
  let end = text.indexOf('\n', start);
  if (end < 0) return false;
  if (text.charCodeAt(end - 1) === 13) end--;
  if (text.slice(end).trim() === '') return false;
  const scanner = new JsonScanner(text, start, end, { grammar: ctx.grammar, codes: new CodeList(ctx.grammar), keepDepth: 0 });
  scanner.run();
  return scanner.doc.problems.length === 0;
}

/** `analyzeJsonl` in slices (see slices.ts). */
export function* jsonlSlices(text: string, ctx: AnalyzeContext): Sliced<Analysis> {
  const codes = new CodeList(ctx.grammar);
  const analysis: Analysis = { kind: 'jsonl', codes, traces: [], outline: [], folds: [], problems: [] };
  const lines = new LineIndex(text);
  if (!isJsonLines(text, ctx)) {
    const scanner = new JsonScanner(text, 0, text.length, { grammar: ctx.grammar, codes, keepDepth: KEEP_DEPTH, nested: true, sequence: true });
    for (let limit = SLICE_CHARS; !scanner.run(limit); limit += SLICE_CHARS) yield;
    const doc = scanner.doc;
    for (const p of doc.problems) {
      analysis.problems.push({ span: p.span, severity: 'error', code: 'json/syntax', message: `line ${lines.lineOf(p.span.start)}: not valid JSON (${p.reason}); codes are still found in the rest of the file` });
    }
    // A single document: a record, or a list of records.
    const root = doc.values[0];
    const records = root?.kind === 'array' ? (root.children ?? []) : root ? [root] : [];
    records.forEach((r, i) => record(text, doc, r, records.length === 1 ? 'record' : `record ${i + 1}`, ctx, analysis, lines));
    return analysis;
  }
  let n = 0;
  for (let start = 0; start < text.length; ) {
    let next = text.indexOf('\n', start);
    if (next < 0) next = text.length;
    let end = next;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    n++;
    if (text.slice(start, end).trim() !== '') {
      const scanner = new JsonScanner(text, start, end, { grammar: ctx.grammar, codes, keepDepth: KEEP_DEPTH, nested: true });
      scanner.run();
      const doc = scanner.doc;
      if (doc.problems.length > 0) {
        const p = doc.problems[0];
        analysis.problems.push({ span: p.span.start === p.span.end ? { start, end } : p.span, severity: 'error', code: 'json/syntax', message: `line ${n}: not valid JSON (${p.reason}); this record is skipped, the rest of the file is still analysed` });
      } else if (doc.values[0]) record(text, doc, doc.values[0], `line ${n}`, ctx, analysis, lines);
    }
    start = next + 1;
    if (n % 256 === 0) yield;
  }
  return analysis;
}

/** The messages array of a record, in the document that holds it (itself, or the decoded `messages` string). */
function messagesOf(doc: JsonDoc, rec: JsonNode): { doc: JsonDoc; node: JsonNode } | undefined {
  const m = member(doc, rec, 'messages') ?? member(doc, rec, 'conversations');
  if (!m) return undefined;
  if (m.kind === 'array') return { doc, node: m };
  if (m.kind === 'string' && m.nested?.values[0]?.kind === 'array') return { doc: m.nested, node: m.nested.values[0] };
  return undefined;
}

/** The text parts of a message's content: a string, or `[{"type": "text", "text": …}]`. */
function textParts(doc: JsonDoc, content: JsonNode | undefined): JsonNode[] {
  if (!content) return [];
  if (content.kind === 'string') return [content];
  if (content.kind !== 'array') return [];
  const parts: JsonNode[] = [];
  for (const part of content.children ?? []) {
    if (part.kind === 'string') parts.push(part);
    const t = member(doc, part, 'text');
    if (t?.kind === 'string') parts.push(t);
  }
  return parts;
}

function record(text: string, doc: JsonDoc, rec: JsonNode, fallbackId: string, ctx: AnalyzeContext, analysis: Analysis, lines: LineIndex): void {
  if (rec.kind !== 'object') return;
  const codes = analysis.codes;
  const span = spanOf(doc, rec);
  const idNode = member(doc, rec, 'uuid') ?? member(doc, rec, 'id');
  const id = idNode?.kind === 'string' ? textOf(doc, idNode) : idNode ? doc.text.slice(idNode.start, idNode.end) : fallbackId;
  const source = member(doc, rec, 'source');
  const outline: OutlineNode = { name: id, detail: source?.kind === 'string' ? textOf(doc, source) : undefined, kind: 'sample', span, selectionSpan: idNode ? spanOf(doc, idNode) : { start: span.start, end: span.start + 1 }, children: [] };
  analysis.outline.push(outline);
  if (lines.multiline(span.start, span.end)) analysis.folds.push(span);
  const messages = messagesOf(doc, rec);
  if (!messages) return;

  const history: Step[] = [];
  const assistant: ModelText[] = [];
  let mode: ReturnType<typeof promptMode>;
  for (const msg of messages.node.children ?? []) {
    const mdoc = messages.doc;
    const roleNode = member(mdoc, msg, 'role') ?? member(mdoc, msg, 'from');
    const role = roleNode?.kind === 'string' ? textOf(mdoc, roleNode) : '?';
    const ms = spanOf(mdoc, msg);
    outline.children.push({ name: role, kind: 'section', span: ms, selectionSpan: roleNode ? spanOf(mdoc, roleNode) : ms, children: [] });
    for (const part of textParts(mdoc, member(mdoc, msg, 'content') ?? member(mdoc, msg, 'value'))) {
      const decoded = decodedOf(mdoc, part);
      if (role === 'assistant' || role === 'gpt') assistant.push({ text: decoded.text, from: 0, to: decoded.text.length, toDoc: decoded.toDoc, doc: text });
      else if (role !== 'system') {
        const ps = spanOf(mdoc, part);
        for (const h of historySteps(text, codes, codes.within(ps))) history.push({ ...h, id: `h${history.length + 1}` });
        mode = promptMode(decoded.text) ?? mode;
      }
    }
  }
  const fullCodes = historyCodes(codes, history);
  const unit: TraceUnit = { id, span, mode, steps: [...history], recommendations: [] };
  const counters: Counters = { p: 0, c: 0, r: 0, rank: 0 };
  for (const a of assistant) {
    const r = reasoning(a, codes, ctx, fullCodes, counters);
    unit.steps.push(...r.steps);
    unit.recommendations!.push(...r.recommendations);
    if (r.mode) unit.mode = r.mode;
    analysis.problems.push(...r.problems);
  }
  analysis.traces.push(unit);
}
