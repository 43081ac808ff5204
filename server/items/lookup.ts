/**
 * What the rest of RecLens asks of an item pool: resolve a code (or a prefix,
 * or an id) to items. The in-memory lookup serves small tables now; a compact
 * on-disk index for 10⁶–10⁷ items will implement the same interface.
 */

/** One item of an alignment table. */
export interface ItemRecord {
  id: string;
  /** The item's code, coarse to fine. */
  levels: number[];
  /** Domain named by the code's begin token (OneReason), when the table says. */
  domain?: string;
  title?: string;
  caption?: string;
  categories?: string;
  popularity?: number;
  /** Where the item was read from; `line` is 1-based. */
  source: { path: string; line?: number };
}

/** Read-only queries over an item pool. */
export interface ItemLookup {
  readonly size: number;
  /** The table paths the pool was loaded from. */
  readonly sources: string[];
  /** Items with exactly this code (collisions), most popular first. */
  exact(levels: number[], domain?: string): ItemRecord[];
  /** How many items lie under a prefix (a cluster), with up to `limit` examples, most popular first. */
  prefix(levels: number[], domain?: string, limit?: number): { count: number; examples: ItemRecord[] };
  /** Next-level values under a prefix with their item counts, for completion. */
  children(levels: number[], domain?: string, limit?: number): { value: number; count: number; example?: ItemRecord }[];
  byId(id: string): ItemRecord | undefined;
  /** Whether any item has exactly this code. */
  has(levels: number[], domain?: string): boolean;
  /** Case-insensitive substring search over title, caption, categories and id; prefix/word matches first, then popularity. */
  search(query: string, limit: number): ItemRecord[];
}
