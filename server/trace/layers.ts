/**
 * Splits free-text thinking into layer blocks at the configured heading
 * markers (`LayerSpec.markers`): `## Perception`, `**R1 Derivation**`,
 * `Perception:`, `1. Perception`, `感知：`, `【推导】`, `预测分析；`. A marker
 * counts only at a line start and only when it looks like a heading
 * (decorated, or followed by a colon / the end of the line), so that a
 * sentence starting with "Perception of …" is not cut. Text without any
 * marker stays one block.
 */
import type { LayerSpec } from '../../protocol/settings';
import type { Span } from '../items/types';
import type { Stage } from './model';

/** One block of thinking text. `layer` is absent for text before the first marker (or with none). */
export interface LayerBlock {
  layer?: LayerSpec;
  span: Span;
  /** The marker word as written. */
  marker?: Span;
}

export interface LayerSplit {
  blocks: LayerBlock[];
  /** Markers of an earlier stage written after a later stage's block. */
  outOfOrder: { marker: Span; layer: LayerSpec; after: LayerSpec }[];
}

const stageRank: Record<Stage, number> = { perception: 0, cognition: 1, recommendation: 2 };

interface Compiled {
  re: RegExp;
  byMarker: Map<string, LayerSpec>;
}

const cache = new WeakMap<LayerSpec[], Compiled>();

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function compile(layers: LayerSpec[]): Compiled | undefined {
  const hit = cache.get(layers);
  if (hit) return hit;
  const byMarker = new Map<string, LayerSpec>();
  for (const layer of layers) for (const m of layer.markers ?? []) if (m.trim()) byMarker.set(m.trim().toLowerCase(), layer);
  if (byMarker.size === 0) return undefined;
  const alt = [...byMarker.keys()].sort((a, b) => b.length - a.length).map(escapeRe).join('|');
  // Group 1: decoration (heading, bold, bracket, list number); group 2: the marker; group 3: what follows it.
  const re = new RegExp(
    `[ \\t]*((?:#{1,6}[ \\t]*)?(?:>[ \\t]*)?(?:[-*+][ \\t]+)?(?:\\*\\*|__)?[ \\t]*(?:【|\\[)?[ \\t]*(?:(?:step[ \\t]*)?\\d{1,2}[.)、:：][ \\t]*)?)(${alt})(?![A-Za-z0-9_])([ \\t]*(?:\\*\\*|__|】|\\]|\\))?[ \\t]*(?:[:：;；\\-—–])?)`,
    'iy',
  );
  const compiled = { re, byMarker };
  cache.set(layers, compiled);
  return compiled;
}

/** The heading marker at the line starting at `p` (ending at `eol`), if the line is a layer heading. */
function headingAt(c: Compiled, text: string, p: number, eol: number): { layer: LayerSpec; marker: Span } | undefined {
  c.re.lastIndex = p;
  const m = c.re.exec(text);
  if (!m) return undefined;
  const decorated = m[1].trim().length > 0;
  const tail = m[3];
  const end = p + m[0].length;
  // Undecorated words need a colon-like tail or the end of the line to be a heading.
  const terminated = /[:：;；\-—–]\s*$/.test(tail) || end >= eol || text.slice(end, eol).trim() === '';
  if (!decorated && !terminated) return undefined;
  const markerStart = p + m[0].indexOf(m[2], m[1].length);
  const layer = c.byMarker.get(m[2].toLowerCase());
  return layer ? { layer, marker: { start: markerStart, end: markerStart + m[2].length } } : undefined;
}

/** Split `text[from, to)` into layer blocks. */
export function splitLayers(text: string, from: number, to: number, layers: LayerSpec[]): LayerSplit {
  const c = compile(layers);
  const blocks: LayerBlock[] = [];
  const outOfOrder: LayerSplit['outOfOrder'] = [];
  let current: LayerBlock = { span: { start: from, end: to } };
  let latest: LayerSpec | undefined; // the block of the latest stage so far
  if (c) {
    for (let p = from; p < to; ) {
      let eol = text.indexOf('\n', p);
      if (eol < 0 || eol > to) eol = to;
      const h = headingAt(c, text, p, eol);
      if (h) {
        current.span.end = p;
        blocks.push(current);
        current = { layer: h.layer, span: { start: p, end: to }, marker: h.marker };
        if (latest && stageRank[h.layer.stage] < stageRank[latest.stage]) outOfOrder.push({ marker: h.marker, layer: h.layer, after: latest });
        if (!latest || stageRank[h.layer.stage] >= stageRank[latest.stage]) latest = h.layer;
      }
      p = eol + 1;
    }
  }
  blocks.push(current);
  // Drop a blank preamble before the first heading.
  const kept = blocks.filter((b) => b.layer || text.slice(b.span.start, b.span.end).trim() !== '');
  return { blocks: kept.length > 0 ? kept : [blocks[blocks.length - 1]], outOfOrder };
}
