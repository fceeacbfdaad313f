import { ENSEMBLE_FAMILY, EnsembleSpec } from "../ensemble/spec.ts";
import { ConfigError, DataError, NotFoundError } from "../errors.ts";
import type { RunReader } from "../platform.ts";
import { jsonText, Preprocess, readRunJson, RunRecord } from "../train/run_record.ts";
import { moveAlias, uniqueAliases } from "./aliases.ts";
import { checkModelName } from "./names.ts";
import { aliasesOf, highestVersionFolder, modelFiles, readRegistryJson } from "./read.ts";
import { type Lineage, type ModelVersion, RegisteredModel, type ScalarMetrics } from "./records.ts";
import { signatureOf } from "./signature.ts";
import { MODEL_FILE, type RegistryStore, VERSION_FILE, versionPath } from "./store.ts";

/** What registering a run needs besides the run. */
export interface RegisterOptions {
  /** The registered model's name (created on first registration). */
  name: string;
  /** Aliases to point at the new version (recorded in the history with the note). */
  aliases?: readonly string[];
  /** The version's tags. */
  tags?: Record<string, string>;
  /** The model's description (replaces the one it had). */
  description?: string;
  /** The note kept with the alias moves (default "registered"). */
  note?: string;
  /** Who registers, e.g. `mf registry (model-factory 0.1.0)`. */
  createdBy: string;
  /** Time in ms since the epoch (default now). */
  now?: number;
}

/** What a registration made: the model, the new version and the aliases now pointing at it. */
export interface Registered {
  name: string;
  version: number;
  aliases: string[];
}

/** The run files a version keeps: what loading and predicting need, and the run's record and scores for lineage. */
function kept(path: string): boolean {
  return path === "run.json" || path === "metrics.json" || path === "prepare.json" || path.startsWith("model/");
}

/**
 * Registers a finished run as the next version of model `options.name`: copies the run's record, model files,
 * preprocess.json and prepare.json (and, for an ensemble, its member runs' the same way) into the version, so
 * deleting or moving the run never breaks it; writes the lineage and signature; points the aliases at it.
 * The number is chosen under the model's lock (versions are never reused, even after a delete), so two
 * registrations at once get n and n+1. A run that is running, failed or stopped is refused, as is one without a
 * saved model or an ensemble whose member runs are not in `runs`.
 *
 * @example
 * ```ts
 * const { version } = await registerRun(registry, runs, runId, { name: "btc-h5", aliases: ["champion"], createdBy: "test" });
 * ```
 */
export async function registerRun(store: RegistryStore, runs: RunReader, runId: string, options: RegisterOptions): Promise<Registered> {
  const name = checkModelName(options.name);
  const aliases = uniqueAliases(options.aliases ?? []);
  for (const key of Object.keys(options.tags ?? {})) if (!key.trim()) throw new ConfigError(`A tag needs a key (got "=${options.tags![key]}")`, { key: "tag" });
  const copies = await runsToCopy(runs, runId);
  const record = copies[0].record;
  const preprocess = await readRunJson(runs, runId, "model/preprocess.json", Preprocess);
  const lineage: Lineage = {
    run_id: record.id,
    model: record.model,
    family: record.family,
    seed: record.seed,
    run_created_at: record.created_at,
    ...(record.experiment ? { experiment: record.experiment } : {}),
    ...((record as Record<string, unknown>).study !== undefined ? { study: (record as Record<string, unknown>).study } : {}),
    dataset: record.dataset,
    config: record.config,
    metrics: await scalarMetrics(runs, runId, copies[0].paths),
    versions: record.versions,
    backend: record.backend.name,
    ...(copies.length > 1 ? { members: copies.slice(1).map((c) => c.id) } : {}),
  };
  return registerFiles(store, {
    ...options,
    name,
    aliases,
    runIds: copies.map((c) => c.id),
    lineage,
    signature: signatureOf(preprocess),
    prepare: copies[0].paths.includes("prepare.json"),
    read: async (write) => {
      for (const copy of copies) for (const path of copy.paths) await write(copy.id, path, await runs.read(copy.id, path));
    },
  });
}

/** A version's content, however it came (a run, an exported folder): written by `registerFiles`. */
export interface VersionContent extends Omit<RegisterOptions, "name"> {
  name: string;
  runIds: string[];
  lineage: Lineage;
  signature: ModelVersion["signature"];
  prepare: boolean;
  /** Hands every file of every run to `write` (run id, path in the run, bytes). */
  read(write: (runId: string, path: string, data: Uint8Array) => Promise<void>): Promise<void>;
}

