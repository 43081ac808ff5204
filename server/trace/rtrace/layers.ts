/**
 * Resolving `[layer NAME]` sections against the configured layers
 * (`reclens.layers`) and checking that sections come in stage order.
 */
import type { LayerSpec } from '../../../protocol/settings';
import type { Problem, Stage } from '../model';
import { listNames, problem } from './problem';
import type { Section } from './tree';

/** Order of the stages: evidence and sections run from lower to higher. */
export const STAGE_RANK: Readonly<Record<Stage, number>> = { perception: 1, cognition: 2, recommendation: 3 };

/** History comes before every stage; recommendations after every stage. */
export const HISTORY_RANK = 0;
export const RECOMMENDATIONS_RANK = 4;

/** The configured layer of each `[layer NAME]` section (undefined when unknown), reporting unknown names. */
export function resolveLayers(sections: readonly Section[], layers: readonly LayerSpec[], problems: Problem[]): Map<Section, LayerSpec | undefined> {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const resolved = new Map<Section, LayerSpec | undefined>();
  for (const s of sections) {
    if (s.kind !== 'layer' || s.name === undefined) continue;
    const spec = byName.get(s.name);
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
        `Unknown layer \`${s.name}\`.${hint} Configured layers: ${listNames(layers.map((l) => `${l.name}`), 'and')}; add it to \`reclens.layers\` (with its stage) or rename the section.`,
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
