/**
 * Hover: what an itemic code names (item, collisions, cluster) and, on a
 * step, its chain of evidence. Returns Markdown and the span it covers.
 */
import { codeKey, formatCode, type CompiledGrammar } from '../items/grammar';
import type { ItemLookup, ItemRecord } from '../items/lookup';
import type { CodeMatch, Span } from '../items/types';
import type { Analysis, Step, TraceUnit } from '../trace/model';
import { codeAt, resolveLink, stepTargetAt } from './locate';
import { escapeMarkdown, inlineCode, shorten } from './markdown';
import { sampleHoverAt } from './sample-hover';

export interface HoverResult {
  span: Span;
  markdown: string;
}

export interface ItemEnv {
  grammar: CompiledGrammar;
  lookup: ItemLookup;
  /** Why the pool is empty although tables are configured (being indexed, failed, cancelled). */
  poolNote?: string;
}

const MAX_COLLISIONS = 8;
const MAX_CLUSTER_EXAMPLES = 5;

/** The hover at `offset`, or undefined when nothing there is worth a hover. */
export function hoverAt(analysis: Analysis, offset: number, env: ItemEnv): HoverResult | undefined {
  const code = codeAt(analysis.codes, offset);
  if (code) return { span: code.span, markdown: describeCode(code, env) };
  const target = stepTargetAt(analysis, offset);
  if (target) {
    const step = target.link ? resolveLink(target.trace, target.link.target) : target.step;
    const span = target.link ? target.link.span : target.step.idSpan;
    if (!step) return { span, markdown: `**${escapeMarkdown(target.link ? target.link.target : '')}** is not defined in this trace.` };
    return { span, markdown: describeStep(step, target.trace) };
  }
  return sampleHoverAt(analysis, offset);
}

/** Markdown describing a code: the items it names, or its cluster. */
export function describeCode(code: CodeMatch, env: ItemEnv): string {
  const { grammar, lookup } = env;
  const lines: string[] = [];
  const levelsText = code.levels.map((v, k) => `${String.fromCharCode(97 + k)}=${v}`).join(' · ');
  const domain = code.domain ? ` · domain **${escapeMarkdown(code.domain)}**` : '';
  if (code.bare !== undefined) lines.push(`**Itemic code** (bare number ${inlineCode(code.bare)})${domain}`);
  else if (code.kind === 'full') lines.push(`**Itemic code** ${levelsText}${domain}`);
  else lines.push(`**Cluster prefix** ${levelsText || '(no levels)'} — ${code.levels.length} of ${grammar.levelCount} levels${domain}`);

  for (const p of code.problems) lines.push(`⚠ ${escapeMarkdown(p.message)}`);

  if (lookup.size === 0) {
    lines.push(
      env.poolNote
        ? `${escapeMarkdown(env.poolNote)} Until then RecLens cannot say which item this is.`
        : 'No alignment table is loaded, so RecLens cannot say which item this is. Set `reclens.alignment.paths` to an item table (Parquet, OneRec-Think JSON, JSONL, CSV or TSV).',
    );
    return lines.join('\n\n');
  }

  if (code.bare !== undefined) {
    const item = lookup.byId(code.bare);
    lines.push(item ? itemBlock(item, grammar) : `No item with id ${inlineCode(code.bare)} in the item pool (${lookup.size} items).`);
    return lines.join('\n\n');
  }

  if (code.kind === 'full') {
    const items = lookup.exact(code.levels, code.domain);
    if (items.length === 0) {
      lines.push(`Not in the item pool (${lookup.size.toLocaleString('en')} items loaded).`);
      const near = nearestCluster(code.levels, code.domain, lookup);
      if (near) lines.push(`Nearest cluster ${inlineCode(codeKey(near.levels))}: ${near.count} items, e.g. ${near.example ? quoteTitle(near.example) : ''}`);
      return lines.join('\n\n');
    }
    lines.push(itemBlock(items[0], grammar));
    if (items.length > 1) {
      const others = items.slice(1, MAX_COLLISIONS + 1).map((i) => `- ${quoteTitle(i)} (${inlineCode(i.id)})`);
      const more = items.length - 1 - others.length;
      lines.push(`**${items.length} items share this code** (most popular first):\n${others.join('\n')}${more > 0 ? `\n- … and ${more} more` : ''}`);
    }
    return lines.join('\n\n');
  }

  if (code.levels.length === 0) return lines.join('\n\n');
  const cluster = lookup.prefix(code.levels, code.domain, MAX_CLUSTER_EXAMPLES);
  if (cluster.count === 0) lines.push(`No item in the pool starts with ${inlineCode(codeKey(code.levels))}.`);
  else {
    lines.push(`**${cluster.count.toLocaleString('en')} items** in this cluster, e.g.:`);
    lines.push(cluster.examples.map((i) => `- ${quoteTitle(i)} — ${inlineCode(formatCode(grammar, i.levels, { beginEnd: false }))}`).join('\n'));
  }
  return lines.join('\n\n');
}

