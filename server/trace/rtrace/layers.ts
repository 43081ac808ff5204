/**
 * Resolving `[layer NAME]` sections against a layer scheme and checking
 * that sections come in stage order.
 *
 * Which scheme: the one the trace names in its `layers:` header, else the
 * configured one (`reclens.layerScheme`). A name neither knows is looked up
 * in the other presets before it is reported, so traces written before
 * layer schemes existed (the four-layer `r0-r3` names) keep opening as
 * they did.
 */
import { GENERIC_LAYERS, LAYER_SCHEMES, PRESET_LAYERS, schemeLayers, STAGE_RANK, STAGES, withGenericLayers, type LayerSchemeName, type LayerSpec } from '../../../protocol/layers';
import type { AnalyzeContext, Problem } from '../model';
import { listNames, problem } from './problem';
import type { FieldNode, RtraceSyntax, Section } from './tree';

export { STAGE_RANK };

/** History comes before every stage; recommendations after every stage. */
export const HISTORY_RANK = -1;
export const RECOMMENDATIONS_RANK = STAGES.length;

/** The layers a trace is read with: its `layers:` header's scheme, else the configured layers; an unknown scheme name is reported. */
export function traceLayers(tree: RtraceSyntax, ctx: AnalyzeContext, problems: Problem[]): LayerSpec[] {
  const field = tree.prologue.find((n): n is FieldNode => n.kind === 'field' && n.key === 'layers');
  if (!field || field.value === '') return ctx.layers;
  const name = field.value.trim();
  if (!(LAYER_SCHEMES as readonly string[]).includes(name)) {
    problems.push(problem(field.valueSpan.start, field.valueSpan.end, 'rtrace/bad-value', `Unknown layer scheme \`${name}\`; write ${listNames(LAYER_SCHEMES)}. The configured layers are used.`, 'warning'));
    return ctx.layers;
  }
  const scheme = name as LayerSchemeName;
  if (scheme === (ctx.scheme ?? 'onereason')) return ctx.layers;
  if (scheme === 'custom' && (ctx.customLayers ?? []).length === 0) {
    problems.push(problem(field.valueSpan.start, field.valueSpan.end, 'rtrace/bad-value', 'This trace names the `custom` layer scheme, but `reclens.layers` lists no layers; add them there.', 'warning'));
    return ctx.layers;
  }
  return withGenericLayers(schemeLayers(scheme, ctx.customLayers ?? []));
}

/** A layer of another preset with this name, for traces written with another scheme. */
function presetLayer(name: string): LayerSpec | undefined {
  for (const layers of Object.values(PRESET_LAYERS)) {
    const found = layers.find((l) => l.name === name);
    if (found) return found;
  }
  return undefined;
}

/** The layer of each `[layer NAME]` section (undefined when unknown), reporting unknown names. */
export function resolveLayers(sections: readonly Section[], layers: readonly LayerSpec[], problems: Problem[]): Map<Section, LayerSpec | undefined> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const resolved = new Map<Section, LayerSpec | undefined>();
  for (const s of sections) {
    if (s.kind !== 'layer' || s.name === undefined) continue;
    const spec = byName.get(s.name) ?? presetLayer(s.name) ?? GENERIC_LAYERS.find((g) => g.name === s.name);
    resolved.set(s, spec);
    if (spec) continue;
    const span = s.nameSpan ?? s.headSpan;
    const near = layers.find((l) => l.name.toLowerCase() === s.name?.toLowerCase());
    const hint = near ? ` Did you mean \`${near.name}\`?` : '';
    problems.push(
      problem(
        span.start,
        span.end,
        'rtrace/unknown-layer',
        `Unknown layer \`${s.name}\`.${hint} Configured layers: ${listNames(layers.map((l) => `${l.name}`), 'and')}; name the trace's scheme in a \`layers:\` header, add the layer to \`reclens.layers\` (with its stage, and \`reclens.layerScheme\` set to \`custom\`), or rename the section.`,
      ),
    );
  }
  return resolved;
}

function describe(s: Section, spec: LayerSpec | undefined): string {
  return s.kind === 'layer' ? `\`[layer ${s.name ?? ''}]\`${spec ? ` (${spec.stage})` : ''}` : `\`[${s.kind}]\``;
}

/** Warn about sections out of order (history → layers by stage → recommendations) and repeated sections. */
export function checkSectionOrder(sections: readonly Section[], resolved: Map<Section, LayerSpec | undefined>, problems: Problem[]): void {
  let highest: { rank: number; section: Section } | undefined;
  const seen = new Set<string>();
  for (const s of sections) {
    if (s.kind === 'history' || s.kind === 'recommendations' || s.kind === 'ground-truth') {
      if (seen.has(s.kind)) problems.push(problem(s.headSpan.start, s.headSpan.end, 'rtrace/duplicate-section', `A second \`[${s.kind}]\` section; its entries are read, but keep one section.`, 'warning'));
      seen.add(s.kind);
    }
    let rank: number | undefined;
    if (s.kind === 'history') rank = HISTORY_RANK;
    else if (s.kind === 'recommendations') rank = RECOMMENDATIONS_RANK;
    else if (s.kind === 'layer') {
      const spec = resolved.get(s);
      if (spec) rank = STAGE_RANK[spec.stage];
    }
    if (rank === undefined) continue;
    if (highest && rank < highest.rank) {
      problems.push(
        problem(
          s.headSpan.start,
          s.headSpan.end,
          'rtrace/section-order',
          `${describe(s, resolved.get(s))} comes after ${describe(highest.section, resolved.get(highest.section))}; order sections history → perception → cognition → recommendation layers → recommendations.`,
          'warning',
        ),
      );
    } else highest = { rank, section: s };
  }
}
