import { parseConfig } from "../config/parse.ts";
import { RunConfig } from "../config/run_config.ts";
import type { LoadRequest, ReadSettings } from "../data/dataset.ts";
import { horizonColumns } from "../data/splits.ts";
import { ConfigError } from "../errors.ts";
import { fullName } from "../model.ts";
import type { Registry } from "../registry.ts";
import { type ResolvedRun, resolveRun } from "../train/resolve.ts";
import { contentId } from "./cell_id.ts";
import { ExperimentConfig } from "./config.ts";

/** One cell of an experiment: a model entry at one horizon and seed, with its settings resolved. */
export interface Cell {
  /** Position in the plan, from 0. */
  index: number;
  /** The model entry's label (its short name unless given). */
  label: string;
  /** `family:name`. */
  model: string;
  horizon: number;
  seed: number;
  /** The settings as the run gets them (raw: the trainer validates them again) and after defaults. */
  settings: { params: Record<string, unknown>; dataset: Record<string, unknown>; trainer: Record<string, unknown> };
  resolved: ResolvedRun;
  /** Hash of the label, the resolved settings and the data fingerprint: a finished run with this id is not trained again. */
  cellId: string;
}

/** An experiment expanded into cells, with what its data load must read. */
export interface ExperimentPlan {
  config: ExperimentConfig;
  cells: Cell[];
  /** Reading settings shared by every cell (the data is read once). */
  read: ReadSettings;
  labels: LoadRequest["labels"];
}

/** What planning needs besides the config: the registry, the model config files already read, and names for messages. */
export interface PlanOptions {
  registry: Registry;
  /** Parsed contents of each `config_path`, by the path as written in the config. */
  modelFiles?: Record<string, unknown>;
  /** The experiment file, for messages. */
  file: string;
  /** What identifies the data (from the files' footers); part of every cell's id. */
  dataFingerprint: unknown;
}

/**
 * Expands an experiment into cells (models x horizons x seeds, in that order), resolving every cell's
 * settings up front so a bad key or value anywhere stops the experiment before anything runs, with the
 * file and key named. Labels must be unique; every cell must read the data the same way.
 */
export function planExperiment(raw: unknown, options: PlanOptions): ExperimentPlan {
  const { file, registry } = options;
  const config = parseConfig(ExperimentConfig, raw, `experiment config ${file}`);
  const labels = new Map<string, number>();
  const cells: Cell[] = [];
  let read: ReadSettings | undefined, readFrom = "";
  // one data file is cut by time the same way for every cell (the purge still follows each cell's horizon)
  const split = config.data.path !== undefined ? { split: config.data.split ?? {} } : {};
  config.models.forEach((entry, m) => {
    const where = `${file}: models[${m}]`;
    const plugin = registry.get(entry.name);
    const label = entry.label ?? plugin.name;
    if (labels.has(label)) {
      throw new ConfigError(`${where}: label "${label}" is already used by models[${labels.get(label)}]; give each entry of one model its own label`, {
        key: `models.${m}.label`,
        value: label,
      });
    }
    labels.set(label, m);
    let fromFile: RunConfig = RunConfig.parse({});
    if (entry.config_path) {
      const contents = options.modelFiles?.[entry.config_path];
      if (contents === undefined) throw new ConfigError(`${where}: config_path "${entry.config_path}" was not read`, { key: `models.${m}.config_path` });
      fromFile = parseConfig(RunConfig, contents, entry.config_path);
      if (fromFile.model && registry.get(fromFile.model) !== plugin) {
        throw new ConfigError(`${where}: config_path ${entry.config_path} is for "${fromFile.model}", but the entry names "${entry.name}"`, {
          key: `models.${m}.config_path`,
        });
      }
    }
    for (const horizon of config.horizons) {
      for (const seed of config.seeds) {
        const settings = {
          params: { ...fromFile.params, ...entry.params },
          dataset: { ...fromFile.dataset, ...config.dataset, ...entry.dataset, horizon, ...split },
          trainer: { ...fromFile.trainer, ...config.trainer, ...entry.trainer, seed },
        };
        const resolved = resolveRun({ plugin, ...settings }, `${where} (${label}): `);
        const { feature_columns, include_symbols, nan_policy } = resolved.dataset;
        const mine: ReadSettings = { feature_columns, include_symbols, nan_policy };
        if (!read) [read, readFrom] = [mine, label];
        else if (JSON.stringify(mine) !== JSON.stringify(read)) {
          throw new ConfigError(
            `${where} (${label}): reads the data differently from ${readFrom} (feature_columns, include_symbols and nan_policy must be the same for every model: an experiment reads its data once)`,
            { key: `models.${m}.dataset` },
          );
        }
        const identity = {
          label,
          model: fullName(plugin),
          params: resolved.params,
          dataset: resolved.dataset,
          trainer: resolved.trainer,
          data: options.dataFingerprint,
        };
        cells.push({ index: cells.length, label, model: fullName(plugin), horizon, seed, settings, resolved, cellId: contentId(identity) });
      }
    }
  });
  // every label column some cell trains on, read once: label_h{H} unless a model names its own
  const wanted = new Map<string, LoadRequest["labels"][number]>();
  for (const { resolved: { dataset } } of cells) {
    const { label, fwdReturn } = horizonColumns(dataset.horizon);
    const column = dataset.label_column ?? label;
    if (!wanted.has(column)) wanted.set(column, { label: column, fwdReturn });
  }
  return { config, cells, read: read!, labels: [...wanted.values()] };
}

/**
 * Cells matching `--only key=value,...` (keys: model, label, horizon, seed; `a|b` for alternatives); all when empty.
 * An unknown key is a ConfigError naming it.
 */
export function selectCells(cells: readonly Cell[], only: string | undefined): Cell[] {
  if (!only) return [...cells];
  const filters = only.split(",").map((part) => {
    const [key, value] = part.split("=").map((s) => s.trim());
    if (!["model", "label", "horizon", "seed"].includes(key) || value === undefined || value === "") {
      throw new ConfigError(`--only: expected key=value with key model, label, horizon or seed, got "${part}"`, { key: "only", value: part });
    }
    return { key, values: value.split("|") };
  });
  return cells.filter((cell) =>
    filters.every(({ key, values }) => {
      if (key === "model") return values.some((v) => cell.model === v || cell.model.endsWith(`:${v}`));
      return values.includes(String(cell[key as "label" | "horizon" | "seed"]));
    })
  );
}
