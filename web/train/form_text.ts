import { fieldAllowed } from "../../core/config/field_words.ts";
import { type ConfigField, rangeText } from "../../core/config/fields.ts";

// The text side of a schema form: how a setting's value is shown in a text box, read back, and described.

/** A value as a text box shows it: lists comma-separated. */
export function shown(value: unknown): string {
  // an object default (prepare's macd, labels.k) as its JSON, not "[object Object]"
  return Array.isArray(value) ? value.join(", ") : value !== null && typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** What a setting takes, shown beside it: its default and range, or what a union allows. */
export function hint(f: ConfigField): string {
  const parts: string[] = [];
  if (f.default !== undefined) parts.push(`default ${shown(f.default)}`);
  if (f.kind === "number") parts.push(rangeText(f));
  if (f.kind === "number_list") {
    parts.push(
      `comma-separated, each ${rangeText(f)}`,
      f.minItems !== undefined || f.maxItems !== undefined ? `${f.minItems ?? 0} to ${f.maxItems ?? "any"} items` : "",
    );
  }
  if (f.kind === "string_list") parts.push("comma-separated");
  if (f.kind === "other") parts.push(fieldAllowed(f));
  return parts.filter(Boolean).join("; ");
}

/** The value typed for a setting, or an error when the text cannot be one (the schema checks the rest). */
export function parseText(f: ConfigField, text: string): { value?: unknown; error?: string } {
  const number = (t: string) => (t.trim() !== "" && Number.isFinite(Number(t)) ? Number(t) : undefined);
  switch (f.kind) {
    case "number": {
      const n = number(text);
      return n === undefined || (f.integer && !Number.isInteger(n)) ? { error: "not allowed" } : { value: n };
    }
    case "boolean":
      return { value: text === "true" };
    case "enum":
    case "string":
      return { value: text };
    case "number_list": {
      const items = text.split(",").map((t) => t.trim());
      const bad = items.find((t) => number(t) === undefined);
      return bad !== undefined || (f.integer && items.some((t) => !Number.isInteger(Number(t)))) ? { error: "not allowed" } : { value: items.map(Number) };
    }
    case "string_list":
      return { value: text.split(",").map((t) => t.trim()).filter(Boolean) };
    case "other":
      return { value: otherValue(text) };
  }
}

/** A union's value as typed: JSON when it reads as JSON (1, [1, 2, 3]), a comma list as a list (1, 2, 3), else the bare text (sqrt). */
export function otherValue(text: string): unknown {
  for (const candidate of [text, `[${text}]`]) {
    if (candidate !== text && !text.includes(",")) break;
    try {
      return JSON.parse(candidate);
    } catch {
      // not JSON this way: try the next reading
    }
  }
  return text;
}

/** A union's value as a person types it: strings bare, lists comma-separated. */
export function otherText(value: unknown): string {
  if (typeof value === "string") return value;
  return Array.isArray(value) ? value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(", ") : JSON.stringify(value);
}
