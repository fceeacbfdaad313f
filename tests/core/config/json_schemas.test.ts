import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchemas, configSchemaFiles, type JsonSchema } from "../../../core/config/json_schemas.ts";
import { registry } from "../../../models/index.ts";

const root = new URL("../../../config/", import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), "utf8"));
const schemas = configJsonSchemas(registry);

/**
 * A small JSON Schema (2020-12) checker for the keywords the generated schemas use; it returns the
 * failures as "path: what". Keywords it does not know fail the test below, so none is skipped silently.
 */
const ANNOTATIONS = new Set(["$schema", "title", "description", "default", "format"]);
const CHECKED = new Set([
  "type",
  "properties",
  "additionalProperties",
  "required",
  "propertyNames",
  "enum",
  "const",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "anyOf",
  "allOf",
  "if",
  "then",
]);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value;
}

/** The keywords `check` reads. */
interface Keywords {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  prefixItems?: Schema[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  propertyNames?: Schema;
  anyOf?: Schema[];
  allOf?: Schema[];
  if?: Schema;
  then?: Schema;
}
type Schema = Keywords | boolean;

function check(schema: JsonSchema | Schema, value: unknown, at = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${at}: not allowed`];
  const out: string[] = [];
  const s = schema as Keywords;
  const type = typeOf(value);
  const types: string[] = s.type === undefined ? [] : [s.type].flat();
  if (types.length && !types.some((t) => t === type || (t === "number" && type === "integer"))) return [`${at}: expected ${types.join(" or ")}, got ${type}`];
  if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${JSON.stringify(value)} not one of ${s.enum.join(", ")}`);
  if ("const" in s && s.const !== value) out.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: above ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) out.push(`${at}: not above ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) out.push(`${at}: not below ${s.exclusiveMaximum}`);
  }
  if (typeof value === "string") {
    if (s.minLength !== undefined && value.length < s.minLength) out.push(`${at}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${at}: longer than ${s.maxLength}`);
    if (s.pattern && !new RegExp(s.pattern, "u").test(value)) out.push(`${at}: does not match ${s.pattern}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) out.push(`${at}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push(`${at}: more than ${s.maxItems} items`);
    const prefix = s.prefixItems ?? [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : s.items;
      if (itemSchema !== undefined) out.push(...check(itemSchema, item, `${at}[${i}]`));
    });
  }
  if (type === "object") {
    const object = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in object)) out.push(`${at}: missing required "${key}"`);
    for (const [key, item] of Object.entries(object)) {
      if (s.propertyNames) out.push(...check(s.propertyNames, key, `${at} key ${key}`));
      const own = s.properties?.[key];
      if (own !== undefined) out.push(...check(own, item, `${at}.${key}`));
      else if (s.additionalProperties !== undefined) out.push(...check(s.additionalProperties, item, `${at}.${key}`));
    }
  }
  if (s.anyOf && !s.anyOf.some((option) => check(option, value, at).length === 0)) out.push(`${at}: matches none of anyOf`);
  for (const part of s.allOf ?? []) out.push(...check(part, value, at));
  if (s.if && check(s.if, value, at).length === 0 && s.then) out.push(...check(s.then, value, at));
  return out;
}

/** Every keyword used anywhere in a schema (keys of `properties` are names, not keywords). */
function keywords(schema: unknown, found = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== "object") return found;
  if (Array.isArray(schema)) return (schema.forEach((s) => keywords(s, found)), found);
  for (const [key, value] of Object.entries(schema)) {
    found.add(key);
    if (key === "properties") Object.values(value as object).forEach((s) => keywords(s, found));
    else if (key !== "enum" && key !== "const" && key !== "default" && key !== "required") keywords(value, found);
  }
  return found;
}

describe("config/schemas/*.schema.json", () => {
  it("are what configJsonSchemas makes from the zod schemas now (run `npm run schemas` after changing a config schema)", () => {
    const files = configSchemaFiles(registry);
    expect(readdirSync(new URL("schemas/", root)).sort(), "run `npm run schemas`").toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) {
      expect(readFileSync(new URL(`schemas/${name}`, root), "utf8"), `config/schemas/${name} is stale: run \`npm run schemas\``).toBe(text);
    }
  });

  it("are draft 2020-12 documents with a title and description, using only keywords the checker below knows", () => {
    for (const schema of Object.values(schemas)) {
      expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
      expect(schema.title).toMatch(/^Model Factory /);
      expect(String(schema.description).length).toBeGreaterThan(40);
      const unknown = [...keywords(schema)].filter((k) => !ANNOTATIONS.has(k) && !CHECKED.has(k));
      expect(unknown).toEqual([]);
    }
  });

  it("leave settings with a default optional (input side) but require what has none", () => {
    expect(schemas.run.required).toBeUndefined();
    expect(schemas.prepare.required).toBeUndefined();
    expect(schemas.experiment.required).toEqual(["experiment", "data", "models"]);
    expect(check(schemas.experiment, { experiment: { name: "x" }, data: { dir: "d" }, models: [{ name: "mlp" }] })).toEqual([]);
    expect(check(schemas.experiment, { experiment: { name: "x" }, data: { dir: "d" } })).toEqual(['$: missing required "models"']);
    expect(check(schemas.experiment, { experiment: { name: "x" }, data: { dir: "d" }, models: [{}] })).toEqual(['$.models[0]: missing required "name"']);
  });
});

