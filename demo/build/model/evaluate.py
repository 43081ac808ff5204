"""Recall@10 on the held-out (test) users of demo/world for the early and
final checkpoints, thinking vs non-thinking, against a popularity baseline.

Thinking: greedy decoding of the chain of thought until </think>, then
`\\n<|sid_begin|>` is appended. Non-thinking: the prompt is followed by
`<think>\\n\\n</think>\\n\\n<|sid_begin|>`. Then a beam search (width BEAM) over
the three code tokens, constrained to the codes of existing items; the ten
best codes not already in the history are the recommendations. A user's
recall is the share of its held-out targets whose code is among them.
For the thinking runs it also checks the greedy chains of thought against
the template for the user's history: per chain (a repeated line, perception
or cognition exactly as the template, the first interest right, the same
subtopic on both cognition lines, a target's subtopic recommended) and per
perception line (an existing code, its category and title, the code in the
prompt, among the PERCEIVE latest).

    /usr/bin/python3 demo/build/model/evaluate.py
"""
import json
import os
import re
import sys
import time
from collections import Counter

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import HISTORY, PERCEIVE, WORK, load_encoder, load_world, prompt, thinking
from model import Decoder

BEAM = 30
K = 10
MAX_THINK = 200


def load(name):
    ck = torch.load(os.path.join(WORK, f'{name}.pt'))
    m = Decoder(ck['config'], ck['vocab'])
    m.load_state_dict(ck['state'])
    m.eval()
    return m


def step(m, ids, past, plen):
    b, s = ids.shape
    mask = torch.ones(b, plen + s, dtype=torch.long)
    pos = torch.arange(plen, plen + s)[None].expand(b, s)
    return m(ids, mask, pos, past)


def recommend(m, enc, ids, trie, seen, think):
    end = enc.added['</think>']
    logits, past = step(m, torch.tensor([ids]), None, 0)
    n = len(ids)
    text = []
    if think:
        for _ in range(MAX_THINK):
            t = int(logits[0, -1].argmax())
            text.append(t)
            logits, past = step(m, torch.tensor([[t]]), past, n)
            n += 1
            if t == end:
                break
        tail = enc.encode('\n<|sid_begin|>')
    else:
        tail = enc.encode('<think>\n\n</think>\n\n<|sid_begin|>')
    logits, past = step(m, torch.tensor([tail]), past, n)
    n += len(tail)
    beams = [((), 0.0)]
    last = torch.log_softmax(logits[0, -1], -1)[None]
    for depth in range(3):
        cand = []
        for bi, (seq, score) in enumerate(beams):
            node = trie
            for t in seq:
                node = node[t]
            for t in node:
                cand.append((seq + (t,), score + float(last[bi, t]), bi))
        cand.sort(key=lambda x: -x[1])
        cand = cand[:BEAM]
        beams = [(s, sc) for s, sc, _ in cand]
        if depth == 2:
            break
        idx = torch.tensor([bi for _, _, bi in cand])
        past = [(k[idx] if k.shape[0] > 1 or len(idx) == 1 else k.expand(len(idx), -1, -1, -1), v[idx] if v.shape[0] > 1 or len(idx) == 1 else v.expand(len(idx), -1, -1, -1)) for k, v in past]
        logits, past = step(m, torch.tensor([[s[-1]] for s, _ in beams]), past, n)
        n += 1
        last = torch.log_softmax(logits[:, -1], -1)
    recs = [s for s, _ in beams if s not in seen][:K]
    return recs, enc.decode(text)


def layers(text):
    """Chain of thought -> {heading: [lines]} (heading without its colon)."""
    out, cur = {}, None
    for line in text.split('\n'):
        if line.endswith(':') and not line.startswith('- '):
            cur = out.setdefault(line[:-1], [])
        elif line.strip() and cur is not None and line != '</think>':
            cur.append(line)
    return out


PERCEPTION_RE = re.compile(r'^- (<\|sid_begin\|>.*?<\|sid_end\|>) is "(.*)" \((.*)\)\.$')
SUBTOPIC_RE = re.compile(r'items are (.*?) <')
CHAIN_CHECKS = ('repeated line', 'perception exact', 'cognition exact', 'cognition first right',
                'cognition same subtopic twice', 'target subtopic')
LINE_CHECKS = ('existing code', 'category right', 'title right', 'in the prompt', 'among the 3 latest')


