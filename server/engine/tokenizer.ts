/**
 * The model's tokenizer (`tokenizer.json`, Hugging Face format) through
 * `@huggingface/tokenizers`: encode prompts, decode generated ids, and map
 * single tokens (itemic tokens, `</think>`) to ids.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { ModelFolder } from './model-folder';
import { ModelError } from './model-folder';

export interface TextTokenizer {
  readonly vocabSize: number;
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
  /** The id of a token written as one vocabulary entry (an added token such as `<s_a_12>`), else undefined. */
  tokenId(token: string): number | undefined;
  /** The text of one id (for alternatives; a lone byte of a multi-byte character decodes to U+FFFD). */
  text(id: number): string;
}

export function loadTokenizer(folder: ModelFolder): TextTokenizer {
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(folder.tokenizerJson as never, folder.tokenizerConfig as never);
  } catch (e) {
    throw new ModelError(`${folder.dir}/tokenizer.json: cannot be loaded (${(e as Error).message}); it must be a Hugging Face tokenizer.json (BPE, WordPiece or Unigram).`);
  }
  const vocab = tok.get_vocab(true);
  const cache = new Map<number, string>();
  return {
    vocabSize: vocab.size,
    encode: (text) => tok.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => tok.decode([...ids], { skip_special_tokens: false }),
    tokenId: (token) => vocab.get(token),
    text(id) {
      let t = cache.get(id);
      if (t === undefined) cache.set(id, (t = tok.decode([id], { skip_special_tokens: false })));
      return t;
    },
  };
}
