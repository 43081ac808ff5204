/**
 * What the influence analysis needs from an `.rtrace`, as plain data (it
 * crosses the worker's IPC channel): the exact stage texts the engine fed
 * (`[raw prompt]`, `[raw code]`, `[raw thinking-1]`; in race mode their
 * `-thinking` forms), or — for a trace that has only `[raw output]` — the
 * think block and code opening found in the output; the steps of the
 * thinking with their spans in it, split by the same rules that wrote the
 * trace's layers (server/trace/steps.ts); the history codes; the top
 * recommendations and the ground truth. Pure.
 */
import { LAYER_SCHEMES } from '../../protocol/layers';
import type { InferenceMode } from '../../protocol/inference';
import type { CompiledGrammar } from '../items/grammar';
import type { Span } from '../items/types';
import type { AnalyzeContext } from '../trace/model';
import { traceLayers } from '../trace/rtrace/layers';
import { parseRtraceSyntax } from '../trace/rtrace/syntax';
import { traceValueOf, type TraceValue } from '../trace/rtrace/value';
import { namedCodes, thinkingSteps, type NamedCode } from '../trace/steps';

/** The trace cannot be analysed, with what to do about it. */
export class InfluenceError extends Error {}

/** An item of the trace (history or target) with its code read. */
export interface SourceItem {
  /** `h3` for a history item; the rank (`#2`) or `truth` for a target. */
  id: string;
  /** The code as written in the trace. */
  item: string;
  levels: number[];
  domain?: string;
}

export interface InfluenceSource {
  /** The trace's id: its `sample:` header, else its user. */
  traceId: string;
  user?: string;
  /** The `model:` header (the folder the engine ran, for engine-written traces). */
  model?: string;
  mode?: InferenceMode;
  /** The `domain:` header: the domain whose begin token opened the code stage. */
  domain?: string;
  /** The thinking stage's prompt and the code stage's opening, exactly as fed; absent when the trace does not keep them (they are then rebuilt). */
  prompt?: string;
  code?: string;
  /** What the model wrote itself before the reasoning (`<think>\n`), '' when the prompt opened the thinking. */
  opening: string;
  /** The generated thinking after `opening`, up to (not including) `</think>`. */
  thinking: string;
  /** Where the thinking came from, for messages: `[raw thinking-1]` or `[raw output]`. */
  thinkingFrom: string;
  /** The steps of `thinking`, spans into it (bullet and heading excluded, as `thinkingSteps` gives them). */
  steps: { id: string; text: string; span: Span }[];
  history: SourceItem[];
  /** The recommendations best first (all of them; the analysis takes the top ones) with their recorded log-probability. */
  recommendations: (SourceItem & { recorded?: number })[];
  groundTruth: SourceItem[];
  /** What the reader should know (steps that differ from the trace's layers, …). */
  notes: string[];
}

const OPENING = /^\s*<think>[ \t]*(?:\r?\n)*/;
const THINK_END = '</think>';

/** The raw block of the first label present. */
function rawBlock(value: TraceValue, ...labels: string[]): string | undefined {
  for (const label of labels) {
    const found = value.raw.find((r) => r.label === label);
    if (found) return found.text;
  }
  return undefined;
}

function item(id: string, text: string, grammar: CompiledGrammar): SourceItem | undefined {
  const code: NamedCode | undefined = namedCodes(text, grammar).find((c) => c.levels.length === grammar.levelCount);
  if (!code) return undefined;
  return code.domain ? { id, item: text, levels: code.levels, domain: code.domain } : { id, item: text, levels: code.levels };
}