def chain_stats(items, u, text, n=HISTORY):
    """Checks of one greedy chain of thought against the template for the
    user's history: a Counter of the CHAIN_CHECKS that hold, and of the
    LINE_CHECKS that hold per perception line (plus 'perception lines')."""
    got, ref = layers(text), layers(thinking(items, u['history'], n=n))
    lines = [l for ls in got.values() for l in ls]
    subtopics = {' / '.join(items[str(t)]['categories']) for t in u['targets']}
    rec = ' '.join(got.get('Recommendation', []))
    cog = [m.group(1) if m else None for m in map(SUBTOPIC_RE.search, got.get('Cognition', []))]
    ref_cog = [SUBTOPIC_RE.search(l).group(1) for l in ref['Cognition']]
    c = Counter({
        'repeated line': len(lines) != len(set(lines)),
        'perception exact': got.get('Perception') == ref['Perception'],
        'cognition exact': got.get('Cognition') == ref['Cognition'],
        'cognition first right': bool(cog) and cog[0] == ref_cog[0],
        'cognition same subtopic twice': len(cog) >= 2 and cog[0] is not None and cog[0] == cog[1],
        'target subtopic': any(f'from {s} <' in rec for s in subtopics),
    })
    by_sid = {it['sid']: it for it in items.values()}
    window = [items[str(p)]['sid'] for p in u['history'][-n:]]
    for line in got.get('Perception', []):
        c['perception lines'] += 1
        m = PERCEPTION_RE.match(line)
        it = m and by_sid.get(m.group(1))
        if not it:
            continue
        c['existing code'] += 1
        c['category right'] += ' / '.join(it['categories']) == m.group(3)
        c['title right'] += it['title'] == m.group(2)
        c['in the prompt'] += m.group(1) in window
        c['among the 3 latest'] += m.group(1) in window[-PERCEIVE:]
    return c


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    items, users = load_world()
    enc = load_encoder()
    code = {p: tuple(enc.encode(it['sid'])[1:4]) for p, it in items.items()}
    trie = {}
    for c in code.values():
        trie.setdefault(c[0], {}).setdefault(c[1], {}).setdefault(c[2], {})
    test = [u for u in users if u['split'] == 'test']
    pop = Counter(p for u in users if u['split'] == 'train' for p in u['history'] + u['targets'])
    ranked = [p for p, _ in pop.most_common()]

    def recall(recs, u):
        return sum(code[str(t)] in recs for t in u['targets']) / len(u['targets'])

    res = {}
    r = []
    for u in test:
        seen = {code[str(p)] for p in u['history']}
        recs = []
        for p in ranked:
            c = code[str(p)]
            if c not in seen and c not in recs:
                recs.append(c)
            if len(recs) == K:
                break
        r.append(recall(recs, u))
    res['popularity'] = sum(r) / len(r)
    samples, chains = {}, {}
    for name in ('early', 'final'):
        m = load(name)
        for think in (False, True):
            t0 = time.time()
            r, st = [], Counter()
            with torch.no_grad():
                for u in test:
                    seen = {code[str(p)] for p in u['history']}
                    ids = enc.encode(prompt(items, u['history'], think))
                    recs, text = recommend(m, enc, ids, trie, seen, think)
                    r.append(recall(recs, u))
                    if think:
                        st.update(chain_stats(items, u, text))
                        if u is test[0]:
                            samples[name] = text
            key = f'{name} {"thinking" if think else "non-thinking"}'
            res[key] = sum(r) / len(r)
            print(f'{key}: recall@{K} {res[key]:.3f} ({time.time() - t0:.0f}s)', flush=True)
            if think:
                chains[name] = {'per chain': {k: st[k] / len(test) for k in CHAIN_CHECKS},
                                'per perception line': {k: st[k] / max(1, st['perception lines']) for k in LINE_CHECKS}}
                for k, v in chains[name].items():
                    print(f'  {k}: ' + ', '.join(f'{c} {x:.2f}' for c, x in v.items()), flush=True)
    print(f'popularity: recall@{K} {res["popularity"]:.3f}')
    json.dump({'users': len(test), 'k': K, 'beam': BEAM, 'recall': res, 'chains': chains, 'sample_thinking': samples},
              open(os.path.join(WORK, 'eval.json'), 'w'), indent=2)
    for k, v in samples.items():
        print(f'--- {k} thinking of {test[0]["user"]}:\n{v}')


if __name__ == '__main__':
    main()
