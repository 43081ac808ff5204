/**
 * The `contributes.configuration` of package.json, derived from the
 * settings definition so descriptions and defaults never drift
 * (`npm run gen:settings` writes it; a test checks it).
 */
import { LAYER_SCHEMES, STAGES } from './layers';
import { decodingSpecs, type DecodingKey, type DecodingSpec } from './inference';
import { defaultSettings } from './settings';

const d = defaultSettings;

/** JSON-schema properties keyed by full setting name. */
export const settingsSchema: Record<string, Record<string, unknown>> = {
  'reclens.itemicTokens.preset': {
    type: 'string',
    enum: ['openonerec', 'onereason', 'onerec-think', 'paper', 'custom'],
    enumDescriptions: [
      'OpenOneRec: <|sid_begin|><s_a_N><s_b_N><s_c_N><|sid_end|>, 3 levels × 8192.',
      'OneReason eval: domain begin tokens <|video_begin|>, <|prod_begin|>, <|ad_begin|>, <|living_begin|> + <s_a_N><s_b_N><s_c_N>.',
      'OneRec-Think: <|sid_begin|><s_a_N><s_b_N><s_c_N><s_d_N><|sid_end|>, 4 levels × 256.',
      'OpenOneRec tech report: <|item_begin|><item_a_N><item_b_N><item_c_N><|item_end|>.',
      'Your own spelling, from reclens.itemicTokens.custom.',
    ],
    default: d.itemicTokens.preset,
    markdownDescription: 'How itemic tokens (semantic IDs) are spelled in your traces and tables. Choose `custom` and fill `#reclens.itemicTokens.custom#` for other spellings.',
  },
  'reclens.itemicTokens.custom': {
    type: ['object', 'null'],
    default: d.itemicTokens.custom,
    markdownDescription:
      'A custom itemic-token spelling, used when `#reclens.itemicTokens.preset#` is `custom`. Example: `{"name": "mine", "levels": ["<c1_{n}>", "<c2_{n}>"], "codebookSize": [1024, 1024], "begin": [{"token": "<item>"}], "end": ["</item>"]}`.',
    properties: {
      name: { type: 'string', description: 'Display name of the spelling.' },
      levels: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'One spelling per level, coarse to fine, with {n} where the number goes.' },
      codebookSize: { type: ['integer', 'array'], items: { type: 'integer', minimum: 1 }, minimum: 1, description: 'Codebook size: one number for all levels or one per level.' },
      begin: {
        type: 'array',
        items: { type: 'object', properties: { token: { type: 'string' }, domain: { type: 'string' } }, required: ['token'] },
        description: 'Begin tokens; a domain names the item pool the token selects.',
      },
      end: { type: 'array', items: { type: 'string' }, description: 'End tokens.' },
    },
    required: ['levels', 'codebookSize'],
  },
  'reclens.alignment.paths': {
    type: 'array',
    items: {
      anyOf: [
        { type: 'string' },
        {
          type: 'object',
          required: ['path'],
          properties: {
            path: { type: 'string', description: 'The table file (Parquet, JSONL, JSON, CSV, TSV).' },
            captions: { type: ['string', 'boolean'], description: 'OpenOneRec pid2caption Parquet joined on pid (found beside a pid2sid file by default); false joins none.' },
            columns: {
              type: 'object',
              description: 'Which columns hold what.',
              properties: {
                id: { type: 'string' },
                code: { type: 'string' },
                levels: { type: 'array', items: { type: 'string' } },
                text: { type: 'array', items: { type: 'string' } },
                popularity: { type: 'string' },
                domain: { type: 'string' },
              },
            },
            domain: { type: 'string', description: 'A domain for every item of this table (OneReason: video, prod, ad, living).' },
            format: { type: 'string', enum: ['parquet', 'jsonl', 'json', 'csv', 'tsv'] },
          },
        },
      ],
    },
    default: d.alignment.paths,
    markdownDescription:
      'Alignment tables that say which item each code is: OpenOneRec Parquet (`pid2sid` joined with the `pid2caption` beside it), a OneRec-Think JSON object keyed by item id (`{"sid", "title", "categories"}`), or JSONL / CSV / TSV with an id, a code and text columns. An entry is a path or `{"path", "captions", "columns", "domain", "format"}`; several tables form one pool, the begin token\'s domain selecting among them. Relative paths are resolved against the first workspace folder. Tables are indexed once and cached.',
  },
  'reclens.layerScheme': {
    type: 'string',
    enum: [...LAYER_SCHEMES],
    enumDescriptions: [
      "OneReason's three-layer, cognition-enhanced chain of thought: perception of the history, then persona → interest-expansion → transition-inference, then recommendation (layer names from public summaries of the OneReason paper).",
      'OneRec-Think: perception, one interest-analysis layer, recommendation.',
      'The four-layer scheme of earlier RecLens traces: perception, derivation, evolution, recommendation (R0–R3 are really OneReason-Bench task levels, not layers).',
      'Your own layers, from `reclens.layers`.',
    ],
    default: d.layerScheme,
    markdownDescription:
      'How chains of thought are cut into layers, and which headings open each layer in free text (English and Chinese; `R0 Perception:`, `## Persona`, `**Interest expansion**`, `1. 用户画像：` …). Generic `Perception:` / `Cognition:` / `Recommendation:` headings are understood in every scheme. A trace that names its scheme in a `layers:` header is read with that scheme.',
  },
  'reclens.layers': {
    type: 'array',
    default: d.layers,
    markdownDescription:
      'The layers of the `custom` `#reclens.layerScheme#`, in order, and the headings that start each one in free-text thinking (matched case-insensitively at the start of a line, e.g. `## Perception`, `R1:`, `【推导】`). Several layers may share a stage. Ignored unless the scheme is `custom`.',
    items: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'Layer name as shown in outlines and graphs.' },
        stage: { type: 'string', enum: [...STAGES], description: 'The stage this layer belongs to.' },
        markers: { type: 'array', items: { type: 'string' }, description: 'Heading words that open this layer.' },
      },
      required: ['name', 'stage', 'markers'],
    },
  },
  'reclens.inlayHints.enabled': {
    type: 'boolean',
    default: d.inlayHints.enabled,
    description: 'Show the item title after each itemic code.',
  },
  'reclens.inlayHints.maxLength': {
    type: 'integer',
    minimum: 4,
    default: d.inlayHints.maxLength,
    description: 'Longest inlay hint, in characters; longer titles are shortened with an ellipsis.',
  },
  'reclens.diagnostics.unknownCodes': {
    type: 'boolean',
    default: d.diagnostics.unknownCodes,
    description: 'Warn about codes that are not in the loaded item pool (only when an alignment table is loaded).',
  },
  'reclens.model.path': {
    type: 'string',
    default: d.model.path,
    scope: 'machine-overridable',
    markdownDescription:
      'The model folder for single-user inference, in the standard decoder layout that Optimum exports: `model.onnx` (or `onnx/model.onnx`, with external data), `config.json`, `generation_config.json`, `tokenizer.json`, `tokenizer_config.json`. Relative paths are resolved against the workspace folder.',
  },
  'reclens.model.executionProvider': {
    type: 'string',
    enum: ['auto', 'cuda', 'cpu'],
    enumDescriptions: ['CUDA when onnxruntime-node has it, else CPU (with a message saying why).', 'CUDA; falls back to CPU with a warning when the provider cannot load.', 'CPU only.'],
    default: d.model.executionProvider,
    markdownDescription: 'Where the model runs. The CUDA provider is installed with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci` and needs CUDA 12 and cuDNN 9. The trace header records the provider that ran.',
  },
  'reclens.users.paths': {
    type: 'array',
    items: { type: 'string' },
    default: d.users.paths,
    scope: 'machine-overridable',
    markdownDescription:
      'Users files for inference: JSONL (one user a line: `user`, `history`, optional `targets`, as item ids or codes) or OpenOneRec metadata Parquet (`uid`, `hist_video_pid`, `target_video_pid`, mapped to codes through the alignment table). Relative paths are resolved against the workspace folder.',
  },
  ...decodingSchema(),
  'reclens.inference.historyLength': { type: 'integer', minimum: 0, default: d.inference.historyLength, description: 'Most recent history items put in the prompt (0 = all).' },
  'reclens.inference.promptTemplate': {
    type: 'string',
    default: d.inference.promptTemplate,
    editPresentation: 'multilineText',
    markdownDescription:
      "The prompt, in the model's chat markup. Placeholders: `{history}` (the history's codes, concatenated), `{mode}` (`/think` or `/no_think`), `{user}` (the user id). When the model folder has a chat template (`chat_template` in tokenizer_config.json), the prompt's `<|im_start|>ROLE … <|im_end|>` turns are rendered through it; a template that reads `enable_thinking` writes `/think` / `/no_think` and the empty think block itself (`{mode}` is then empty). Otherwise the thinking opening (`<think>\\n`) or the empty think block is appended after the prompt.",
  },
  'reclens.checks.enabled': {
    type: 'boolean',
    default: d.checks.enabled,
    markdownDescription: 'Check what chains of thought claim against the item table (docs/checks.md): item descriptions, counts and categories, evidence, coverage of the history and recommendations. `false` switches every check off; each has its own switch below.',
  },
  'reclens.checks.perception': {
    type: 'boolean',
    default: d.checks.perception,
    markdownDescription: 'Compare what a step says an item is (a quoted title, `is …`, `(Category / Subcategory)`) with its title, caption and categories in the table; see `#reclens.checks.similarity.contradictsBelow#`.',
  },
  'reclens.checks.quantity': {
    type: 'boolean',
    default: d.checks.quantity,
    markdownDescription: 'Count the history items behind claims such as "12 of 20 items are Hiking / Navigation", "most items are …", "20个物品中有12个是…", "大多数…", "都是…" (by the code prefix or the category named).',
  },
  'reclens.checks.evidence': {
    type: 'boolean',
    default: d.checks.evidence,
    description: 'Flag steps whose cited history items do not lie in the cluster they talk about.',
  },
  'reclens.checks.coverage': {
    type: 'boolean',
    default: d.checks.coverage,
    description: 'Report history clusters no step mentions, and a ground truth whose cluster no step reaches.',
  },
  'reclens.checks.recommendation': {
    type: 'boolean',
    default: d.checks.recommendation,
    description: 'Flag recommended items outside every cluster the recommendation steps name, and items already in the history.',
  },
  'reclens.checks.similarity.contradictsBelow': {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: d.checks.similarity.contradictsBelow,
    markdownDescription: 'A description of an item whose similarity to the item\'s title, caption or categories (word and character n-grams, 0–1) is below this contradicts the table (a warning). Must not exceed `#reclens.checks.similarity.consistentFrom#`.',
  },
  'reclens.checks.similarity.consistentFrom': {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: d.checks.similarity.consistentFrom,
    markdownDescription: 'A description whose similarity to the item is at least this is consistent with the table; between `#reclens.checks.similarity.contradictsBelow#` and this it is "partly" (a hint).',
  },
  'reclens.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    description: 'Log the messages between VS Code and the RecLens language server to the RecLens output channel.',
  },
};