function itemBlock(item: ItemRecord, grammar: CompiledGrammar): string {
  const out: string[] = [];
  out.push(`### ${escapeMarkdown(item.title ?? item.caption?.slice(0, 80) ?? item.id)}`);
  if (item.caption && item.caption !== item.title) out.push(escapeMarkdown(item.caption));
  const facts: string[] = [`id ${inlineCode(item.id)}`];
  if (item.categories) facts.push(`category ${escapeMarkdown(item.categories)}`);
  if (item.popularity !== undefined) facts.push(`popularity ${item.popularity}`);
  facts.push(inlineCode(formatCode(grammar, item.levels, { domain: item.domain })));
  out.push(facts.join(' · '));
  return out.join('\n\n');
}

function quoteTitle(item: ItemRecord): string {
  return `*${escapeMarkdown(shorten(item.title ?? item.caption ?? item.id, 60))}*`;
}

function nearestCluster(levels: number[], domain: string | undefined, lookup: ItemLookup): { levels: number[]; count: number; example?: ItemRecord } | undefined {
  for (let n = levels.length - 1; n >= 1; n--) {
    const prefix = levels.slice(0, n);
    const c = lookup.prefix(prefix, domain, 1);
    if (c.count > 0) return { levels: prefix, count: c.count, example: c.examples[0] };
  }
  return undefined;
}

/** Markdown for a step: its text and the chain of evidence behind it. */
export function describeStep(step: Step, trace: TraceUnit): string {
  const lines = [`**${escapeMarkdown(step.id)}** · ${escapeMarkdown(step.layer)} (${step.stage})`, escapeMarkdown(shorten(step.text, 400))];
  const chain = evidenceChain(step, trace);
  if (chain.length) lines.push(`**Evidence chain**\n${chain.join('\n')}`);
  return lines.join('\n\n');
}

/** Indented list of the steps a step rests on, depth-first, each step once (cycles are cut). */
function evidenceChain(step: Step, trace: TraceUnit, maxLines = 24): string[] {
  const out: string[] = [];
  const seen = new Set<string>([step.id]);
  const walk = (s: Step, depth: number): void => {
    for (const link of s.evidence) {
      if (out.length >= maxLines) return;
      const target = resolveLink(trace, link.target);
      const indent = '  '.repeat(depth);
      if (!target) {
        out.push(`${indent}- ${escapeMarkdown(link.target)} — *not defined*`);
        continue;
      }
      const again = seen.has(target.id);
      out.push(`${indent}- **${escapeMarkdown(target.id)}** ${escapeMarkdown(shorten(target.text, 80))}${again ? ' (see above)' : ''}`);
      if (!again) {
        seen.add(target.id);
        walk(target, depth + 1);
      }
    }
  };
  walk(step, 0);
  return out;
}
