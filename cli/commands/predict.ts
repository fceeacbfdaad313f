import { dirname, join } from "node:path";
import { loadRun, predictFile, predictFrame } from "../../core/predict.ts";
import { rawBarsFrame } from "../../core/predict_raw.ts";
import type { ByteSource, RunReader } from "../../core/platform.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import { openFile } from "../file_source.ts";
import { startBackend } from "../versions.ts";
import { BackendName } from "../../core/config/trainer.ts";
import { parseConfig } from "../../core/config/parse.ts";
import { argmaxClasses } from "../../core/train/metrics/classification.ts";
import { ConfigError } from "../../core/errors.ts";
import { checkFinished, openRunRef } from "../run_ref.ts";
import { detectColumns } from "../../core/data/columns.ts";
import { readMetadata } from "../../core/data/read_frame.ts";
import type { ComputeBackend } from "../../core/compute.ts";
import type { LoadedRun } from "../../core/predict.ts";
import { loadVersion } from "../../core/model_registry/load.ts";
import { parseModelRef } from "../../core/model_registry/names.ts";
import { readVersion, resolveVersion } from "../../core/model_registry/read.ts";
import { checkSignature } from "../../core/model_registry/signature.ts";
import { DiskRegistryStore } from "../disk_registry_store.ts";

const flags = {
  run: { type: "string" },
  model: { type: "string" },
  registry: { type: "string" },
  input: { type: "string" },
  out: { type: "string" },
  runs: { type: "string" },
  backend: { type: "string" },
  raw: { type: "boolean" },
  "allow-unfinished": { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Usage of `mf predict`. */
export const predictUsage =
  "mf predict --run RUN_DIR_OR_ID | --model NAME@ALIAS|NAME/VERSION --input FILE.parquet --out PRED.parquet [--raw] [--runs experiments/runs]\n" +
  "           [--registry experiments/registry] [--backend auto|webgpu|wasm|cpu] [--allow-unfinished] [--json]\n" +
  "     (--model: a registered version, from the registry alone, its input checked against its signature;\n" +
  "      --raw: the input is raw OHLCV bars; the run's (or version's) prepare.json is applied first;\n" +
  "      --allow-unfinished: score with a run that is running, failed, stopped, pruned or interrupted, using its checkpoint)";

/** `mf predict`: scores a Parquet file offline with a saved run's model. */
export async function predictCommand(args: string[]): Promise<void> {
  const f = parseFlags("predict", args, flags);
  if (f.help) return console.log(predictUsage);
  if (f.run !== undefined && f.model !== undefined) throw new ConfigError("mf predict: give --run or --model, not both", { key: "model" });
  if (f.run === undefined && f.model === undefined) {
    throw new ConfigError("mf predict: give --run RUN_DIR_OR_ID or --model NAME@ALIAS|NAME/VERSION", { key: "run" });
  }
  const out = required("predict", "out", f.out);
  const input = await openFile(required("predict", "input", f.input));
  try {
    const backend = await startBackend(parseConfig(BackendName, f.backend ?? "auto", "--backend"));
    const { loaded, reader, runId, named, checkpoint } = f.model !== undefined
      ? await fromRegistry(f.model, f.registry, backend, f.raw ? undefined : input)
      : await fromRun(f.run!, f.runs, backend, Boolean(f["allow-unfinished"]));
    const { windows, probs, parquet } = f.raw ? await predictFrame(loaded, await rawBarsFrame(reader, runId, input)) : await predictFile(loaded, input, {
      onWarning: (message) => console.error(`warning: ${message}`),
    });
    loaded.model.dispose();
    await Deno.mkdir(dirname(out), { recursive: true });
    const temp = `${out}.tmp`;
    await Deno.writeFile(temp, parquet);
    await Deno.rename(temp, out);
    const counts = { short: 0, neutral: 0, long: 0 };
    for (const c of argmaxClasses(probs, windows.size)) counts[(["short", "neutral", "long"] as const)[c]]++;
    const summary = {
      ...named,
      run_id: runId,
      model: loaded.record.model,
      horizon: loaded.preprocess.horizon,
      input: input.name,
      output: out,
      rows: windows.size,
      skipped_symbols: windows.skippedSymbols,
      counts,
      backend: backend.name,
      ...(checkpoint ? { status: checkpoint.status, checkpoint_epoch: checkpoint.epoch ?? null } : {}),
    };
    if (f.json) console.log(JSON.stringify(summary));
    else {console.log(
        `${out}: ${windows.size} predictions by ${loaded.record.model} (${
          named ? `${named.registered_model}/${named.version}, ` : ""
        }run ${runId}, h${loaded.preprocess.horizon}) on ${backend.name}: ${counts.short} short, ${counts.neutral} neutral, ${counts.long} long`,
      );}
  } finally {
    input.close();
  }
}

/**
 * A run's model: from a run folder (a path holding run.json) or by id in the runs folder. A run that is not finished
 * is refused unless `allowUnfinished`, naming its status and the checkpoint its model/ holds.
 */
async function fromRun(run: string, runs: string | undefined, backend: ComputeBackend, allowUnfinished: boolean) {
  const { store, runId } = await openRunRef(run, runs);
  const checkpoint = await checkFinished(store, runId, allowUnfinished);
  const loaded: LoadedRun = await loadRun(store, runId, registry, backend);
  return { loaded, reader: store as RunReader, runId, named: undefined, checkpoint };
}

/**
 * A registered version's model, read from the registry alone (the run folder may be gone). A Parquet input
 * (`features`, absent for raw bars) is checked against the version's signature first, naming the first
 * mismatching column.
 */
async function fromRegistry(model: string, registryDir: string | undefined, backend: ComputeBackend, features?: ByteSource) {
  const store = new DiskRegistryStore(registryDir ?? join("experiments", "registry"));
  const ref = parseModelRef(model, { needVersion: true });
  if (features) {
    // checked before loading the model: a wrong file fails fast, naming its first mismatching column
    const version = await readVersion(store, ref.name, await resolveVersion(store, ref));
    checkSignature(version.signature, detectColumns(features.name, await readMetadata(features)).features, features.name, `${ref.name}/${version.version}`);
  }
  const loaded = await loadVersion(store, ref, registry, backend);
  return {
    loaded: loaded.run,
    reader: loaded.reader as RunReader,
    runId: loaded.version.run_id,
    named: { registered_model: ref.name, version: loaded.version.version, ...(ref.alias ? { alias: ref.alias } : {}) },
    checkpoint: undefined, // only finished runs are registered
  };
}
