/**
 * The one way from thinking text to reasoning steps, used for every model
 * output RecLens reads or writes: a generation in a benchmark dump, a chat
 * record, and the thinking of an inference written as an `.rtrace`. The same
 * text therefore always gives the same steps, ids and evidence, and the same
 * graph. The rules are written out in docs/trace-format.md ("From thinking
 * text to steps"):
 *
 * - Blocks: `splitLayers` cuts the thinking at the layer scheme's headings.
 *   The heading (decoration, level, marker, closing marks) is dropped and
 *   the rest of its line is body text.
 * - Steps: in a block, a line starting with a bullet (`- `, `* `, `+ `,
 *   `• `, `1. `, `1) `, `1、`, `(1)`) opens a step, which indented lines
 *   continue; other lines form paragraph steps that run to a blank line or a
 *   bullet. Text before the first heading (or thinking with none) is one
 *   step of the generic layer `thinking` (stage cognition).
 * - Order and ids: blocks of one layer are merged, layers are ordered by
 *   stage (stable), and ids count per stage in that order (`p1`, `c1`,
 *   `r1`). Step text keeps the model's words, each line trimmed.
 * - Evidence, from the itemic codes and prefixes a step names (X ⊑ Y: X is
 *   Y or lies under it, level by level; domains must agree when both codes
 *   name one): every step cites the history items whose full code it names;
 *   a perception step also cites history items under a prefix it names; a
 *   cognition step, for each code X it names, cites the perception steps
 *   naming a code ⊑ X, or else the history items ⊑ X; a recommendation step
 *   cites the cognition steps naming a code ⊑ or ⊒ one it names. A cognition
 *   or recommendation step left without evidence cites every step of the
 *   nearest earlier stage that has steps. Evidence points only to earlier
 *   stages and history, so the graph is a forward DAG.
 * - Recommendations that continued this chain of thought cite the steps of
 *   its last stage whose named code they lie under, else all of them
 *   (`answerEvidence`).
 */
import { STAGE_LETTER, STAGE_RANK, UNHEADED_LAYER, type LayerSpec } from '../../protocol/layers';
import { scanCodes, type CompiledGrammar } from '../items/grammar';
import type { Span } from '../items/types';
import { splitLayers } from './layers';

/** A code or prefix named in text: its levels and the domain of its begin token. */
export interface NamedCode {
  levels: number[];
  domain?: string;
}

/** One reasoning step of a thinking text; spans are offsets into that text. */
export interface ThinkingStep {
  id: string;
  layer: LayerSpec;
  /** From the step's first character to its last (bullet and heading excluded). */
  span: Span;
  /** What names the step in the text: the heading's marker for a block's first step, else its first line (up to 40 characters). */
  idSpan: Span;
  /** The model's words, each line trimmed. */
  text: string;
  codes: NamedCode[];
  /** Cited step ids, then history ids (`h1`…). */
  evidence: string[];
}

export interface ThinkingSteps {
  steps: ThinkingStep[];
  /** Headings of an earlier stage written after a later stage's block. */
  outOfOrder: { marker: Span; layer: LayerSpec; after: LayerSpec }[];
}

const BULLET = /^(?:[-*+•·][ \t]+|\d{1,3}[.)][ \t]+|\d{1,3}[、．][ \t]*|[（(]\d{1,3}[)）][ \t]*)/;

/** The codes and prefixes written in a text (bare numbers and lone begin/end tokens name nothing). */
export function namedCodes(text: string, grammar: CompiledGrammar): NamedCode[] {
  return scanCodes(text, grammar)
    .filter((m) => m.levels.length > 0)
    .map((m) => (m.domain ? { levels: m.levels, domain: m.domain } : { levels: m.levels }));
}

/** Whether `x` is `y` or lies under it (`y` a prefix of `x`). */
export function under(x: NamedCode, y: NamedCode): boolean {
  if (x.domain && y.domain && x.domain !== y.domain) return false;
  return y.levels.length <= x.levels.length && y.levels.every((v, k) => x.levels[k] === v);
}

/**
 * The steps of `text[from, to)` under a layer scheme, with evidence to the
 * history (`history[i]` is the full code of `h<i+1>`, if it has one). Ids
 * continue after `used` ids of each stage letter (a trace with several
 * model outputs keeps its ids unique).
 */
