/**
 * Splits free-text thinking into layer blocks at the headings of the layer
 * scheme (`LayerSpec.markers`), in every form models write them:
 * `Perception:`, `R0 Perception:`, `## Persona`, `**Interest expansion**`,
 * `**Persona:** the user…`, `- Transition inference:`, `1. 用户画像：`,
 * `一、兴趣扩展`, `（2）兴趣扩展：`, `第三步：转移推断`, `【推导】`,
 * `Persona (用户画像):`. A heading counts only at a line start and only when
 * it looks like one — decorated (markdown heading, bold, bracket, bullet,
 * list number), or followed by a colon-like mark or the end of the line — so
 * that a sentence starting with "Perception of …" is not cut. A capability
 * level (`R0`–`R3`, `L0`–`L3`) before the heading word is part of the
 * heading. Text without any heading stays one block.
 */
import { STAGE_RANK, type LayerSpec } from '../../protocol/layers';
import type { Span } from '../items/types';

/** One block of thinking text. `layer` is absent for text before the first heading (or with none). */
export interface LayerBlock {
  layer?: LayerSpec;
  /** From the heading's line start (or `from`) to the next heading. */
  span: Span;
  /** The marker word as written. */
  marker?: Span;
  /** Where the block's body starts: after the heading and its closing marks (the heading line's rest is body text). */
  body: number;
}

export interface LayerSplit {
  blocks: LayerBlock[];
  /** Headings of an earlier stage written after a later stage's block. */
  outOfOrder: { marker: Span; layer: LayerSpec; after: LayerSpec }[];
}

interface Compiled {
  re: RegExp;
  byMarker: Map<string, LayerSpec>;
}

const cache = new WeakMap<readonly LayerSpec[], Compiled>();

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const CN_NUM = '[一二三四五六七八九十]{1,3}';
/** Group 1: decoration — markdown heading, quote, bullet, bold, bracket, a list or step number. */
const DECORATION =
  '((?:#{1,6}[ \\t]*)?(?:>[ \\t]*)?(?:[-*+•·][ \\t]+)?(?:\\*\\*|__)?[ \\t]*(?:【|\\[|〖)?[ \\t]*' +
  `(?:(?:step|layer|stage|part)[ \\t]*\\d{1,2}[ \\t]*[.):：、\\-—–]?[ \\t]*|第(?:${CN_NUM}|\\d{1,2})(?:步|层|阶段|部分)[ \\t]*[:：、.]?[ \\t]*|[（(](?:${CN_NUM}|\\d{1,2})[)）][ \\t]*|${CN_NUM}[、.．][ \\t]*|\\d{1,2}[.)、:：．][ \\t]*)?)`;
/** Group 2: a capability level before the heading word (`R0 `, `L2:`). */
const LEVEL = '((?:R|L)\\d[ \\t]*[.:：\\-—–]?[ \\t]*)?';
/** Group 4: what may follow the heading word on its line — a parenthesis, closing marks, a colon-like mark. */
const TAIL = '([ \\t]*(?:[（(][^)）\\n]{1,24}[)）])?[ \\t]*(?:\\*\\*|__|】|\\]|〗|\\))?[ \\t]*(?:[:：;；\\-—–])?[ \\t]*(?:\\*\\*|__)?)';

function compile(layers: readonly LayerSpec[]): Compiled | undefined {
  const hit = cache.get(layers);
  if (hit) return hit;
  const byMarker = new Map<string, LayerSpec>();
  // The first layer to claim a marker keeps it: a scheme's own layers come before the generic ones.
  for (const layer of layers) for (const m of layer.markers ?? []) if (m.trim() && !byMarker.has(m.trim().toLowerCase())) byMarker.set(m.trim().toLowerCase(), layer);
  if (byMarker.size === 0) return undefined;
  const alt = [...byMarker.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  // Group 3: the marker, not followed by more of a word.
  const re = new RegExp(`[ \\t]*${DECORATION}${LEVEL}(${alt})(?![A-Za-z0-9_])${TAIL}`, 'iy');
  const compiled = { re, byMarker };
  cache.set(layers, compiled);
  return compiled;
}

/** The heading at the line starting at `p` (ending at `eol`), if the line is a layer heading. */
function headingAt(c: Compiled, text: string, p: number, eol: number): { layer: LayerSpec; marker: Span; body: number } | undefined {
  c.re.lastIndex = p;
  const m = c.re.exec(text);
  if (!m) return undefined;
  const end = p + m[0].length;
  if (end > eol) return undefined;
  const decorated = m[1].trim().length > 0;
  // Undecorated words need a colon-like mark or nothing else on the line to be a heading.
  const terminated = /[:：;；\-—–]\s*(?:\*\*|__)?\s*$/.test(m[4]) || text.slice(end, eol).trim() === '';
  if (!decorated && !terminated) return undefined;
  const markerStart = p + m[0].length - m[4].length - m[3].length;
  const layer = c.byMarker.get(m[3].toLowerCase());
  return layer ? { layer, marker: { start: markerStart, end: markerStart + m[3].length }, body: end } : undefined;
}

/** Split `text[from, to)` into layer blocks. */
export function splitLayers(text: string, from: number, to: number, layers: readonly LayerSpec[]): LayerSplit {
  const c = compile(layers);
  const blocks: LayerBlock[] = [];
  const outOfOrder: LayerSplit['outOfOrder'] = [];
  let current: LayerBlock = { span: { start: from, end: to }, body: from };
  let latest: LayerSpec | undefined; // the block of the latest stage so far
  if (c) {
    for (let p = from; p < to; ) {
      let eol = text.indexOf('\n', p);
      if (eol < 0 || eol > to) eol = to;
      const h = headingAt(c, text, p, eol);
      if (h) {
        current.span.end = p;
        blocks.push(current);
        current = { layer: h.layer, span: { start: p, end: to }, marker: h.marker, body: h.body };
        if (latest && STAGE_RANK[h.layer.stage] < STAGE_RANK[latest.stage]) outOfOrder.push({ marker: h.marker, layer: h.layer, after: latest });
        if (!latest || STAGE_RANK[h.layer.stage] >= STAGE_RANK[latest.stage]) latest = h.layer;
      }
      p = eol + 1;
    }
  }
  blocks.push(current);
  // Drop a blank preamble before the first heading.
  const kept = blocks.filter((b) => b.layer || text.slice(b.span.start, b.span.end).trim() !== '');
  return { blocks: kept.length > 0 ? kept : [blocks[blocks.length - 1]], outOfOrder };
}
