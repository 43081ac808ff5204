/**
 * The `UserSet` over users already read: a map by id for `get`, file order
 * for `list`, and a linear id search (10⁵ ids take about a millisecond).
 */
import type { SourceProblem } from '../items/sources/types';
import type { UserSummary } from '../../protocol/users';
import type { UserRecord, UserSet } from './types';

/** A set over `users` (ids already unique, in file order). */
export function createUserSet(users: UserRecord[], paths: string[], problems: SourceProblem[]): UserSet {
  const byId = new Map<string, UserRecord>();
  for (const u of users) byId.set(u.id, u);
  let lowerIds: string[] | undefined;
  return {
    size: users.length,
    paths: [...paths],
    problems,
    get: (id) => byId.get(id),
    list: () => users.map(summary),
    search(query, limit) {
      if (limit <= 0) return [];
      const q = query.trim().toLowerCase();
      if (q === '') return users.slice(0, limit).map(summary);
      lowerIds ??= users.map((u) => u.id.toLowerCase());
      const prefix: UserRecord[] = [];
      const inner: UserRecord[] = [];
      for (let i = 0; i < users.length && prefix.length < limit; i++) {
        const at = lowerIds[i].indexOf(q);
        if (at === 0) prefix.push(users[i]);
        else if (at > 0 && inner.length < limit) inner.push(users[i]);
      }
      return [...prefix, ...inner].slice(0, limit).map(summary);
    },
  };
}

/** A user without the item lists. */
export function summary(u: UserRecord): UserSummary {
  const s: UserSummary = { id: u.id, historyLength: u.history.length, targetCount: u.targets.length, source: u.source };
  if (u.split !== undefined) s.split = u.split;
  return s;
}