describe("the config files validate against their schemas", () => {
  const models = readdirSync(new URL("models/", root)).filter((f) => f.endsWith(".json"));

  for (const file of models) {
    it(`config/models/${file} names run.schema.json and validates against it`, () => {
      const config = read(`models/${file}`);
      expect(config.$schema).toBe("../schemas/run.schema.json");
      expect(check(schemas.run, config)).toEqual([]);
    });
  }

  it("config/prepare/default.json names prepare.schema.json and validates against it", () => {
    const config = read("prepare/default.json");
    expect(config.$schema).toBe("../schemas/prepare.schema.json");
    expect(check(schemas.prepare, config)).toEqual([]);
  });
});

describe("the run schema catches what `mf train` would reject", () => {
  const mlp = read("models/mlp.json");

  it("rejects an unknown key at the top and in the dataset and trainer sections", () => {
    expect(check(schemas.run, { ...mlp, trainr: {} })).toEqual(["$.trainr: not allowed"]);
    expect(check(schemas.run, { ...mlp, dataset: { ...mlp.dataset, horizn: 5 } })).toEqual(["$.dataset.horizn: not allowed"]);
    expect(check(schemas.run, { ...mlp, trainer: { epochs: 0, backend: "tpu" } })).toEqual([
      "$.trainer.epochs: below 1",
      '$.trainer.backend: "tpu" not one of auto, webgpu, wasm, cpu',
    ]);
  });

  it("checks params against the schema of the model the file names, by full or short name", () => {
    expect(check(schemas.run, { ...mlp, params: { hiden: [8] } })).toEqual(["$.params.hiden: not allowed"]);
    expect(check(schemas.run, { ...mlp, model: "mlp", params: { dropout: 1.5 } })).toEqual(["$.params.dropout: above 0.9"]);
    // the same params are fine for the model that has them, and unchecked when the file names no model (--model gives it)
    const gbdt = { max_depth: 4, colsample_bynode: "sqrt" };
    expect(check(schemas.run, { model: "trees:gbdt", params: gbdt })).toEqual([]);
    expect(check(schemas.run, { model: "mlp", params: gbdt })).toEqual(["$.params.max_depth: not allowed", "$.params.colsample_bynode: not allowed"]);
    expect(check(schemas.run, { params: gbdt })).toEqual([]);
  });

  it("lists every registered model by full and short name", () => {
    const names = (schemas.run.properties as Record<string, JsonSchema>).model.enum as string[];
    for (const plugin of registry.list()) expect(names).toEqual(expect.arrayContaining([`${plugin.family}:${plugin.name}`, plugin.name]));
    expect(check(schemas.run, { model: "neural:mlpp" })).toEqual([expect.stringMatching(/^\$\.model: "neural:mlpp" not one of /)]);
  });

  it("checks an experiment's model entries the same way", () => {
    const experiment = { experiment: { name: "x" }, data: { dir: "d" }, models: [{ name: "lstm", params: { hidden: [8] } }] };
    expect(check(schemas.experiment, experiment)).toEqual(["$.models[0].params.hidden: not allowed"]);
  });
});
