import { z } from "zod";
import { DatasetConfig } from "../config/dataset.ts";
import { closest } from "../config/parse.ts";
import { TrainerConfig } from "../config/trainer.ts";
import { ConfigError } from "../errors.ts";

/** A parameter that exists only when another parameter's value is in a list (e.g. `params.kernel` only when `params.kind` is "conv"). */
export const Condition = z.strictObject({
  /** The path of the parameter this one depends on, e.g. `params.activation`. */
  param: z.string().min(1),
  /** The values of that parameter for which this one is sampled. */
  in: z.array(z.unknown()).min(1),
});
/** A parsed condition. */
export type Condition = z.output<typeof Condition>;

/** A real number from `low` to `high` (inclusive); log-uniform when `log`, on the grid low + k step when `step`. */
export const FloatDistribution = z.strictObject({
  type: z.literal("float"),
  low: z.number(),
  high: z.number(),
  log: z.boolean().optional(),
  step: z.number().positive().optional(),
  when: Condition.optional(),
});
/** A float distribution. */
export type FloatDistribution = z.output<typeof FloatDistribution>;

/** An integer from `low` to `high` (inclusive); log-uniform when `log`, on the grid low + k step (step 1 when absent). */
export const IntDistribution = z.strictObject({
  type: z.literal("int"),
  low: z.number().int(),
  high: z.number().int(),
  log: z.boolean().optional(),
  step: z.number().int().positive().optional(),
  when: Condition.optional(),
});
/** An int distribution. */
export type IntDistribution = z.output<typeof IntDistribution>;

/** A choice value: a JSON scalar, or a list of them (e.g. an MLP's hidden sizes `[128, 64]`). */
export const Choice = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))]);
/** One categorical choice. */
export type Choice = z.output<typeof Choice>;

/** One of a list of values, unordered (the samplers treat them by index). */
export const CategoricalDistribution = z.strictObject({
  type: z.literal("categorical"),
  choices: z.array(Choice).min(1),
  when: Condition.optional(),
});
/** A categorical distribution. */
export type CategoricalDistribution = z.output<typeof CategoricalDistribution>;

/** One parameter's distribution. */
export const Distribution = z.discriminatedUnion("type", [FloatDistribution, IntDistribution, CategoricalDistribution]);
/** A parsed distribution. */
export type Distribution = z.output<typeof Distribution>;

/**
 * A search space: distributions keyed by the path of the setting they fill, `params.<key>` (the plugin's configSchema),
 * `dataset.<key>` (DatasetConfig, e.g. `dataset.seq_len`) or `trainer.<key>` (TrainerConfig, e.g. `trainer.batch_size`).
 */
export const SearchSpace = z.record(z.string().min(1), Distribution);
/** A parsed search space. */
export type SearchSpace = z.output<typeof SearchSpace>;

/** The settings of one run that a space fills: plugin params, dataset and trainer settings (each as in a run config). */
export interface RunSettings {
  params: Record<string, unknown>;
  dataset: Record<string, unknown>;
  trainer: Record<string, unknown>;
}

const SECTIONS = ["params", "dataset", "trainer"] as const;

/** The keys an object schema accepts, looking through optional/default wrappers; undefined when it is not an object schema. */
function objectKeys(schema: z.core.$ZodType): string[] | undefined {
  let node: z.core.$ZodType | undefined = schema;
  for (let i = 0; node && i < 16; i++) {
    const def = node._zod.def as { type: string; shape?: Record<string, unknown>; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if (def.type === "object") return def.shape ? Object.keys(def.shape) : undefined;
    node = def.innerType ?? def.in;
  }
  return undefined;
}

/**
 * Parses and checks a search space, throwing one ConfigError naming the key for: a malformed entry, a key outside
 * params/dataset/trainer or unknown to its schema (when `configSchema`, the plugin's schema, is given; dataset and
 * trainer keys are always checked), low > high, a log range through 0 or below, a step that does not divide the range,
 * log together with a float step, or a `when` naming a parameter not in the space.
 * @example validateSpace({ "params.learning_rate": { type: "float", low: 1e-4, high: 1e-1, log: true } }, "mlp's searchSpace", MlpConfig)
 */
export function validateSpace(space: unknown, where: string, configSchema?: z.ZodType): SearchSpace {
  const parsed = SearchSpace.safeParse(space);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.map(String).join(".");
    let got: unknown = space;
    for (const part of issue.path) got = got !== null && typeof got === "object" ? (got as Record<PropertyKey, unknown>)[part] : undefined;
    const shown = got === undefined || issue.code === "unrecognized_keys" ? "" : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(`Invalid search space in ${where}: ${key ? `"${key}": ` : ""}${issue.message}${shown}`, { key: key || undefined });
  }
  const out = parsed.data;
  const known: Record<string, string[] | undefined> = {
    params: configSchema ? objectKeys(configSchema) : undefined,
    dataset: objectKeys(DatasetConfig),
    trainer: objectKeys(TrainerConfig),
  };
  for (const [key, dist] of Object.entries(out)) {
    const fail = (what: string): never => {
      throw new ConfigError(`Invalid search space in ${where}: "${key}" ${what}`, { key, value: dist });
    };
    const [section, ...rest] = key.split(".");
    if (!(SECTIONS as readonly string[]).includes(section) || rest.length === 0) {
      fail(`is not a setting path: expected params.<key>, dataset.<key> or trainer.<key>`);
    }
    const keys = known[section];
    if (keys && !keys.includes(rest[0])) {
      const near = closest(rest[0], keys);
      fail(
        `is not a ${section === "params" ? "parameter of the model" : `${section} setting`}${
          near ? ` (did you mean "${section}.${near}"?)` : ` (valid: ${keys.join(", ")})`
        }`,
      );
    }
    if (dist.when) {
      if (dist.when.param === key) fail(`cannot depend on itself`);
      if (!(dist.when.param in out)) fail(`depends on "${dist.when.param}", which is not in the space`);
    }
    if (dist.type === "categorical") continue;
    const { low, high, log, step } = dist;
    if (!Number.isFinite(low) || !Number.isFinite(high)) fail(`needs finite low and high (got ${low} and ${high})`);
    if (low > high) fail(`has low ${low} above high ${high}`);
    if (log && low <= 0) fail(`is log-scaled, so low must be above 0 (got ${low})`);
    if (log && step !== undefined && (dist.type === "float" || step !== 1)) fail(`cannot be log-scaled with a step (got step ${step})`);
    if (step !== undefined) {
      const k = (high - low) / step;
      if (Math.abs(k - Math.round(k)) > 1e-8 * Math.max(1, Math.abs(k))) fail(`has step ${step}, which does not divide the range ${low} to ${high}`);
    }
  }
  // A `when` chain must end: following dependencies from any key never returns to it.
  for (const key of Object.keys(out)) {
    const seen = new Set([key]);
    for (let at = out[key].when?.param; at !== undefined; at = out[at]?.when?.param) {
      if (seen.has(at)) throw new ConfigError(`Invalid search space in ${where}: "${key}" has a circular "when" through "${at}"`, { key });
      seen.add(at);
    }
  }
  return out;
}

