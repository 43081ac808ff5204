/**
 * The built-in itemic-token spellings of the OneRec family (DESIGN.md,
 * "Itemic tokens"). Custom spellings use the same `GrammarSpec` shape.
 */
import type { GrammarSpec, PresetName } from '../../protocol/items';

const abc = (stem: string, n: number): string[] => 'abcdefgh'.slice(0, n).split('').map((l) => `<${stem}_${l}_{n}>`);

/** OpenOneRec code and tokenizer: `<|sid_begin|><s_a_340><s_b_6566><s_c_5603><|sid_end|>`, 3 × 8192. */
const openonerec: GrammarSpec = {
  name: 'openonerec',
  levels: abc('s', 3),
  codebookSize: 8192,
  begin: [{ token: '<|sid_begin|>' }],
  end: ['<|sid_end|>'],
};

/** OneReason eval benchmark: the begin token names the domain. */
const onereason: GrammarSpec = {
  name: 'onereason',
  levels: abc('s', 3),
  codebookSize: 8192,
  begin: [
    { token: '<|video_begin|>', domain: 'video' },
    { token: '<|prod_begin|>', domain: 'prod' },
    { token: '<|ad_begin|>', domain: 'ad' },
    { token: '<|living_begin|>', domain: 'living' },
    { token: '<|sid_begin|>' },
  ],
  end: ['<|video_end|>', '<|prod_end|>', '<|ad_end|>', '<|living_end|>', '<|sid_end|>'],
};

/** OneRec-Think: four levels of 256. */
const onerecThink: GrammarSpec = {
  name: 'onerec-think',
  levels: abc('s', 4),
  codebookSize: 256,
  begin: [{ token: '<|sid_begin|>' }],
  end: ['<|sid_end|>'],
};

/** The OpenOneRec tech report's spelling: `<|item_begin|><item_a_5028>…<|item_end|>`. */
const paper: GrammarSpec = {
  name: 'paper',
  levels: abc('item', 3),
  codebookSize: 8192,
  begin: [{ token: '<|item_begin|>' }],
  end: ['<|item_end|>'],
};

export const presets: Record<Exclude<PresetName, 'custom'>, GrammarSpec> = {
  openonerec,
  onereason,
  'onerec-think': onerecThink,
  paper,
};

export const presetNames = Object.keys(presets) as Exclude<PresetName, 'custom'>[];
