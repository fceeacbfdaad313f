import { z } from "zod";
import { ConfigError } from "../errors.ts";

/**
 * Parses `value` with `schema`, or throws one ConfigError listing every problem with its key path,
 * the offending value, and for an unknown key the closest valid key.
 * @example parseConfig(TrainerConfig, { epoch: 3 }, "trainer") // ConfigError: trainer: unknown key "epoch" (did you mean "epochs"?)
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(schema, value, issue));
  const first = result.error.issues[0];
  const body = lines.length === 1 ? ` ${lines[0]}` : `\n${lines.map((l) => `  - ${l}`).join("\n")}`;
  throw new ConfigError(`Invalid ${where}:${body}`, {
    key: first ? pathText(first.path) : undefined,
  });
}

function describeIssue(schema: z.ZodType, root: unknown, issue: z.core.$ZodIssue): string {
  const at = pathText(issue.path);
  if (issue.code === "unrecognized_keys") {
    const valid = objectKeysAt(schema, issue.path);
    return issue.keys.map((key) => {
      const near = closest(key, valid);
      const hint = near ? ` (did you mean "${near}"?)` : valid.length ? ` (valid keys: ${valid.join(", ")})` : "";
      return `unknown key "${at ? `${at}.` : ""}${key}"${hint}`;
    }).join("\n  - ");
  }
  const got = valueAt(root, issue.path);
  const shown = got === undefined ? "missing" : JSON.stringify(got);
  const range = issue.code === "too_small" || issue.code === "too_big" ? numberRange(schemaAt(schema, issue.path)) : undefined;
  return `${at || "(root)"}: ${range ? `expected ${range}` : issue.message} (got ${shown})`;
}

/** "an integer from 1 to 100000", "a number > 0 and <= 10": the whole allowed range of a number schema. */
function numberRange(node: z.core.$ZodType | undefined): string | undefined {
  const def = node?._zod.def as
    | { type: string; checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } } }[] }
    | undefined;
  if (def?.type !== "number") return undefined;
  let integer = false, low: string | undefined, high: string | undefined;
  for (const { _zod: { def: c } } of def.checks ?? []) {
    if (c.check === "number_format") integer = c.format === "safeint" || c.format === "int32";
    if (c.check === "greater_than") low = `${c.inclusive ? ">=" : ">"} ${c.value}`;
    if (c.check === "less_than") high = `${c.inclusive ? "<=" : "<"} ${c.value}`;
  }
  const kind = integer ? "an integer" : "a number";
  if (low?.startsWith(">=") && high?.startsWith("<=")) return `${kind} from ${low.slice(3)} to ${high.slice(3)}`;
  return [kind, [low, high].filter(Boolean).join(" and ")].filter(Boolean).join(" ");
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** The schema at `path`, looking through optional/default/pipe wrappers; undefined when the path leaves it. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (!node) return undefined;
    const def = node._zod.def as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (def.type === "object" && def.shape) node = unwrap(def.shape[String(key)]);
    else if (def.type === "array" && def.element) node = unwrap(def.element);
    else return undefined;
  }
  return node;
}

/** The keys an object schema accepts at `path`. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const def = schemaAt(schema, path)?._zod.def as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: z.core.$ZodType | undefined): z.core.$ZodType | undefined {
  let node = schema;
  for (let i = 0; node && i < 16; i++) {
    const def = node._zod.def as { innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    const next = def.innerType ?? def.in;
    if (!next) break;
    node = next;
  }
  return node;
}

/** The candidate within edit distance max(2, len/3) of `word`, nearest first; undefined when none is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
