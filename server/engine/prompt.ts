/**
 * The prompt for one user, from a template (`reclens.inference.promptTemplate`)
 * in the model's conventions: Qwen3 chat markup, `/think` or `/no_think`,
 * the history as concatenated codes. Pure.
 */
import { formatCode, type CompiledGrammar } from '../items/grammar';
import type { UserItem, UserRecord } from '../users/types';
import type { Branch, PromptSettings } from './types';

/** The history items the prompt shows: the most recent `historyLength` (all when 0). */
export function promptHistory(user: UserRecord, settings: PromptSettings): UserItem[] {
  return settings.historyLength > 0 ? user.history.slice(-settings.historyLength) : user.history;
}

/** The prompt text for a branch; placeholders: `{history}`, `{mode}`, `{user}`. Unknown placeholders are left as written. */
export function buildPrompt(user: UserRecord, branch: Branch, settings: PromptSettings, grammar: CompiledGrammar): string {
  const history = promptHistory(user, settings)
    .map((item) => formatCode(grammar, item.levels, { domain: item.domain }))
    .join('');
  const values: Record<string, string> = { history, mode: branch === 'thinking' ? '/think' : '/no_think', user: user.id };
  return settings.template.replace(/\{(history|mode|user)\}/g, (_, key: string) => values[key]);
}
