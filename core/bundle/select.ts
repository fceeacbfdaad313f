import { closest } from "../config/parse.ts";
import { ConfigError } from "../errors.ts";
import { type RunRecord, RunStatus } from "../train/run_record.ts";

/**
 * Run selection for export: `key=value[,key=value...]`, every condition must hold; a value may list
 * alternatives with `|` (`model=lstm|gru`). `id` and `created` match a prefix, `model` matches the
 * full name (`neural:lstm`) or the short one (`lstm`), the rest match exactly.
 */

/** What each key reads of a run record. */
const KEYS = {
  id: (r: RunRecord) => r.id,
  model: (r: RunRecord) => r.model,
  family: (r: RunRecord) => r.family,
  horizon: (r: RunRecord) => String(r.horizon),
  seq_len: (r: RunRecord) => String(r.seq_len),
  status: (r: RunRecord) => r.status,
  seed: (r: RunRecord) => String(r.seed),
  backend: (r: RunRecord) => r.backend.name,
  created: (r: RunRecord) => r.created_at,
  /** The experiment the run was trained for; "" for a run of none (never matched: a value is never empty). */
  experiment: (r: RunRecord) => r.experiment?.name ?? "",
} as const;

/** A key `--select` understands. */
export type SelectKey = keyof typeof KEYS;
/** The keys, for messages and help. */
export const SELECT_KEYS = Object.keys(KEYS) as SelectKey[];

/** A parsed selection: per key, the values any of which may match. */
export type Selection = Partial<Record<SelectKey, string[]>>;

const INTEGER_KEYS = new Set<SelectKey>(["horizon", "seq_len", "seed"]);

/** Parses `--select`; an unknown key (with the closest valid one), a missing `=`, an empty value or a repeated key is a ConfigError. */
export function parseSelect(text: string): Selection {
  const selection: Selection = {};
  const parts = text.split(",").map((p) => p.trim());
  if (!text.trim()) throw new ConfigError(`--select is empty; give key=value[,key=value...] with keys ${SELECT_KEYS.join(", ")}`, { key: "select" });
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new ConfigError(`--select: "${part}" is not key=value; keys: ${SELECT_KEYS.join(", ")}`, { key: "select", value: part });
    const key = part.slice(0, eq).trim();
    const values = part.slice(eq + 1).split("|").map((v) => v.trim());
    if (!(key in KEYS)) {
      const near = closest(key, SELECT_KEYS);
      throw new ConfigError(`--select: unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}; keys: ${SELECT_KEYS.join(", ")}`, { key, value: part });
    }
    const k = key as SelectKey;
    if (selection[k]) throw new ConfigError(`--select: "${k}" is given twice; list alternatives as ${k}=a|b`, { key: k });
    if (values.some((v) => !v)) throw new ConfigError(`--select: ${k} has an empty value in "${part}"`, { key: k, value: part });
    if (INTEGER_KEYS.has(k)) {
      const bad = values.find((v) => !/^\d+$/.test(v));
      if (bad) throw new ConfigError(`--select: ${k} must be a whole number, got "${bad}"`, { key: k, value: bad });
    }
    if (k === "status") {
      const bad = values.find((v) => !RunStatus.options.includes(v as RunRecord["status"]));
      if (bad) throw new ConfigError(`--select: status "${bad}" is not one of ${RunStatus.options.join(", ")}`, { key: k, value: bad });
    }
    selection[k] = values.map((v) => (INTEGER_KEYS.has(k) ? String(Number(v)) : v));
  }
  return selection;
}

/** Whether a run record satisfies every condition of a selection. */
export function matches(record: RunRecord, selection: Selection): boolean {
  return Object.entries(selection).every(([key, values]) => {
    const actual = KEYS[key as SelectKey](record);
    return values!.some((value) => {
      if (key === "id" || key === "created") return actual.startsWith(value);
      if (key === "model") return actual === value || actual.split(":").at(-1) === value;
      return actual === value;
    });
  });
}
