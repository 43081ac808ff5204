/**
 * The SID→PID mapping of OneReason_Eval_Benchmark (data v3.1, spec §1.7;
 * `v1_0/recommendation/utils_by_pid.py`): a JSON object
 * `{key: [{"pid"|"iid": N, "count": N, "count_after_downsample": N}, …]}` whose
 * key encoding is read from the first key in file order — `"c1.c2.c3"` when it
 * has a dot, otherwise the decimal integer c1·8192² + c2·8192 + c3. A generation
 * maps to a PID through its first `<s_a_N><s_b_N><s_c_N>` (`sidTuple`) and a
 * strategy: `max_pid` (the largest id, what every v3.1 task uses) or `random`
 * (a uniform choice, the `pid_*_random@k` baseline). Unmapped or unparsable
 * generations map to PID 0.
 *
 * `random` draws from a generator the caller passes in. The benchmark calls
 * Python's global `random.choice` (Mersenne Twister, seeded 42 in
 * RUN_COMMANDS.md) once per mapped generation, in an order that also depends on
 * every other use of that generator in the process, so its draws cannot be
 * reproduced bit for bit: `pid_pass_random@k` / `pid_recall_random@k` match the
 * benchmark in expectation (the same distribution per candidate), not draw for
 * draw, and differ from its numbers by sampling noise.
 *
 * Parsing is stricter than the benchmark where it would crash or silently use a
 * wrong file: a malformed mapping is an error naming the file, the key and what
 * to do. Keys are compared as exact decimal strings (BigInt), so huge codes never
 * collide; PIDs must be whole numbers JavaScript holds exactly (|n| ≤ 2^53 − 1).
 * Only `readMappingFile` does I/O.
 */
import { readFile } from 'node:fs/promises';
import { type Outcome, type SidTuple, sidTuple } from './sid';

/** How mapping keys encode a code tuple. */
export type SidEncoding = 'dot_join' | 'multiply';

/** A loaded SID→PID mapping. */
export interface SidMapping {
  readonly encoding: SidEncoding;
  /** Encoded key → the ids of its entries, in file order (0 for none is never stored: every entry has an id). */
  readonly pids: ReadonlyMap<string, readonly number[]>;
}

/** How one PID is chosen from a key's entries. */
export type PidStrategy = 'max_pid' | 'random';

/** A uniform random number in [0, 1), e.g. the engine's `seededRandom(42)`. */
export type RandomSource = () => number;

/** Codebook size per level in the multiply encoding. */
export const CODEBOOK_BASE = 8192n;

const INTEGER_KEY = /^\s*[+-]?\d+\s*$/;
const FIRST_KEY = /^\uFEFF?\s*\{\s*("(?:[^"\\]|\\.)*")/;

/** The key encoding of a mapping file's text, from its first key in file order ("multiply" when there is none). */
export function detectEncoding(text: string): SidEncoding {
  const m = FIRST_KEY.exec(text);
  return m && (JSON.parse(m[1]) as string).includes('.') ? 'dot_join' : 'multiply';
}

/** The mapping key of a code tuple: `"c1.c2.c3"`, or c1·8192² + c2·8192 + c3 in decimal. */
export function encodeSid(tuple: SidTuple, encoding: SidEncoding): string {
  if (encoding === 'dot_join') return tuple.join('.');
  return tuple.reduce((acc, code) => acc * CODEBOOK_BASE + BigInt(code), 0n).toString();
}

const fail = (file: string, what: string, todo: string): Outcome<never> => ({ ok: false, error: `${file}: ${what}; ${todo}` });

const FORMAT = 'a SID→PID mapping is {"<c1.c2.c3 or c1*8192^2+c2*8192+c3>": [{"pid": 123, "count": 4, "count_after_downsample": 2}, …]}';

