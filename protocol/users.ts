/** A user without the item lists, as the server lists users to clients (`reclens/users`) and to pickers. */
export interface UserSummary {
  id: string;
  historyLength: number;
  targetCount: number;
  split?: string;
  source: { path: string; line?: number };
}
