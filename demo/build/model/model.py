"""A tiny Qwen3-shaped decoder: RMSNorm, RoPE, grouped-query attention with
per-head q/k RMSNorm, SwiGLU MLP, tied embeddings. Its forward takes and
returns the standard ONNX decoder layout (input_ids, attention_mask,
position_ids, past key/values -> logits, present key/values)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = dict(hidden_size=128, intermediate_size=384, num_hidden_layers=3, num_attention_heads=4,
              num_key_value_heads=2, head_dim=32, rope_theta=1000000.0, rms_norm_eps=1e-6,
              max_position_embeddings=2048)


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.kvh, self.d = c['num_attention_heads'], c['num_key_value_heads'], c['head_dim']
        e = c['hidden_size']
        self.q_proj = nn.Linear(e, self.h * self.d, bias=False)
        self.k_proj = nn.Linear(e, self.kvh * self.d, bias=False)
        self.v_proj = nn.Linear(e, self.kvh * self.d, bias=False)
        self.o_proj = nn.Linear(self.h * self.d, e, bias=False)
        self.q_norm = RMSNorm(self.d, c['rms_norm_eps'])
        self.k_norm = RMSNorm(self.d, c['rms_norm_eps'])

    def forward(self, x, cos, sin, mask, past_k, past_v):
        b, s, _ = x.shape
        q = self.q_norm(self.q_proj(x).view(b, s, self.h, self.d)).transpose(1, 2)
        k = self.k_norm(self.k_proj(x).view(b, s, self.kvh, self.d)).transpose(1, 2)
        v = self.v_proj(x).view(b, s, self.kvh, self.d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        g = self.h // self.kvh
        t = k.shape[2]
        # GQA by expand + reshape (repeat_interleave exports with a fixed shape)
        kk = k[:, :, None, :, :].expand(b, self.kvh, g, t, self.d).reshape(b, self.h, t, self.d)
        vv = v[:, :, None, :, :].expand(b, self.kvh, g, t, self.d).reshape(b, self.h, t, self.d)
        att = torch.matmul(q, kk.transpose(2, 3)) * (self.d ** -0.5)
        att = att.masked_fill(~mask, -1e9)
        out = torch.matmul(torch.softmax(att, dim=-1), vv)
        out = out.transpose(1, 2).reshape(b, s, self.h * self.d)
        return self.o_proj(out), present


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        e, i = c['hidden_size'], c['intermediate_size']
        self.input_layernorm = RMSNorm(e, c['rms_norm_eps'])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(e, c['rms_norm_eps'])
        self.gate_proj = nn.Linear(e, i, bias=False)
        self.up_proj = nn.Linear(e, i, bias=False)
        self.down_proj = nn.Linear(i, e, bias=False)

    def forward(self, x, cos, sin, mask, pk, pv):
        a, present = self.self_attn(self.input_layernorm(x), cos, sin, mask, pk, pv)
        x = x + a
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h)), present


class Decoder(nn.Module):
    def __init__(self, c, vocab_size):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(vocab_size, c['hidden_size'])
        self.layers = nn.ModuleList([Layer(c) for _ in range(c['num_hidden_layers'])])
        self.norm = RMSNorm(c['hidden_size'], c['rms_norm_eps'])
        d = c['head_dim']
        self.register_buffer('inv_freq', 1.0 / (c['rope_theta'] ** (torch.arange(0, d, 2).float() / d)), persistent=False)
        nn.init.normal_(self.embed_tokens.weight, std=0.02)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """past: list of (key, value) [batch, kv_heads, past_len, head_dim] per layer, or None."""
        x = self.embed_tokens(input_ids)
        s = input_ids.shape[1]
        freqs = position_ids[:, :, None].float() * self.inv_freq[None, None, :]
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        t = attention_mask.shape[1]
        q_pos = torch.arange(s, device=input_ids.device) + (t - s)
        k_pos = torch.arange(t, device=input_ids.device)
        causal = k_pos[None, :] <= q_pos[:, None]
        mask = causal[None, None, :, :] & (attention_mask[:, None, None, :] > 0)
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[i] if past is not None else (None, None))
            x, p = layer(x, cos, sin, mask, pk, pv)
            presents.append(p)
        logits = F.linear(self.norm(x), self.embed_tokens.weight)
        return logits, presents