/** The source of the influence analysis of an `.rtrace` document; throws `InfluenceError` when it has no thinking to analyse. */
export function influenceSource(text: string, ctx: AnalyzeContext, file = 'the trace'): InfluenceSource {
  const tree = parseRtraceSyntax(text);
  const value = traceValueOf(tree);
  const h = value.header;
  if (value.version === 0 && value.raw.length === 0 && value.layers.length === 0) throw new InfluenceError(`${file} is not an .rtrace trace (no "%rtrace 1" line): write one with \`reclens infer\``);
  if (h.mode === 'non-thinking') throw new InfluenceError(`${file} is a non-thinking trace: it has no chain of thought whose influence could be measured; run the user in thinking mode (\`reclens infer --mode thinking\`)`);
  const notes: string[] = [];
  const prompt = rawBlock(value, 'prompt-thinking', 'prompt');
  let code = rawBlock(value, 'code-thinking', 'code');
  let whole = rawBlock(value, 'thinking-1');
  let thinkingFrom = '[raw thinking-1]';
  if (whole === undefined) {
    // A trace written by hand or by another tool: the think block of its output.
    const output = rawBlock(value, 'output') ?? value.raw.find((r) => r.label === undefined)?.text;
    const end = output?.indexOf(THINK_END) ?? -1;
    if (output !== undefined && end >= 0) {
      whole = output.slice(0, end);
      thinkingFrom = '[raw output]';
      // The code stage's opening as the output wrote it: `</think>`, the blanks after it and the first begin token, if any.
      const after = /^<\/think>\s*(<\|[^|<>]*_begin\|>)?/.exec(output.slice(end));
      if (code === undefined && after?.[1]) code = after[0];
    }
  }
  if (whole === undefined || whole.replace(OPENING, '').trim() === '') {
    throw new InfluenceError(`${file} has no chain of thought: influence needs the thinking text the model read, in \`[raw thinking-1 <<END]\` (engine-written traces) or a \`<think>…</think>\` block in \`[raw output <<END]\``);
  }
  const opening = OPENING.exec(whole)?.[0] ?? '';
  const thinking = whole.slice(opening.length);
  const history = value.history.map((x) => item(x.id, x.item, ctx.grammar)).filter((x): x is SourceItem => x !== undefined);
  const codes = history.map((x) => ({ levels: x.levels, domain: x.domain }));
  const layers = traceLayers(tree, ctx, []);
  const steps = thinkingSteps(thinking, 0, thinking.length, layers, ctx.grammar, codes).steps.map((s) => ({ id: s.id, text: s.text, span: s.span }));
  const written = new Map(value.layers.flatMap((l) => l.steps.map((s) => [s.id, s.text] as const)));
  if (written.size > 0 && steps.some((s) => written.get(s.id) !== s.text)) {
    notes.push(`the steps of ${thinkingFrom} differ from the trace's layer sections (edited, or written by another tool): steps are those of ${thinkingFrom}, split by the layer headings`);
  }
  const recommendations = [...value.recommendations]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => {
      const x = item(`#${r.rank}`, r.item, ctx.grammar);
      return x && (r.score !== undefined ? { ...x, recorded: r.score } : x);
    })
    .filter((x): x is SourceItem & { recorded?: number } => x !== undefined);
  const groundTruth = value.groundTruth.map((g) => item('truth', g.item, ctx.grammar)).filter((x): x is SourceItem => x !== undefined);
  const source: InfluenceSource = {
    traceId: h.sample ?? h.user ?? file,
    opening,
    thinking,
    thinkingFrom,
    steps,
    history,
    recommendations,
    groundTruth,
    notes,
  };
  if (h.user) source.user = h.user;
  if (h.model) source.model = h.model;
  if (h.mode) source.mode = h.mode;
  if (h.domain) source.domain = h.domain;
  if (prompt !== undefined && code !== undefined) Object.assign(source, { prompt, code });
  else if (prompt !== undefined || code !== undefined) {
    notes.push(`the trace keeps ${prompt !== undefined ? '[raw prompt] but not [raw code]' : '[raw code] but not [raw prompt]'}: both are rebuilt from the history and reclens.inference.promptTemplate`);
  }
  if (h.layers && !(LAYER_SCHEMES as readonly string[]).includes(h.layers)) notes.push(`unknown layer scheme "${h.layers}": steps split by the configured layers`);
  return source;
}