/** The id of one mapping entry (`pid`, else `iid`), or an error message. */
function entryId(entry: unknown): number | string {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `has an entry that is ${describe(entry)}, not an object`;
  const e = entry as Record<string, unknown>;
  const field = 'pid' in e ? 'pid' : 'iid' in e ? 'iid' : undefined;
  if (!field) return 'has an entry with neither "pid" nor "iid"';
  const id = e[field];
  if (typeof id !== 'number' || !Number.isInteger(id)) return `has "${field}": ${describe(id)}, not a whole number`;
  if (!Number.isSafeInteger(id)) return `has "${field}": ${id}, too large to compare exactly (more than 2^53 − 1)`;
  return id;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'object' ? 'an object' : String(v);
}

/** Parse a mapping file's text; `file` names it in error messages. */
export function parseMapping(text: string, file: string): Outcome<SidMapping> {
  let root: unknown;
  try {
    root = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return fail(file, `not valid JSON (${(e as Error).message})`, `check that this is the benchmark's sid2pid JSON file; ${FORMAT}`);
  }
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    return fail(file, `the top level is ${describe(root)}, not an object`, FORMAT);
  }
  const keys = Object.keys(root);
  if (keys.length === 0) {
    return fail(file, 'the mapping is empty, so no SID would be valid and every PID metric would be 0', `check that this is the benchmark's sid2pid file; ${FORMAT}`);
  }
  const encoding = detectEncoding(text);
  const pids = new Map<string, readonly number[]>();
  for (const key of keys) {
    const value = (root as Record<string, unknown>)[key];
    const where = `key ${JSON.stringify(key)}`;
    if (!Array.isArray(value)) return fail(file, `${where} maps to ${describe(value)}, not a list of {pid, count, count_after_downsample}`, FORMAT);
    const ids: number[] = [];
    for (const entry of value) {
      const id = entryId(entry);
      if (typeof id === 'string') return fail(file, `${where} ${id}`, FORMAT);
      ids.push(id);
    }
    if (encoding === 'dot_join') {
      pids.set(key, ids);
    } else if (INTEGER_KEY.test(key)) {
      pids.set(BigInt(key.trim()).toString(), ids);
    } else {
      return fail(file, `${where} is not an integer, but the first key says keys are integers (c1*8192^2+c2*8192+c3)`, 'use one key encoding throughout the file: all "c1.c2.c3" or all integers');
    }
  }
  return { ok: true, value: { encoding, pids } };
}

/** Read and parse a mapping file; a missing or unreadable file is an error value too. */
export async function readMappingFile(path: string): Promise<Outcome<SidMapping>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return fail(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'point RecLens at the benchmark\'s sid2pid_*.json for this task (in its data directory)');
  }
  return parseMapping(text, path);
}

/** The mapping key of a generation's SID tuple, if it has one. */
export function sidKeyOf(generation: string, encoding: SidEncoding): string | undefined {
  const tuple = sidTuple(generation);
  return tuple && encodeSid(tuple, encoding);
}

/** Whether a generation's SID tuple is a key of the mapping (sid_validity). */
export function isKnownSid(generation: string, mapping: SidMapping): boolean {
  const key = sidKeyOf(generation, mapping.encoding);
  return key !== undefined && mapping.pids.has(key);
}

/** One PID from a key's ids: the largest (`max_pid`) or a uniform draw (`random`, which draws only for a non-empty list); 0 for none. */
export function choosePid(ids: readonly number[], strategy: PidStrategy, random: RandomSource): number {
  if (ids.length === 0) return 0;
  if (strategy === 'random') return ids[Math.min(ids.length - 1, Math.floor(random() * ids.length))];
  let max = ids[0];
  for (const id of ids) if (id > max) max = id;
  return max;
}

const noRandom: RandomSource = () => {
  throw new Error('the random PID strategy needs a random source');
};

/** §1.7 the PID of a generation under a strategy; 0 when it has no SID tuple or the tuple is not mapped. */
export function pidOf(generation: string, mapping: SidMapping, strategy: PidStrategy, random: RandomSource = noRandom): number {
  const key = sidKeyOf(generation, mapping.encoding);
  const ids = key === undefined ? undefined : mapping.pids.get(key);
  return ids ? choosePid(ids, strategy, random) : 0;
}