export function thinkingSteps(
  text: string,
  from: number,
  to: number,
  layers: readonly LayerSpec[],
  grammar: CompiledGrammar,
  history: readonly (NamedCode | undefined)[],
  used: { readonly p?: number; readonly c?: number; readonly r?: number } = {},
): ThinkingSteps {
  const split = splitLayers(text, from, to, layers);
  const byLayer = new Map<LayerSpec, ThinkingStep[]>();
  for (const block of split.blocks) {
    const layer = block.layer ?? UNHEADED_LAYER;
    const list = byLayer.get(layer) ?? [];
    pieces(text, block.body, block.span.end, !block.layer).forEach((p, i) => {
      const idSpan = i === 0 && block.marker ? block.marker : firstLine(text, p.span);
      list.push({ id: '', layer, span: p.span, idSpan, text: p.text, codes: namedCodes(p.text, grammar), evidence: [] });
    });
    byLayer.set(layer, list);
  }
  const steps = [...byLayer.values()].flat().sort((a, b) => STAGE_RANK[a.layer.stage] - STAGE_RANK[b.layer.stage]);
  const counts: Record<string, number | undefined> = { ...used };
  for (const s of steps) {
    const letter = STAGE_LETTER[s.layer.stage];
    s.id = `${letter}${(counts[letter] = (counts[letter] ?? 0) + 1)}`;
  }
  linkEvidence(steps, history, grammar.levelCount);
  return { steps, outOfOrder: split.outOfOrder };
}

/** What a recommendation that continued this chain of thought cites: the steps of the last stage naming a code it lies under, else all of that stage. */
export function answerEvidence(steps: readonly ThinkingStep[], code: NamedCode | undefined): string[] {
  if (steps.length === 0) return [];
  const last = Math.max(...steps.map((s) => STAGE_RANK[s.layer.stage]));
  const candidates = steps.filter((s) => STAGE_RANK[s.layer.stage] === last);
  const named = code && code.levels.length > 0 ? candidates.filter((s) => s.codes.some((y) => under(code, y))) : [];
  return (named.length > 0 ? named : candidates).map((s) => s.id);
}

function firstLine(text: string, span: Span): Span {
  const eol = text.indexOf('\n', span.start);
  return { start: span.start, end: Math.min(eol < 0 || eol > span.end ? span.end : eol, span.start + 40) };
}

/** The step texts of `text[from, to)`: bullet items and paragraphs, or everything as one when `whole`. */
function pieces(text: string, from: number, to: number, whole: boolean): { span: Span; text: string }[] {
  const out: { span: Span; text: string }[] = [];
  let current: { span: Span; lines: string[]; bullet: boolean } | undefined;
  const close = (): void => {
    if (current && current.lines.length > 0) out.push({ span: current.span, text: current.lines.join('\n') });
    current = undefined;
  };
  for (let p = from; p < to; ) {
    let eol = text.indexOf('\n', p);
    if (eol < 0 || eol > to) eol = to;
    const line = text.slice(p, eol);
    const lead = line.length - line.trimStart().length;
    const bullet = whole ? null : BULLET.exec(line.slice(lead));
    const start = p + lead + (bullet?.[0].length ?? 0);
    const content = text.slice(start, eol).trim();
    const end = start + text.slice(start, eol).trimEnd().length;
    if (content === '') {
      if (!whole) close();
    } else if (bullet || !current || (current.bullet && lead === 0)) {
      close();
      current = { span: { start, end }, lines: [content], bullet: bullet !== null };
    } else {
      current.lines.push(content);
      current.span.end = end;
    }
    p = eol + 1;
  }
  close();
  return out;
}

/** Fill in each step's evidence by the rules in the module comment. */
function linkEvidence(steps: ThinkingStep[], history: readonly (NamedCode | undefined)[], levelCount: number): void {
  const rank = (s: ThinkingStep): number => STAGE_RANK[s.layer.stage];
  const hIds = (test: (c: NamedCode) => boolean): string[] => history.flatMap((h, i) => (h && test(h) ? [`h${i + 1}`] : []));
  const order = new Map(steps.map((s, i) => [s.id, i]));
  for (const d of steps) {
    const stage = d.layer.stage;
    const cited: string[] = [];
    const items: string[] = [];
    for (const x of d.codes) {
      if (x.levels.length === levelCount || stage === 'perception') items.push(...hIds((c) => under(c, x)));
      if (stage === 'cognition') {
        const perceived = steps.filter((p) => p.layer.stage === 'perception' && p.codes.some((c) => under(c, x)));
        if (perceived.length > 0) cited.push(...perceived.map((p) => p.id));
        else items.push(...hIds((c) => under(c, x)));
      } else if (stage === 'recommendation') {
        cited.push(...steps.filter((c) => c.layer.stage === 'cognition' && c.codes.some((y) => under(y, x) || under(x, y))).map((c) => c.id));
      }
    }
    if (stage !== 'perception' && cited.length === 0 && items.length === 0) {
      // Keep the graph connected: lean on the whole nearest earlier stage.
      for (let s = rank(d) - 1; s >= STAGE_RANK.perception && cited.length === 0; s--) cited.push(...steps.filter((e) => rank(e) === s).map((e) => e.id));
    }
    const uniqueSteps = [...new Set(cited)].sort((a, b) => order.get(a)! - order.get(b)!);
    const uniqueItems = [...new Set(items)].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    d.evidence = [...uniqueSteps, ...uniqueItems];
  }
}
