/**
 * Changing a paused live run: Force Next Token… (a QuickPick of the
 * adapter's top next tokens, or any text typed) and Replace the Rest of the
 * Generation… (an InputBox). Both are custom DAP requests of the RecLens
 * adapter (protocol/debug.ts).
 */
import * as vscode from 'vscode';
import { FORCE_TOKEN_REQUEST, REPLACE_REST_REQUEST, TOP_TOKENS_REQUEST, type ForceTokenArguments, type ReplaceRestArguments, type TopTokensResponse } from '../../protocol/debug';
import { choose } from '../quick-pick';

interface TokenItem extends vscode.QuickPickItem {
  token: string;
}

/** A token as the user reads it: quoted, with whitespace and control characters escaped (`" the"`, `"\n"`). */
export const showToken = (token: string): string => JSON.stringify(token);

/** Asks which token comes next and forces it. */
export async function forceToken(session: vscode.DebugSession): Promise<void> {
  const pick = vscode.window.createQuickPick<TokenItem>();
  pick.title = 'RecLens: Force the Next Token';
  pick.placeholder = 'Pick one of the most probable tokens, or type the token to force';
  pick.busy = true;
  let top: TokenItem[] = [];
  const typed = (value: string): TokenItem[] => (value ? [{ token: value, label: `$(edit) ${showToken(value)}`, description: 'force what you typed', alwaysShow: true }] : []);
  pick.onDidChangeValue((value) => (pick.items = [...typed(value), ...top]));
  const chosen = choose(pick);
  try {
    const answer = (await session.customRequest(TOP_TOKENS_REQUEST, {})) as TopTokensResponse;
    top = answer.tokens.map((t) => ({ token: t.token, label: showToken(t.token), description: `${(t.prob * 100).toFixed(1)}%` }));
    pick.items = [...typed(pick.value), ...top];
  } catch (e) {
    pick.placeholder = `Type the token to force (the adapter listed no tokens: ${e instanceof Error ? e.message : String(e)})`;
  } finally {
    pick.busy = false;
  }
  const item = await chosen;
  if (!item) return;
  const args: ForceTokenArguments = { token: item.token };
  await session.customRequest(FORCE_TOKEN_REQUEST, args);
}

/** Asks for the text that replaces the rest of the generation, and sends it. */
export async function replaceRest(session: vscode.DebugSession): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'RecLens: Replace the Rest of the Generation',
    prompt: 'What the model writes from here instead of its own continuation; the run goes on after it',
    placeHolder: 'e.g. The user wants a leave-in conditioner.',
    ignoreFocusOut: true,
    validateInput: (v) => (v.length ? undefined : 'Type the text to write'),
  });
  if (text === undefined) return;
  const args: ReplaceRestArguments = { text };
  await session.customRequest(REPLACE_REST_REQUEST, args);
}
