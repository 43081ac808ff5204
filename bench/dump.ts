/**
 * A deterministic synthetic OpenOneRec benchmark dump for the parse benchmark:
 * samples with a Qwen3 chat prompt holding ~50 history codes, several
 * two-stage thinking generations (layered English/Chinese thinking that
 * mentions some codes, `</think>`, then codes), ground truth, metadata and
 * metrics — the shape `analyzeBenchmark` reads.
 */

/** A small linear congruential generator, so every run builds the same bytes. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

const words = (
  'the user watched several cooking videos and fitness clips which suggests a latent interest in healthy lifestyle content ' +
  'recent sessions are short and late at night so lighter entertainment fits better than long tutorials ' +
  '用户 最近 观看 了 多个 美食 视频 说明 其 对 健康 生活 方式 有 兴趣 短期 偏好 转向 轻松 娱乐'
).split(' ');

/** Build a dump of about `bytes` UTF-16 units (JSON.stringify output, two-space indent off). */
export function generateDump(bytes: number, seed = 1): string {
  const rnd = random(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const code = (): string => `<|sid_begin|><s_a_${int(8192)}><s_b_${int(8192)}><s_c_${int(8192)}><|sid_end|>`;
  const sentence = (): string => {
    const n = 8 + int(14);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(words[int(words.length)]);
    return out.join(' ');
  };
  const headings = [
    ['## Perception', '## Derivation', '## Evolution', '## Recommendation'],
    ['**R0 Perception**', '**R1 Derivation**', '**R2 Evolution**', '**R3 Recommendation**'],
    ['感知：', '推导：', '演化：', '推荐：'],
  ];
  const parts: string[] = [];
  let size = 14;
  for (let i = 0; size < bytes; i++) {
    const history: string[] = [];
    for (let k = 0; k < 50; k++) history.push(code());
    const prompt = `<|im_start|>system\nYou are a recommender.<|im_end|>\n<|im_start|>user\n用户历史：${history.join('')}\n请推荐下一个视频。/think<|im_end|>\n<|im_start|>assistant\n<think>\n`;
    const generations: string[] = [];
    for (let g = 0; g < 4; g++) {
      const h = headings[int(headings.length)];
      const lines: string[] = [];
      for (const heading of h) {
        lines.push(heading);
        for (let l = 0; l < 3; l++) lines.push(sentence() + (rnd() < 0.3 ? ` ${history[int(50)]}` : ''));
      }
      generations.push(`${lines.join('\n')}\n</think>\n${code()}`);
    }
    const sample = {
      prompt,
      generations,
      ground_truth: code(),
      metadata: { uid: `u${i}`, source: 'video', history_len: 50 },
      'pass@1': rnd() < 0.3 ? 1 : 0,
      'pass@32': rnd() < 0.6 ? 1 : 0,
      'recall@32': Math.round(rnd() * 1000) / 1000,
    };
    const json = `${JSON.stringify(String(i))}: ${JSON.stringify(sample)}`;
    parts.push(json);
    size += json.length + 2;
  }
  return `{"samples": {\n${parts.join(',\n')}\n}}\n`;
}
