"""Exports the early and final checkpoints to ONNX in the standard decoder
layout (inputs input_ids, attention_mask, position_ids,
past_key_values.{i}.key|value; outputs logits, present.{i}.key|value;
opset 17, dynamic batch/sequence/past axes) with config.json,
generation_config.json, tokenizer.json and tokenizer_config.json, into
demo/models/<name>/.

    /usr/bin/python3 demo/build/model/export.py
"""
import json
import os
import shutil
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import MODELS, WORK, load_encoder
from model import Decoder


class Wrapper(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
        self.n = len(m.layers)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        logits, presents = self.m(input_ids, attention_mask, position_ids,
                                  [(past[2 * i], past[2 * i + 1]) for i in range(self.n)])
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def export(name, enc):
    ck = torch.load(os.path.join(WORK, f'{name}.pt'))
    c = ck['config']
    m = Decoder(c, ck['vocab'])
    m.load_state_dict(ck['state'])
    m.eval()
    w = Wrapper(m)
    n, kvh, d = c['num_hidden_layers'], c['num_key_value_heads'], c['head_dim']
    b, s, p = 2, 3, 4
    ids = torch.randint(0, ck['vocab'], (b, s))
    args = [ids, torch.ones(b, p + s, dtype=torch.long), torch.arange(p, p + s)[None].expand(b, s).contiguous()]
    args += [torch.randn(b, kvh, p, d) for _ in range(2 * n)]
    names_in = ['input_ids', 'attention_mask', 'position_ids']
    names_out = ['logits']
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for i in range(n):
        for kv in ('key', 'value'):
            names_in.append(f'past_key_values.{i}.{kv}')
            names_out.append(f'present.{i}.{kv}')
            axes[f'past_key_values.{i}.{kv}'] = {0: 'batch_size', 2: 'past_sequence_length'}
            axes[f'present.{i}.{kv}'] = {0: 'batch_size', 2: 'total_sequence_length'}
    out = os.path.join(MODELS, name)
    os.makedirs(out, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(w, tuple(args), os.path.join(out, 'model.onnx'), input_names=names_in, output_names=names_out,
                          dynamic_axes=axes, opset_version=17, do_constant_folding=True)
    a = enc.added
    config = {
        'architectures': ['Qwen3ForCausalLM'], 'model_type': 'qwen3', 'attention_bias': False, 'attention_dropout': 0.0,
        'bos_token_id': a['<|endoftext|>'], 'eos_token_id': a['<|im_end|>'], 'pad_token_id': a['<|endoftext|>'],
        'hidden_act': 'silu', 'hidden_size': c['hidden_size'], 'intermediate_size': c['intermediate_size'],
        'num_hidden_layers': n, 'num_attention_heads': c['num_attention_heads'], 'num_key_value_heads': kvh,
        'head_dim': d, 'max_position_embeddings': c['max_position_embeddings'], 'rms_norm_eps': c['rms_norm_eps'],
        'rope_theta': c['rope_theta'], 'rope_scaling': None, 'tie_word_embeddings': True, 'torch_dtype': 'float32',
        'use_cache': True, 'vocab_size': ck['vocab'], 'sliding_window': None, 'use_sliding_window': False,
        'transformers_version': '4.51.0', 'reclens_demo': {'checkpoint': name, 'train_steps': ck['steps']},
    }
    gen = {'bos_token_id': a['<|endoftext|>'], 'eos_token_id': [a['<|im_end|>'], a['<|endoftext|>']],
           'pad_token_id': a['<|endoftext|>'], 'do_sample': False, 'max_new_tokens': 256,
           'transformers_version': '4.51.0'}
    json.dump(config, open(os.path.join(out, 'config.json'), 'w'), indent=2)
    json.dump(gen, open(os.path.join(out, 'generation_config.json'), 'w'), indent=2)
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copy(os.path.join(WORK, f), os.path.join(out, f))
    print(name, os.path.getsize(os.path.join(out, 'model.onnx')) // 1024, 'KiB')


def main():
    enc = load_encoder()
    for name in ('early', 'final'):
        export(name, enc)


if __name__ == '__main__':
    main()