/** The JSON-schema type, values and range of a decoding setting (shared with the launch.json schema, protocol/debug-schema.ts). */
export function decodingValueSchema(spec: DecodingSpec): Record<string, unknown> {
  const e: Record<string, unknown> = { type: spec.kind === 'enum' ? 'string' : spec.kind };
  if (spec.kind === 'enum') {
    e.enum = [...spec.values];
    if (spec.valueDescriptions) e.enumDescriptions = spec.valueDescriptions;
  }
  if (spec.kind === 'integer' || spec.kind === 'number') {
    e.minimum = spec.min;
    if (spec.max !== undefined) e.maximum = spec.max;
  }
  return e;
}

/** The `reclens.inference.*` entries of the decoding settings, from their ranges and descriptions in protocol/inference.ts. */
function decodingSchema(): Record<string, Record<string, unknown>> {
  const entry = (key: DecodingKey, spec: DecodingSpec): Record<string, unknown> => {
    const e = decodingValueSchema(spec);
    e.default = d.inference[key];
    e[spec.markdown ? 'markdownDescription' : 'description'] = spec.description;
    return e;
  };
  return Object.fromEntries((Object.entries(decodingSpecs) as [DecodingKey, DecodingSpec][]).map(([key, spec]) => [`reclens.inference.${key}`, entry(key, spec)]));
}

/** The manifest's `contributes.configuration` value. */
export function configurationContribution(): { title: string; properties: Record<string, Record<string, unknown>> } {
  return { title: 'RecLens', properties: settingsSchema };
}