/** Writes a new version under the model's lock: its runs' files, then version.json, then the model record with the aliases moved. */
export async function registerFiles(store: RegistryStore, content: VersionContent): Promise<Registered> {
  const name = checkModelName(content.name);
  const aliases = uniqueAliases(content.aliases ?? []);
  // the files are read before the lock is taken, so the lock is held only while writing
  const files: { path: string; data: Uint8Array }[] = [];
  await content.read(async (runId, path, data) => void files.push({ path: `runs/${runId}/${path}`, data }));
  return store.withLock(name, async () => {
    const at = new Date(content.now ?? Date.now()).toISOString();
    const present = await modelFiles(store, name);
    const existing = present.includes(MODEL_FILE) ? await readRegistryJson(store, name, MODEL_FILE, RegisteredModel) : undefined;
    // a version folder left by a registration that died before its record counts too: its number is never handed out again
    const version = Math.max(existing?.last_version ?? 0, highestVersionFolder(present)) + 1;
    for (const file of files) await store.write(name, versionPath(version, file.path), file.data);
    const record: ModelVersion = {
      name,
      version,
      created_at: at,
      created_by: content.createdBy,
      run_id: content.runIds[0],
      runs: content.runIds,
      prepare: content.prepare,
      signature: content.signature,
      lineage: content.lineage,
      tags: content.tags ?? {},
    };
    // version.json last: a version cut short has no record and is not listed
    await store.write(name, versionPath(version, VERSION_FILE), jsonText(record));
    let model: RegisteredModel = existing ??
      { name, description: "", tags: {}, created_at: at, updated_at: at, last_version: 0, aliases: {}, history: [] };
    for (const alias of aliases) model = moveAlias(model, alias, version, content.note ?? "registered", at);
    model = { ...model, last_version: version, updated_at: at, ...(content.description !== undefined ? { description: content.description } : {}) };
    await store.write(name, MODEL_FILE, jsonText(model));
    return { name, version, aliases: aliasesOf(model, version) };
  });
}

/**
 * The run and, for an ensemble, every member run (depth first), each with its id in `runs` (its folder name, the
 * key its copy is kept under) and the paths a version keeps; checked finished and complete.
 */
async function runsToCopy(runs: RunReader, runId: string, seen = new Set<string>()): Promise<{ id: string; record: RunRecord; paths: string[] }[]> {
  if (seen.has(runId)) return [];
  seen.add(runId);
  const record = await readRunJson(runs, runId, "run.json", RunRecord);
  if (record.status !== "finished") {
    const why = record.status === "running"
      ? "is still running"
      : record.status === "failed"
      ? `failed${record.error ? ` (${record.error})` : ""}`
      : "was stopped";
    throw new DataError(`Run ${runId} ${why}: only a finished run can be registered`, { value: runId });
  }
  const paths = (await runs.files(runId)).filter(kept);
  if (!paths.includes("model/preprocess.json") || paths.filter((p) => p.startsWith("model/")).length < 2) {
    throw new NotFoundError(`Run ${runId} has no saved model (model/ holds ${paths.filter((p) => p.startsWith("model/")).join(", ") || "nothing"})`);
  }
  const out = [{ id: runId, record, paths }];
  if (record.family === ENSEMBLE_FAMILY) {
    const spec = await readRunJson(runs, runId, "model/ensemble.json", EnsembleSpec);
    for (const member of spec.members) {
      const found = await runs.files(member.run_id).then((files) => files.includes("run.json"), (error) => {
        if (error instanceof NotFoundError) return false;
        throw error;
      });
      if (!found) {
        throw new NotFoundError(
          `Ensemble run ${runId} needs its member run ${member.run_id} (${member.model}, ${member.label}), which is not in the same runs folder; registering an ensemble copies its members, so they must be there`,
        );
      }
      out.push(...await runsToCopy(runs, member.run_id, seen));
    }
  }
  return out;
}

/** The numbers of metrics.json's val and test (the per-class and per-symbol tables are left in the copied file). */
async function scalarMetrics(runs: RunReader, runId: string, paths: readonly string[]): Promise<Lineage["metrics"]> {
  if (!paths.includes("metrics.json")) return {};
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(await runs.read(runId, "metrics.json")));
  } catch (cause) {
    throw new DataError(`Run ${runId}: metrics.json is not valid JSON: ${(cause as Error).message}`, { file: "metrics.json" });
  }
  const pick = (split: unknown): ScalarMetrics | undefined => {
    if (!split || typeof split !== "object") return undefined;
    return Object.fromEntries(Object.entries(split).filter(([, v]) => typeof v === "number" && Number.isFinite(v))) as ScalarMetrics;
  };
  const val = pick(json.val), test = pick(json.test);
  return { ...(val ? { val } : {}), ...(test ? { test } : {}) };
}
