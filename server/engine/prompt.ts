/**
 * The exact text each branch feeds the model. The messages come from
 * `reclens.inference.promptTemplate` (its `<|im_start|>ROLE … <|im_end|>`
 * turns; placeholders `{history}`, `{mode}`, `{user}`); when the model
 * folder has a chat template they are rendered through it with
 * `@huggingface/jinja`, as `apply_chat_template(messages,
 * add_generation_prompt=True, enable_thinking=…)` does for the benchmark,
 * else the template's own markup is the prompt. A chat template that reads
 * `enable_thinking` (Qwen3's, OneReason's `qwen3_soft_switch`) writes the
 * thinking switch itself — `/think` or `/no_think` after the last user
 * turn, the empty think block when thinking is off — so `{mode}` is left
 * empty and nothing is appended; otherwise `{mode}` is filled and the
 * engine appends the thinking opening or the empty think block. Pure.
 */
import { Template } from '@huggingface/jinja';
import type { BranchContext, Branch, PromptSettings } from '../../protocol/inference';
import { formatCode, type CompiledGrammar } from '../items/grammar';
import type { UserItem, UserRecord } from '../users/types';
import { ModelError } from './model-folder';

/** A model's chat template and the special tokens it may print. */
export interface ChatTemplate {
  /** Where it was read from, for messages (`…/tokenizer_config.json`). */
  file: string;
  source: string;
  /** Special tokens the template may name (`bos_token`, `eos_token`, …). */
  tokens: Record<string, string>;
}

export interface ChatMessage {
  role: string;
  content: string;
}

/** The history items the prompt shows: the most recent `historyLength` (all when 0). */
export function promptHistory(user: UserRecord, settings: PromptSettings): UserItem[] {
  return settings.historyLength > 0 ? user.history.slice(-settings.historyLength) : user.history;
}

const modeWord = (branch: Branch): string => (branch === 'thinking' ? '/think' : '/no_think');

/** The prompt template with its placeholders filled: `{history}`, `{mode}` (given), `{user}`. Unknown placeholders are left as written. */
export function fillTemplate(user: UserRecord, mode: string, settings: PromptSettings, grammar: CompiledGrammar): string {
  const history = promptHistory(user, settings)
    .map((item) => formatCode(grammar, item.levels, { domain: item.domain }))
    .join('');
  const values: Record<string, string> = { history, mode, user: user.id };
  return settings.template.replace(/\{(history|mode|user)\}/g, (_, key: string) => values[key]);
}

/** The chat turns of a prompt written in Qwen markup (`<|im_start|>ROLE\n…<|im_end|>`); text without turns is one user message. */
export function chatMessages(text: string): ChatMessage[] {
  const messages = [...text.matchAll(/<\|im_start\|>([^\n]*)\n([\s\S]*?)<\|im_end\|>/g)].map((m) => ({ role: m[1].trim(), content: m[2] }));
  return messages.length > 0 ? messages : [{ role: 'user', content: text }];
}

/** Whether a chat template writes the thinking switch itself (it reads `enable_thinking`). */
export function writesThinkingSwitch(chat: ChatTemplate): boolean {
  return /\benable_thinking\b/.test(chat.source);
}

const compiled = new Map<string, Template>();

/** Render a chat template with a generation prompt; throws `ModelError` naming the file when it cannot. */
export function renderChat(chat: ChatTemplate, messages: ChatMessage[], enableThinking: boolean): string {
  try {
    let template = compiled.get(chat.source);
    if (!template) compiled.set(chat.source, (template = new Template(chat.source)));
    return template.render({ ...chat.tokens, messages, add_generation_prompt: true, enable_thinking: enableThinking });
  } catch (e) {
    throw new ModelError(`${chat.file}: the chat template cannot be rendered (${(e as Error).message}); fix "chat_template", or remove it to use reclens.inference.promptTemplate`);
  }
}

/**
 * What a branch feeds the model (see `BranchContext`): the prompt with the
 * opening the engine appends, and the text the code stage appends after
 * it (and after a thinking sample): `</think>\n` + `begin`, or `begin`.
 */
export function branchContext(user: UserRecord, branch: Branch, settings: PromptSettings, grammar: CompiledGrammar, begin: string, chat?: ChatTemplate): BranchContext {
  const code = (branch === 'thinking' ? settings.thinkClose : '') + begin;
  const opening = branch === 'thinking' ? settings.thinkOpen : settings.emptyThink;
  if (!chat) return { prompt: fillTemplate(user, modeWord(branch), settings, grammar) + opening, code };
  const switches = writesThinkingSwitch(chat);
  const messages = chatMessages(fillTemplate(user, switches ? '' : modeWord(branch), settings, grammar));
  return { prompt: renderChat(chat, messages, branch === 'thinking') + (switches ? '' : opening), code };
}
