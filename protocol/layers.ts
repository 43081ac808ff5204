/**
 * The words every side shares about reasoning: the three stages and their
 * order, and the layer schemes that name the layers of a chain of thought
 * and the headings that open each one in free text.
 *
 * Where the names come from: OneReason's recommendation chain of thought is
 * its "three-layer, cognition-enhanced CoT"; public summaries of the paper
 * (arXiv 2606.06260) name its layers persona abstraction → interest
 * expansion → transition inference, after the model has perceived its
 * history (what each itemic code is) and before it emits the code. R0–R3
 * are OneReason-Bench's capability levels and task families (perception,
 * derivation, evolution, recommendation), not layers of one chain of
 * thought; the four-layer `r0-r3` scheme keeps them for traces written that
 * way. Headings are matched case-insensitively at a line start, in English
 * and Chinese (server/trace/layers.ts says which decorations are allowed).
 */

/** The three stages of recommendation reasoning, in order. */
export const STAGES = ['perception', 'cognition', 'recommendation'] as const;
export type Stage = (typeof STAGES)[number];

/** Rank of each stage (its index in `STAGES`): evidence runs from lower to higher ranks. */
export const STAGE_RANK: Readonly<Record<Stage, number>> = { perception: 0, cognition: 1, recommendation: 2 };

/** The letter of a stage's step ids (`p1`, `c2`, `r1`); `h` is a history item. */
export const STAGE_LETTER: Readonly<Record<Stage, string>> = { perception: 'p', cognition: 'c', recommendation: 'r' };

/** A reasoning layer and the headings that start it in free-text thinking. */
export interface LayerSpec {
  name: string;
  stage: Stage;
  /** Heading words that open this layer, matched case-insensitively at a line start. */
  markers: string[];
}

export const LAYER_SCHEMES = ['onereason', 'onerec-think', 'r0-r3', 'custom'] as const;
export type LayerSchemeName = (typeof LAYER_SCHEMES)[number];

const perception: LayerSpec = {
  name: 'perception',
  stage: 'perception',
  markers: ['perception', 'item perception', 'item understanding', 'R0', '感知', '物品感知', '物品理解'],
};

const recommendation: LayerSpec = {
  name: 'recommendation',
  stage: 'recommendation',
  markers: ['recommendation', 'recommendations', 'final recommendation', 'R3', 'deduction', '推荐', '最终推荐', '推荐结论', '演绎', '精炼推理'],
};

/** The built-in schemes; `custom` is `reclens.layers`. */
export const PRESET_LAYERS: Readonly<Record<Exclude<LayerSchemeName, 'custom'>, LayerSpec[]>> = {
  onereason: [
    perception,
    {
      name: 'persona',
      stage: 'cognition',
      markers: ['persona', 'persona abstraction', 'user persona', 'user profile', '用户画像', '画像', '画像抽象', '用户画像抽象', '人设'],
    },
    {
      name: 'interest-expansion',
      stage: 'cognition',
      markers: ['interest expansion', 'expanded interests', 'interests', 'derivation', 'R1', '兴趣扩展', '兴趣拓展', '兴趣延展', '兴趣扩散', '推导'],
    },
    {
      name: 'transition-inference',
      stage: 'cognition',
      markers: ['transition inference', 'interest transition', 'evolution', 'interest evolution', 'preference evolution', 'R2', '转移推断', '转移推理', '兴趣转移', '意图转移', '演化', '演变', '偏好演变'],
    },
    recommendation,
  ],
  'onerec-think': [
    perception,
    { name: 'interest-analysis', stage: 'cognition', markers: ['interest analysis', 'user interests', 'analysis', 'reasoning', '用户兴趣', '兴趣分析', '分析', '推理'] },
    recommendation,
  ],
  'r0-r3': [
    { ...perception, markers: ['perception', 'R0', 'item perception', '感知', '物品感知'] },
    { name: 'derivation', stage: 'cognition', markers: ['cognition', 'derivation', 'R1', 'induction', 'abduction', 'interests', '认知', '推导', '归纳', '溯因', '兴趣推断', '预测分析'] },
    { name: 'evolution', stage: 'cognition', markers: ['evolution', 'R2', 'preference evolution', '演化', '演变', '偏好演变'] },
    recommendation,
  ],
};

/**
 * Layers every scheme knows after its own: one per stage, plus `thinking`
 * (thinking text under no heading). A generic heading such as `Cognition:`
 * opens the stage's generic layer when the scheme has no layer of that
 * name or marker.
 */
export const GENERIC_LAYERS: readonly LayerSpec[] = [
  { name: 'perception', stage: 'perception', markers: ['perception'] },
  { name: 'cognition', stage: 'cognition', markers: ['cognition', 'induction', 'abduction', '认知', '归纳', '溯因', '预测分析'] },
  { name: 'thinking', stage: 'cognition', markers: [] },
  { name: 'recommendation', stage: 'recommendation', markers: ['recommendation', 'recommendations', '推荐'] },
];

/** The layer of thinking text that stands under no heading. */
export const UNHEADED_LAYER: LayerSpec = GENERIC_LAYERS[2];

/** The layer scheme of the settings: a preset's layers, or `reclens.layers` for `custom`. */
export function schemeLayers(scheme: LayerSchemeName, custom: readonly LayerSpec[]): LayerSpec[] {
  return scheme === 'custom' ? [...custom] : PRESET_LAYERS[scheme];
}

/**
 * The layers a document is read with: its scheme's, then the generic ones
 * whose names the scheme does not use (markers the scheme already claims
 * are dropped from them, so the scheme's own layer wins).
 */
export function withGenericLayers(layers: readonly LayerSpec[]): LayerSpec[] {
  const names = new Set(layers.map((l) => l.name));
  const claimed = new Set(layers.flatMap((l) => l.markers.map((m) => m.trim().toLowerCase())));
  const generic = GENERIC_LAYERS.filter((g) => !names.has(g.name)).map((g) => ({ ...g, markers: g.markers.filter((m) => !claimed.has(m.toLowerCase())) }));
  return [...layers, ...generic];
}

/** The layers documents are read with when nothing is configured: the `onereason` scheme and the generic layers. */
export const defaultLayers: LayerSpec[] = withGenericLayers(PRESET_LAYERS.onereason);
