import { basename, dirname, join } from "node:path";
import { loadRun, predictFile, predictFrame } from "../../core/predict.ts";
import { readRunJson } from "../../core/train/run_record.ts";
import { PrepareManifest } from "../../core/prepare/manifest.ts";
import { readBars } from "../../core/prepare/bars.ts";
import { barsToFrame } from "../../core/prepare/apply.ts";
import type { ByteSource, RunReader } from "../../core/platform.ts";
import type { Frame } from "../../core/data/frame.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { openFile } from "../file_source.ts";
import { startBackend } from "../versions.ts";
import { BackendName } from "../../core/config/trainer.ts";
import { parseConfig } from "../../core/config/parse.ts";
import { argmaxClasses } from "../../core/train/metrics/classification.ts";
import { NotFoundError } from "../../core/errors.ts";

const flags = {
  run: { type: "string" },
  input: { type: "string" },
  out: { type: "string" },
  runs: { type: "string" },
  backend: { type: "string" },
  raw: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** Usage of `mf predict`. */
export const predictUsage =
  "mf predict --run RUN_DIR_OR_ID --input FILE.parquet --out PRED.parquet [--raw] [--runs experiments/runs] [--backend auto|webgpu|wasm|cpu] [--json]\n     (--raw: the input is raw OHLCV bars; the run's prepare.json is applied first)";

/** `mf predict`: scores a Parquet file offline with a saved run's model. */
export async function predictCommand(args: string[]): Promise<void> {
  const f = parseFlags("predict", args, flags);
  if (f.help) return console.log(predictUsage);
  const run = required("predict", "run", f.run);
  const out = required("predict", "out", f.out);
  const input = await openFile(required("predict", "input", f.input));
  try {
    // a path to a run directory, or an id in the runs folder
    const isDir = await Deno.stat(join(run, "run.json")).then(() => true, () => false);
    if (!isDir && /[\\/]/.test(run)) throw new NotFoundError(`No run at ${run} (it has no run.json)`);
    const store = new DiskRunStore(isDir ? dirname(run.replace(/\/+$/, "")) : f.runs ?? join("experiments", "runs"));
    const runId = isDir ? basename(run.replace(/\/+$/, "")) : run;
    const backend = await startBackend(parseConfig(BackendName, f.backend ?? "auto", "--backend"));
    const loaded = await loadRun(store, runId, registry, backend);
    const { windows, probs, parquet } = f.raw ? await predictFrame(loaded, await prepareRaw(store, runId, input)) : await predictFile(loaded, input);
    loaded.model.dispose();
    await Deno.mkdir(dirname(out), { recursive: true });
    const temp = `${out}.tmp`;
    await Deno.writeFile(temp, parquet);
    await Deno.rename(temp, out);
    const counts = { short: 0, neutral: 0, long: 0 };
    for (const c of argmaxClasses(probs, windows.size)) counts[(["short", "neutral", "long"] as const)[c]]++;
    const summary = {
      run_id: runId,
      model: loaded.record.model,
      horizon: loaded.preprocess.horizon,
      input: input.name,
      output: out,
      rows: windows.size,
      skipped_symbols: windows.skippedSymbols,
      counts,
      backend: backend.name,
    };
    if (f.json) console.log(JSON.stringify(summary));
    else {console.log(
        `${out}: ${windows.size} predictions by ${loaded.record.model} (run ${runId}, h${loaded.preprocess.horizon}) on ${backend.name}: ${counts.short} short, ${counts.neutral} neutral, ${counts.long} long`,
      );}
  } finally {
    input.close();
  }
}

/** Raw bars -> the features, warm-up and scaler of the prepare.json the run was trained with. */
async function prepareRaw(reader: RunReader, runId: string, input: ByteSource): Promise<Frame> {
  const hasRecipe = (await reader.files(runId)).includes("prepare.json");
  if (!hasRecipe) {
    throw new NotFoundError(`Run ${runId} has no prepare.json: it was not trained on splits made by mf prepare, so --raw cannot rebuild its features`);
  }
  const manifest = await readRunJson(reader, runId, "prepare.json", PrepareManifest);
  return barsToFrame(await readBars(input, manifest.config), manifest);
}
