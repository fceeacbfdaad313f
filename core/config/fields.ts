import type { z } from "zod";

/** Bounds of a number setting, read from the schema's checks. */
export interface NumberBounds {
  integer: boolean;
  min?: number;
  max?: number;
  /** False for a strict bound such as `.positive()` (> 0). */
  minInclusive: boolean;
  maxInclusive: boolean;
}

/** One setting of an object schema, as a form shows it: its kind, default and allowed values. */
export type ConfigField =
  & { key: string; optional: boolean; default?: unknown }
  & (
    | ({ kind: "number" } & NumberBounds)
    | { kind: "boolean" }
    | { kind: "enum"; options: string[] }
    | { kind: "string" }
    /** A list of numbers (e.g. hidden layer sizes): element bounds and list length. */
    | ({ kind: "number_list"; minItems?: number; maxItems?: number } & NumberBounds)
    | { kind: "string_list" }
    /** Any other schema (a union such as `number | "sqrt"`), kept so a form can say what it takes (field_words.ts). */
    | { kind: "other"; type: string; schema: z.core.$ZodType }
  );

/** What a form reads of a zod schema's definition. */
export type Def = {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
  entries?: Record<string, string>;
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string; minimum?: number; maximum?: number } } }[];
};

/** A schema's definition, as far as forms read it. */
export const defOf = (node: z.core.$ZodType) => node._zod.def as unknown as Def;

/**
 * The settings of a zod object schema (a plugin's configSchema, DatasetConfig, TrainerConfig), in
 * declaration order, with defaults and ranges read from the schema itself so a form never restates them.
 * @example configFields(z.object({ lr: z.number().positive().default(0.001) }))
 * // [{ key: "lr", kind: "number", integer: false, min: 0, minInclusive: false, maxInclusive: true, optional: true, default: 0.001 }]
 */
export function configFields(schema: z.core.$ZodType): ConfigField[] {
  const root = unwrap(schema).node;
  const def = defOf(root);
  if (def.type !== "object" || !def.shape) throw new TypeError(`Expected an object schema, got "${def.type}"`);
  return Object.entries(def.shape).map(([key, node]) => field(key, node));
}

function field(key: string, schema: z.core.$ZodType): ConfigField {
  const { node, optional, default: fallback } = unwrap(schema);
  const def = defOf(node);
  const base = { key, optional, ...(fallback !== undefined ? { default: fallback } : {}) };
  if (def.type === "number") return { ...base, kind: "number", ...numberBounds(def) };
  if (def.type === "boolean") return { ...base, kind: "boolean" };
  if (def.type === "string") return { ...base, kind: "string" };
  if (def.type === "enum" && def.entries) return { ...base, kind: "enum", options: Object.values(def.entries) };
  if (def.type === "array" && def.element) {
    const element = defOf(unwrap(def.element).node);
    if (element.type === "string") return { ...base, kind: "string_list" };
    if (element.type === "number") {
      let minItems: number | undefined, maxItems: number | undefined;
      for (const { _zod: { def: c } } of def.checks ?? []) {
        if (c.check === "min_length") minItems = c.minimum;
        if (c.check === "max_length") maxItems = c.maximum;
      }
      return { ...base, kind: "number_list", minItems, maxItems, ...numberBounds(element) };
    }
  }
  return { ...base, kind: "other", type: def.type, schema: node };
}

/** Reads integer format and bounds from a number schema's checks (zod 4 keeps them as check defs). */
export function numberBounds(def: Def): NumberBounds {
  const out: NumberBounds = { integer: false, minInclusive: true, maxInclusive: true };
  for (const { _zod: { def: c } } of def.checks ?? []) {
    if (c.check === "number_format") {
      out.integer = c.format === "safeint" || c.format === "int32" || c.format === "uint32";
      // .int() sets the safe-integer range as a format, not as bounds; a form shows the explicit ones only
    }
    if (c.check === "greater_than") [out.min, out.minInclusive] = [c.value, c.inclusive ?? false];
    if (c.check === "less_than") [out.max, out.maxInclusive] = [c.value, c.inclusive ?? false];
  }
  return out;
}

/** Looks through optional/default/pipe wrappers, noting whether the value may be left out and its default. */
function unwrap(schema: z.core.$ZodType): { node: z.core.$ZodType; optional: boolean; default?: unknown } {
  let node = schema, optional = false, fallback: unknown;
  for (let i = 0; i < 16; i++) {
    const def = defOf(node);
    if (def.type === "default" || def.type === "prefault") {
      optional = true;
      if (fallback === undefined) fallback = typeof def.defaultValue === "function" ? (def.defaultValue as () => unknown)() : def.defaultValue;
    }
    if (def.type === "optional") optional = true;
    const next = def.innerType ?? def.in;
    if (!next) break;
    node = next;
  }
  return { node, optional, default: fallback };
}

/** "integer from 1 to 4096", "> 0 and <= 10": a field's allowed range in words, or "" when unbounded. */
export function rangeText(bounds: NumberBounds): string {
  const low = bounds.min === undefined ? "" : `${bounds.minInclusive ? ">=" : ">"} ${bounds.min}`;
  const high = bounds.max === undefined ? "" : `${bounds.maxInclusive ? "<=" : "<"} ${bounds.max}`;
  const kind = bounds.integer ? "integer" : "";
  if (low.startsWith(">=") && high.startsWith("<=")) return [kind, `from ${bounds.min} to ${bounds.max}`].filter(Boolean).join(" ");
  return [kind, [low, high].filter(Boolean).join(" and ")].filter(Boolean).join(" ");
}
