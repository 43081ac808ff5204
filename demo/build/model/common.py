"""Shared pieces of the demo model tools: the world, the text layout of
prompts and targets, and a pure-Python encoder that matches tokenizer.json."""
import json
import os
import re
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
WORLD = os.path.join(ROOT, 'demo', 'world')
MODELS = os.path.join(ROOT, 'demo', 'models')
WORK = os.environ.get('RECLENS_MODEL_WORK', '/tmp/reclens-model')

HISTORY = 20      # last items of the history put in the prompt
PERCEIVE = 3      # latest items described in the perception layer
SYSTEM = "You are a recommender. Read the user's history of itemic tokens and recommend the next item."
CODE_RE = re.compile(r'<s_([abc])_(\d+)>')


def load_world():
    items = json.load(open(os.path.join(WORLD, 'items.json')))
    users = [json.loads(l) for l in open(os.path.join(WORLD, 'users.jsonl')) if l.strip()]
    return items, users


def prefix_of(sid):
    """<|sid_begin|><a><b><c><|sid_end|> -> <|sid_begin|><a><b><|sid_end|>"""
    return re.sub(r'<s_c_\d+>', '', sid)


def prompt(items, history, think, n=HISTORY):
    codes = ''.join(items[str(p)]['sid'] for p in history[-n:])
    mode = '/think' if think else '/no_think'
    return (f'<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n'
            f'The user interacted with: {codes}\nPredict the next item. {mode}<|im_end|>\n'
            f'<|im_start|>assistant\n')


def thinking(items, history, target=None, n=HISTORY):
    """Three-layer chain of thought (perception, cognition, recommendation)
    over the last `n` items; the recommendation names the subtopic of `target`
    when given (training), otherwise the latest dominant interest."""
    window = history[-n:]
    lines = ['<think>', 'Perception:']
    for p in window[-PERCEIVE:]:
        it = items[str(p)]
        t, s = it['categories']
        lines.append(f'- {it["sid"]} is "{it["title"]}" ({t} / {s}).')
    lines += ['', 'Cognition:']
    count = Counter(tuple(items[str(p)]['categories']) for p in window)
    pref = {}
    for p in window:
        pref[tuple(items[str(p)]['categories'])] = prefix_of(items[str(p)]['sid'])
    for (t, s), n in sorted(count.items(), key=lambda x: (-x[1], x[0]))[:2]:
        lines.append(f'- {n} of {len(window)} items are {t} / {s} {pref[(t, s)]}: an interest in {s.lower()}.')
    lines += ['', 'Recommendation:']
    if target is not None:
        it = items[str(target)]
        t, s = it['categories']
        pre = prefix_of(it['sid'])
    else:
        recent = Counter(tuple(items[str(p)]['categories']) for p in window[-8:])
        (t, s), _ = recent.most_common(1)[0]
        pre = pref[(t, s)]
    lines.append(f'Recommend an unseen item from {t} / {s} {pre}.')
    lines.append('</think>')
    return '\n'.join(lines) + '\n'


def target_text(items, history, target, think, n=HISTORY):
    code = items[str(target)]['sid']
    if think:
        return thinking(items, history, target, n) + code + '<|im_end|>'
    return '<think>\n\n</think>\n\n' + code + '<|im_end|>'


# ---- byte-level BPE -------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE2U = bytes_to_unicode()
# GPT-2's pre-tokenizer pattern (the ByteLevel pre-tokenizer with use_regex), \p{L} / \p{N} spelled for `re`.


def pretokenize(text):
    # `re` has no \p{L}: letters are [^\W\d_]; '_' (not a letter) falls in the punctuation class
    out = []
    pat = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
    for m in pat.finditer(text):
        out.append(''.join(BYTE2U[b] for b in m.group(0).encode('utf-8')))
    return out


class Encoder:
    def __init__(self, tok_json):
        self.vocab = tok_json['model']['vocab']
        merges = tok_json['model']['merges']
        self.ranks = {tuple(m.split(' ')) if isinstance(m, str) else tuple(m): i for i, m in enumerate(merges)}
        self.added = {t['content']: t['id'] for t in tok_json['added_tokens']}
        self.split = re.compile(r'(<\|[a-z_]+\|>|<s_[abc]_\d+>|</?think>|/no_think|/think)')
        self.cache = {}
        self.id2tok = {v: k for k, v in self.vocab.items()}
        self.id2tok.update({v: k for k, v in self.added.items()})
        self.u2byte = {v: k for k, v in BYTE2U.items()}

    def bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            parts[i:i + 2] = [parts[i] + parts[i + 1]]
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for piece in self.split.split(text):
            if not piece:
                continue
            if piece in self.added:
                ids.append(self.added[piece])
            else:
                for w in pretokenize(piece):
                    ids.extend(self.bpe(w))
        return ids

    def decode(self, ids):
        out, buf = [], []
        for i in ids:
            t = self.id2tok[i]
            if t in self.added:
                if buf:
                    out.append(bytes(self.u2byte[c] for c in ''.join(buf)).decode('utf-8', 'replace'))
                    buf = []
                out.append(t)
            else:
                buf.append(t)
        if buf:
            out.append(bytes(self.u2byte[c] for c in ''.join(buf)).decode('utf-8', 'replace'))
        return ''.join(out)


def load_encoder(path=None):
    path = path or os.path.join(WORK, 'tokenizer.json')
    return Encoder(json.load(open(path)))