/** The keys of `space` in sampling order: every parameter after the one its `when` names, otherwise in declaration order. */
export function samplingOrder(space: SearchSpace): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (key: string, depth: number): void => {
    if (placed.has(key) || depth > 64) return;
    const parent = space[key].when?.param;
    if (parent !== undefined && parent in space) place(parent, depth + 1);
    placed.add(key);
    order.push(key);
  };
  for (const key of Object.keys(space)) place(key, 0);
  return order;
}

/** Whether a parameter is sampled given the values chosen so far: always without `when`, else when its parent was chosen and is in the list. */
export function isActive(dist: Distribution, chosen: Record<string, unknown>): boolean {
  if (!dist.when) return true;
  if (!(dist.when.param in chosen)) return false;
  const value = chosen[dist.when.param];
  return dist.when.in.some((v) => sameValue(v, value));
}

/** JSON-value equality, so a categorical choice such as `[128, 64]` matches its stored copy. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  return false;
}

/**
 * The run settings with each sampled value set at its path (`params.hidden` -> settings.params.hidden); the input is not changed.
 * @example applyParams({ params: {}, dataset: {}, trainer: {} }, { "trainer.batch_size": 128 }).trainer // { batch_size: 128 }
 */
export function applyParams(settings: RunSettings, sampled: Record<string, unknown>): RunSettings {
  const out: RunSettings = { params: { ...settings.params }, dataset: { ...settings.dataset }, trainer: { ...settings.trainer } };
  for (const [key, value] of Object.entries(sampled)) {
    const [section, ...rest] = key.split(".");
    if (!(SECTIONS as readonly string[]).includes(section) || rest.length === 0) {
      throw new ConfigError(`Cannot set "${key}": expected params.<key>, dataset.<key> or trainer.<key>`, { key });
    }
    let node = out[section as keyof RunSettings] as Record<string, unknown>;
    for (const part of rest.slice(0, -1)) {
      const inner = node[part];
      // Copy each level on the way down so the caller's nested objects stay untouched.
      const copy = inner !== null && typeof inner === "object" && !Array.isArray(inner) ? { ...(inner as Record<string, unknown>) } : {};
      node[part] = copy;
      node = copy;
    }
    node[rest[rest.length - 1]] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

/**
 * A tune config file's space. With `"extends": "model"` it narrows the model's own space: each entry replaces the
 * model's entry of that key (a narrower range, fewer choices, or a new `dataset.` / `trainer.` setting) and `null`
 * removes one (the run then keeps its configured value); without it, the file is the whole space. Validate the result
 * with {@linkcode validateSpace}.
 * @example spaceFromFile({ extends: "model", "params.alpha": null, "dataset.seq_len": { type: "int", low: 1, high: 8 } }, plugin.searchSpace, "space.yaml")
 */
export function spaceFromFile(value: unknown, modelSpace: SearchSpace | undefined, where: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value) || !("extends" in value)) return value;
  const { extends: base, ...entries } = value as Record<string, unknown>;
  if (base !== "model") throw new ConfigError(`Invalid search space in ${where}: "extends" must be "model", got ${JSON.stringify(base)}`, { key: "extends" });
  if (!modelSpace) throw new ConfigError(`Invalid search space in ${where}: "extends": "model", but the model declares no search space`, { key: "extends" });
  const out: Record<string, unknown> = { ...modelSpace };
  for (const [key, entry] of Object.entries(entries)) {
    if (entry !== null) out[key] = entry;
    else if (key in out) delete out[key];
    else throw new ConfigError(`Invalid search space in ${where}: "${key}": null removes a parameter, but the model's space has no "${key}"`, { key });
  }
  return out;
}
