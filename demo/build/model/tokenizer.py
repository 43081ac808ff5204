"""Writes the demo tokenizer: a byte-level BPE like Qwen's (ByteLevel
pre-tokenizer and decoder, 256 byte symbols so any text encodes, merges
learnt from the world's titles, captions and reasoning templates) plus added
tokens: the chat markers, <think>/</think>, /think, /no_think, <|sid_begin|>,
<|sid_end|> and every itemic token the world's items use.

    /usr/bin/python3 demo/build/model/tokenizer.py   # -> $RECLENS_MODEL_WORK/tokenizer*.json
"""
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BYTE2U, CODE_RE, WORK, load_world, pretokenize, prompt, target_text)

MERGES = 1500
# The merges were learnt from prompts and chains of thought over the last 10
# items; kept at 10 (whatever common.HISTORY is) so that the tokenizer, and
# with it every token id, stays the same.
CORPUS_HISTORY = 10
SPECIAL = ['<|endoftext|>', '<|im_start|>', '<|im_end|>']
MARKERS = ['<think>', '</think>', '/think', '/no_think', '<|sid_begin|>', '<|sid_end|>']


def corpus(items, users):
    texts = []
    for it in items.values():
        texts.append(it['title'])
        texts.append(' '.join(it['categories']))
    for u in users:
        if u['split'] != 'train':
            continue
        h = u['history']
        texts.append(prompt(items, h[:-1], True, CORPUS_HISTORY))
        texts.append(target_text(items, h[:-1], h[-1], True, CORPUS_HISTORY))
    return texts


def learn(texts, added, n):
    import re
    split = re.compile('|'.join(re.escape(t) for t in sorted(added, key=len, reverse=True)))
    words = Counter()
    for t in texts:
        for piece in split.split(t):
            words.update(pretokenize(piece))
    seqs = {w: list(w) for w in words}
    merges = []
    for _ in range(n):
        pairs = Counter()
        for w, c in words.items():
            s = seqs[w]
            for i in range(len(s) - 1):
                pairs[(s[i], s[i + 1])] += c
        if not pairs:
            break
        (a, b), c = max(pairs.items(), key=lambda x: (x[1], x[0]))
        if c < 2:
            break
        merges.append((a, b))
        for w in words:
            s = seqs[w]
            if len(s) < 2:
                continue
            i, out = 0, []
            while i < len(s):
                if i < len(s) - 1 and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[w] = out
    return merges


def main():
    items, users = load_world()
    codes = {'a': set(), 'b': set(), 'c': set()}
    for it in items.values():
        for lvl, n in CODE_RE.findall(it['sid']):
            codes[lvl].add(int(n))
    itemic = [f'<s_{l}_{n}>' for l in 'abc' for n in sorted(codes[l])]
    added = SPECIAL + MARKERS + itemic
    merges = learn(corpus(items, users), added, MERGES)
    vocab = {}
    for u in sorted(BYTE2U.values(), key=lambda ch: [k for k, v in BYTE2U.items() if v == ch][0]):
        vocab[u] = len(vocab)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    base = len(vocab)
    added_tokens = [{'id': base + i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                     'normalized': False, 'special': t in SPECIAL} for i, t in enumerate(added)]
    bl = {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': True}
    tok = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': added_tokens,
        'normalizer': None,
        'pre_tokenizer': bl, 'post_processor': bl, 'decoder': bl,
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }
    decoder = {str(t['id']): {k: v for k, v in t.items() if k != 'id'} for t in added_tokens}
    config = {
        'add_bos_token': False, 'add_prefix_space': False, 'added_tokens_decoder': decoder,
        'additional_special_tokens': ['<|im_start|>', '<|im_end|>'],
        'bos_token': None, 'eos_token': '<|im_end|>', 'pad_token': '<|endoftext|>', 'unk_token': None,
        'clean_up_tokenization_spaces': False, 'errors': 'replace', 'model_max_length': 2048,
        'split_special_tokens': False, 'tokenizer_class': 'Qwen2Tokenizer',
        'chat_template': ("{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
                          "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"),
    }
    os.makedirs(WORK, exist_ok=True)
    json.dump(tok, open(os.path.join(WORK, 'tokenizer.json'), 'w'), ensure_ascii=False, indent=1)
    json.dump(config, open(os.path.join(WORK, 'tokenizer_config.json'), 'w'), ensure_ascii=False, indent=2)
    print(f'vocab {base} + {len(added)} added ({len(itemic)} itemic) = {base + len(added)} tokens, {len(merges)} merges')


if __name__ == '__main__':
    main()
