/**
 * The PID side of a recommendation sample's ground truth, read from its
 * `metadata` the way OneReason_Eval_Benchmark (data v3.1) reads it (spec §1.7,
 * §1.8): `answer_pid`, falling back to `answer_iid`, as a list, a JSON string or
 * a scalar, with zeros dropped; and the positionally aligned weight lists
 * (`incremental_value`, `play_count`, `duration`) of the weighted recalls.
 *
 * The benchmark has two parsers: the one for pass/recall (`groundTruthPids`)
 * stops the whole evaluation on a string that is not JSON, where RecLens reads
 * no PIDs (the sample scores 0); the one for weighted recall (`metadataList`)
 * already reads such a string as no list. Pure.
 */

/** A sample's metadata as it appears in `test_generated.json`. */
export type Metadata = Readonly<Record<string, unknown>>;

/**
 * A ground-truth PID: a number, or, for an `answer_pid` entry that is not a
 * number (a string, null), its JSON text after a NUL so that no candidate PID
 * equals it while it still counts in recall's denominator, as in Python.
 */
export type PidKey = number | string;

/** The ground-truth PIDs of a sample. */
export interface GroundTruthPids {
  /** GT_pid: the answer PIDs without zeros, de-duplicated. */
  readonly set: ReadonlySet<PidKey>;
  /** first_pid: the first non-zero answer PID, if any. */
  readonly first: PidKey | undefined;
}

/** The raw answer PIDs: `answer_pid`, or `answer_iid` when answer_pid is absent or null. */
export function answerPidField(metadata: Metadata | undefined): unknown {
  return metadata?.answer_pid ?? metadata?.answer_iid ?? [];
}

/** Python's view of a scalar as a set member: booleans are the integers 0 and 1. */
export function pidKey(value: unknown): PidKey {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  return `\u0000${JSON.stringify(value) ?? 'undefined'}`;
}

const parseJson = (text: string): { ok: boolean; value?: unknown } => {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
};

/** What Python's `for x in value` visits: list items, object keys, string characters, or the scalar alone. */
function pythonItems(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'number' || typeof value === 'boolean') return [value];
  if (typeof value === 'string') return [...value];
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return [];
}

/** §1.7 GT PIDs for pid_pass / pid_position1_pass / pid_recall: the answer PIDs (a JSON string is decoded first), zeros dropped. */
export function groundTruthPids(metadata: Metadata | undefined): GroundTruthPids {
  let raw = answerPidField(metadata);
  if (typeof raw === 'string') {
    const parsed = parseJson(raw);
    if (!parsed.ok) return { set: new Set(), first: undefined };
    raw = parsed.value;
  }
  const keys = pythonItems(raw).map(pidKey).filter((k) => k !== 0);
  return { set: new Set(keys), first: keys[0] };
}

/**
 * A metadata list as the weighted recall reads it (`_parse_metadata_list`):
 * a list as is, a number as a one-item list, a JSON string decoded the same
 * way; anything else (null, an object, a string that is not JSON) is empty.
 */
export function metadataList(value: unknown): readonly unknown[] {
  let v = value;
  if (typeof v === 'string') {
    const parsed = parseJson(v);
    if (!parsed.ok) return [];
    v = parsed.value;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return [v];
  return Array.isArray(v) ? v : [];
}

const PY_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A weight as Python's `float(w)`, or undefined for null. A string Python
 * cannot convert stops the benchmark; RecLens skips it like a null weight.
 */
export function weightValue(w: unknown): number | undefined {
  if (typeof w === 'number') return w;
  if (typeof w === 'boolean') return Number(w);
  if (typeof w === 'string') {
    const t = w.trim();
    if (PY_FLOAT.test(t)) return Number(t);
    if (/^[+-]?(?:inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(t)) return NaN;
  }
  return undefined;
}
