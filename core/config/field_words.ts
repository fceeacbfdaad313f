import type { z } from "zod";
import { type ConfigField, defOf, type NumberBounds, numberBounds, rangeText } from "./fields.ts";

// What a form says about a setting, in words a person reads: what it takes, and why a value was refused. zod's own
// messages ("Invalid input: expected int, received number") name neither the setting nor what is allowed.

type Node = z.core.$ZodType;
type UnionDef = { options?: Node[]; values?: unknown[]; items?: Node[]; element?: Node; innerType?: Node; in?: Node; entries?: Record<string, string> };

/** "integer from 1 to 100000", "a number > 0 and <= 1", "an integer", "a number": a number setting's values in words. */
export function numberWords(bounds: NumberBounds): string {
  const range = rangeText(bounds);
  if (bounds.integer) return range === "integer" ? "an integer" : range;
  return range ? `a number ${range}` : "a number";
}

/**
 * What a schema takes, in words: `a number > 0 and <= 1, or "sqrt"`; `"balanced", or a list of 3 numbers > 0`.
 * @example allowedText(z.union([z.literal("scale"), z.number().positive()])) // '"scale", or a number > 0'
 */
export function allowedText(schema: Node): string {
  const def = defOf(schema), more = def as unknown as UnionDef;
  switch (def.type) {
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
    case "readonly":
      return allowedText(def.innerType!);
    case "pipe":
      return allowedText(more.in!);
    case "number":
      return numberWords(numberBounds(def));
    case "boolean":
      return "true or false";
    case "string":
      return "text";
    case "literal":
      return (more.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    case "enum":
      return `one of ${Object.values(more.entries ?? {}).join(", ")}`;
    case "union":
      return (more.options ?? []).map(allowedText).join(", or ");
    case "tuple": {
      const items = (more.items ?? []).map(allowedText);
      return items.every((t) => t === items[0]) ? `a list of ${items.length} ${plural(items[0] ?? "")}` : `a list of ${items.join(", ")}`;
    }
    case "array":
      return `a list of ${plural(allowedText(more.element!))}`;
    default:
      return `a JSON ${def.type}`;
  }
}

function plural(words: string): string {
  return words.replace(/^a number/, "numbers").replace(/^an integer/, "integers").replace(/^integer /, "integers ");
}

/** A field's allowed values in words, from its kind (or, for other schemas, from the schema itself). */
export function fieldAllowed(field: ConfigField): string {
  switch (field.kind) {
    case "number":
      return numberWords(field);
    case "number_list": {
      const length = field.minItems !== undefined || field.maxItems !== undefined ? ` (${field.minItems ?? 0} to ${field.maxItems ?? "any"} items)` : "";
      return `comma-separated ${plural(numberWords(field))}${length}`;
    }
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${field.options.join(", ")}`;
    case "string":
      return "text";
    case "string_list":
      return "comma-separated names";
    case "other":
      return allowedText(field.schema);
  }
}

/** One zod issue, as much of it as a message needs. */
export interface IssueLike {
  code: string;
  message: string;
}

/**
 * Why `text` is refused for `field`, naming the setting and what it takes: `epochs: expected integer from 1 to 100000
 * (got 1.5)`. Checks across settings (zod `custom` issues) already speak in words and keep their message.
 */
export function settingProblem(field: ConfigField, text: string, issue?: IssueLike): string {
  if (issue?.code === "custom") return `${field.key}: ${issue.message}`;
  if (text.trim() === "") return `${field.key}: required, expected ${fieldAllowed(field)}`;
  return `${field.key}: expected ${fieldAllowed(field)} (got ${text.trim()})`;
}
