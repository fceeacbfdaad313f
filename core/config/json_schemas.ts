import { z } from "zod";
import { ExperimentConfig } from "../experiment/config.ts";
import { fullName, type ModelPlugin } from "../model.ts";
import { PrepareConfig } from "../prepare/config.ts";
import type { Registry } from "../registry.ts";
import { DatasetConfig } from "./dataset.ts";
import { RunConfig } from "./run_config.ts";
import { TrainerConfig } from "./trainer.ts";

/** A JSON Schema (draft 2020-12) as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** The JSON Schemas of the config files, by kind: model run configs, experiments, prepare configs. */
export interface ConfigJsonSchemas {
  run: JsonSchema;
  experiment: JsonSchema;
  prepare: JsonSchema;
}

/**
 * JSON Schemas of the config files, made from their zod schemas with `z.toJSONSchema` (input side, so
 * settings with a default are optional), for editors to complete and check. Model params get the schema
 * of the plugin the file names (an `if`/`then` per plugin), and a run config's dataset and trainer
 * sections the schemas they are parsed with when the run starts.
 * @example configJsonSchemas(registry).run.title // "Model Factory run config"
 */
export function configJsonSchemas(registry: Registry): ConfigJsonSchemas {
  const plugins = registry.list();
  const names = modelNames(plugins);

  const run = document(RunConfig.extend({ dataset: DatasetConfig.optional(), trainer: TrainerConfig.optional() }), {
    title: "Model Factory run config",
    description:
      "One model run (config/models/*.json|yaml, `mf train --config`): the model, its params, and dataset and trainer settings; flags given to `mf train` override them.",
  });
  setProperty(run, "model", { enum: names, description: "The model, as `family:name` or its short name (`mf models` lists them)." });
  setProperty(run, "params", { description: "The model's params, checked against the params schema of the plugin `model` names." });
  run.allOf = paramsByModel(plugins, "model");

  const experiment = document(ExperimentConfig, {
    title: "Model Factory experiment",
    description:
      "An experiment (config/experiments/*.json|yaml): every model x horizon x seed trained on the same data and compared in one report. Settings apply in this order, later winning: the plugin's defaults, the model's config file, the experiment's dataset / trainer, the model entry's own.",
  });
  const entry = (properties(experiment).models as JsonSchema).items as JsonSchema;
  setProperty(entry, "name", { enum: names, description: "The model, as `family:name` or its short name (`mf models` lists them)." });
  setProperty(entry, "params", { description: "Params on top of the config file's, checked against the params schema of the plugin `name` names." });
  entry.allOf = paramsByModel(plugins, "name");

  const prepare = document(PrepareConfig, {
    title: "Model Factory prepare config",
    description:
      "How `mf prepare` turns raw OHLCV bars into train/val/test splits (config/prepare/*.json|yaml): input columns, gaps, causal features, triple-barrier labels, the time split and the scaler.",
  });
  return { run, experiment, prepare };
}

/** The files of config/schemas/: file name -> the schema as pretty JSON with a trailing newline. */
export function configSchemaFiles(registry: Registry): Record<string, string> {
  return Object.fromEntries(
    Object.entries(configJsonSchemas(registry)).map(([kind, schema]) => [`${kind}.schema.json`, `${JSON.stringify(schema, null, 2)}\n`]),
  );
}

/** A schema document: `$schema`, title and description first (editors show them), then the schema. */
function document(schema: z.ZodType, about: { title: string; description: string }): JsonSchema {
  const { $schema, ...rest } = z.toJSONSchema(schema, { io: "input" });
  return { $schema, ...about, ...rest };
}

/** A schema to embed in another: without its own `$schema`, and with no `$defs` its references would need at the root. */
function section(schema: z.ZodType, description: string): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input" });
  if ("$defs" in rest) throw new TypeError(`A params schema with $defs cannot be embedded: ${description}`);
  return { description, ...rest };
}

/** Every name the registry accepts: each full name, and each short name that only one family uses. */
function modelNames(plugins: readonly ModelPlugin[]): string[] {
  return plugins.flatMap((p) => [fullName(p), ...(plugins.filter((q) => q.name === p.name).length === 1 ? [p.name] : [])]);
}

/** One `if`/`then` per plugin: when `key` names the plugin, `params` must match the plugin's params schema. */
function paramsByModel(plugins: readonly ModelPlugin[], key: string): JsonSchema[] {
  const names = modelNames(plugins);
  return plugins.map((plugin) => ({
    if: { properties: { [key]: { enum: names.filter((n) => n === fullName(plugin) || n === plugin.name) } }, required: [key] },
    then: { properties: { params: section(plugin.configSchema, `Params of ${fullName(plugin)}: ${plugin.description}`) } },
  }));
}

function properties(schema: JsonSchema): Record<string, JsonSchema> {
  return schema.properties as Record<string, JsonSchema>;
}

/** Adds keywords to one property of an object schema (which must have it). */
function setProperty(schema: JsonSchema, key: string, extra: JsonSchema): void {
  const props = properties(schema);
  if (!props[key]) throw new TypeError(`The schema has no property "${key}"`);
  props[key] = { ...props[key], ...extra };
}
