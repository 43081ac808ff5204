/**
 * Plain text, Markdown and logs: every code, and the reasoning in them. A
 * trace is each `<think>` block with the answer after it (up to the next
 * `<think>`, chat turn or blank-line paragraph break after codes), or — when
 * the text has no think tags but does have layer headings — the whole text.
 * Text with neither has codes only.
 */
import { CodeList } from '../items/code-list';
import { findCodes } from './codes';
import type { Analysis, AnalyzeContext } from './model';
import { drain, SLICE_CHARS, type Sliced } from './slices';
import { splitLayers } from './layers';
import { reasoning } from './reasoning';
import { promptMode } from './thinking';

/** Analyse plain text. */
export function analyzeText(text: string, ctx: AnalyzeContext): Analysis {
  return drain(textSlices(text, ctx));
}

/** `analyzeText` in slices (see slices.ts). */
export function* textSlices(text: string, ctx: AnalyzeContext): Sliced<Analysis> {
  const codes = new CodeList(ctx.grammar);
  // Slice at newlines so that no code is cut in two.
  for (let from = 0; from < text.length; ) {
    let to = text.indexOf('\n', Math.min(text.length, from + SLICE_CHARS));
    if (to < 0) to = text.length;
    findCodes(text, ctx.grammar, from, to, codes);
    from = to;
    if (from < text.length) yield;
  }
  const analysis: Analysis = { kind: 'text', codes, traces: [], outline: [], folds: [], problems: [] };
  const units = thinkUnits(text);
  if (units.length === 0 && splitLayers(text, 0, text.length, ctx.layers).blocks.some((b) => b.layer)) {
    // Layer headings without think tags: the whole text is one trace of thinking.
    units.push({ start: 0, end: text.length, wrap: true });
  }
  const mode = promptMode(text);
  units.forEach((u, i) => {
    // A headed document is read as thinking with no answer.
    const body = u.wrap ? `<think>${text.slice(u.start, u.end)}</think>` : text.slice(u.start, u.end);
    const shift = u.wrap ? u.start - '<think>'.length : u.start;
    const r = reasoning({ text: body, from: 0, to: body.length, toDoc: (o) => Math.max(u.start, Math.min(u.end, o + shift)), doc: text }, codes, ctx, []);
    const id = units.length === 1 ? 'trace' : `trace ${i + 1}`;
    analysis.traces.push({ id, span: { start: u.start, end: u.end }, mode: r.mode ?? mode, steps: r.steps, recommendations: r.recommendations });
    analysis.problems.push(...r.problems);
    analysis.outline.push({
      name: id,
      detail: r.mode,
      kind: 'trace',
      span: { start: u.start, end: u.end },
      selectionSpan: { start: u.start, end: Math.min(u.end, u.start + 7) },
      children: r.steps.map((s) => ({ name: `${s.id} ${s.layer}`, kind: 'step', span: s.span, selectionSpan: s.idSpan, children: [] })),
    });
    if (text.slice(u.start, u.end).includes('\n')) analysis.folds.push({ start: u.start, end: u.end });
  });
  return analysis;
}

/** The spans of `<think>` blocks with their answers. */
function thinkUnits(text: string): { start: number; end: number; wrap?: boolean }[] {
  const units: { start: number; end: number }[] = [];
  const stops = ['<think>', '<|im_start|>', '<|im_end|>', '\n\n\n'];
  for (let o = text.indexOf('<think>'); o !== -1; ) {
    const close = text.indexOf('</think>', o);
    const after = close < 0 ? o + 7 : close + 8;
    let end = text.length;
    for (const s of stops) {
      const at = text.indexOf(s, after);
      if (at >= 0 && at < end) end = at;
    }
    units.push({ start: o, end });
    o = text.indexOf('<think>', end);
  }
  return units;
}
