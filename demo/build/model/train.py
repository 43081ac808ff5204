"""Trains the tiny demo decoder on the training users of demo/world.

Each sample is one next-item step of a training user: a prompt in Qwen3 chat
markup with the last HISTORY items as codes and `/think` or `/no_think`,
and as target either a three-layer chain of thought (perception, cognition,
recommendation) then `<|sid_begin|>` + the next item's code, or an empty
`<think>\\n\\n</think>\\n\\n` + the code. Deterministic (seeded, 2 threads).
Saves $RECLENS_MODEL_WORK/early.pt (after EARLY steps) and final.pt.

    /usr/bin/python3 demo/build/model/train.py
"""
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import WORK, load_encoder, load_world, prompt, target_text
from model import CONFIG, Decoder

SEED = 20260301
STEPS = int(os.environ.get('RECLENS_STEPS', 1500))
EARLY = 100
BATCH = 8
LR = 3e-3
MIN_HISTORY = 8


def samples(items, users, enc, rng, n):
    train = [u for u in users if u['split'] == 'train']
    out = []
    for _ in range(n):
        u = rng.choice(train)
        seq = u['history'] + u['targets'][:1]
        t = rng.randint(MIN_HISTORY, len(seq) - 1)
        think = rng.random() < 0.5
        p = enc.encode(prompt(items, seq[:t], think))
        y = enc.encode(target_text(items, seq[:t], seq[t], think))
        out.append((p, y))
    return out


def batch(pairs, pad):
    n = max(len(p) + len(y) for p, y in pairs)
    ids = torch.full((len(pairs), n), pad, dtype=torch.long)
    labels = torch.full((len(pairs), n), -100, dtype=torch.long)
    mask = torch.zeros((len(pairs), n), dtype=torch.long)
    for i, (p, y) in enumerate(pairs):
        s = p + y
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = 1
        labels[i, len(p) - 1:len(s) - 1] = torch.tensor(y)
    pos = torch.arange(n)[None].expand(len(pairs), n)
    return ids, mask, pos, labels


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    rng = random.Random(SEED)
    items, users = load_world()
    enc = load_encoder()
    vocab = len(enc.id2tok)
    model = Decoder(CONFIG, vocab)
    print(f'params {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M, vocab {vocab}')
    data = samples(items, users, enc, rng, STEPS * BATCH)
    pad = enc.added['<|endoftext|>']
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01, betas=(0.9, 0.98))
    warm = 100
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.05, 1 - s / STEPS))
    t0 = time.time()
    model.train()
    for step in range(STEPS):
        ids, mask, pos, labels = batch(data[step * BATCH:(step + 1) * BATCH], pad)
        logits, _ = model(ids, mask, pos)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), labels.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0 or step == STEPS - 1:
            print(f'step {step} loss {loss.item():.3f} {time.time() - t0:.0f}s', flush=True)
        if step + 1 == EARLY:
            torch.save({'config': CONFIG, 'vocab': vocab, 'state': model.state_dict(), 'steps': EARLY}, os.path.join(WORK, 'early.pt'))
    torch.save({'config': CONFIG, 'vocab': vocab, 'state': model.state_dict(), 'steps': STEPS}, os.path.join(WORK, 'final.pt'))
    print(f'trained {STEPS} steps in {time.time() - t0:.0f}s')


if __name__ == '__main__':
    main()
