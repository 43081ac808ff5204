/**
 * The user picker of the inference commands: users from the server
 * (`reclens/users`, searched by id on the server as the user types, so a
 * users file of millions of lines stays quick), recent users first.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { UsersRequest } from '../protocol/messages';
import type { UserSummary } from '../protocol/users';
import { choose, searchAsTyped } from './quick-pick';

const RECENT_KEY = 'reclens.recentUsers';
const RECENT_MAX = 8;
/** Users listed per query; typing narrows the list. */
const LIMIT = 200;

interface UserItem extends vscode.QuickPickItem {
  user?: UserSummary;
}

const describe = (u: UserSummary): string =>
  [`${u.historyLength} history item${u.historyLength === 1 ? '' : 's'}`, `${u.targetCount} target${u.targetCount === 1 ? '' : 's'}`, u.split].filter(Boolean).join(' · ');

const toItem = (u: UserSummary): UserItem => ({ label: u.id, description: describe(u), user: u });

/** Asks for a user; resolves undefined when dismissed. Throws when the users cannot be listed (no users file, a bad file). */
export async function pickUser(client: LanguageClient, state: vscode.Memento, title: string): Promise<string | undefined> {
  const first = await client.sendRequest(UsersRequest, { limit: LIMIT });
  if (first.total === 0) {
    const why = first.problems.length ? first.problems[0] : first.paths.length ? `no users in ${first.paths.join(', ')}` : 'no users file';
    throw new Error(`${why}: set reclens.users.paths to a JSONL or OpenOneRec Parquet users file`);
  }
  const recent = state.get<UserSummary[]>(RECENT_KEY, []);
  const pick = vscode.window.createQuickPick<UserItem>();
  pick.title = title;
  pick.placeholder = `Type a user id (${first.total.toLocaleString('en')} users in ${first.paths.map((p) => p.split(/[\\/]/).pop()).join(', ')})`;
  pick.matchOnDescription = true;
  const show = (users: UserSummary[], query: string): void => {
    const recentIds = new Set(recent.map((u) => u.id));
    const shownRecent = recent.filter((u) => !query || u.id.toLowerCase().includes(query.toLowerCase()));
    const rest = users.filter((u) => !recentIds.has(u.id));
    pick.items = [
      ...(shownRecent.length ? [{ label: 'recent', kind: vscode.QuickPickItemKind.Separator }, ...shownRecent.map(toItem)] : []),
      ...(shownRecent.length && rest.length ? [{ label: 'users', kind: vscode.QuickPickItemKind.Separator }] : []),
      ...rest.map(toItem),
    ];
  };
  show(first.users, '');
  searchAsTyped(
    pick,
    (value) => client.sendRequest(UsersRequest, { query: value.trim(), limit: LIMIT }),
    (r, value) => show(r.users, value.trim()),
    () => undefined,
  );
  const chosen = (await choose(pick))?.user;
  if (!chosen) return undefined;
  await state.update(RECENT_KEY, [chosen, ...recent.filter((u) => u.id !== chosen.id)].slice(0, RECENT_MAX));
  return chosen.id;
}
