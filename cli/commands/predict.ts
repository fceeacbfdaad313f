import { basename, dirname, join } from "node:path";
import { loadRun, predictFile } from "../../core/predict.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import { DiskRunStore } from "../disk_store.ts";
import { openFile } from "../file_source.ts";
import { platformGpu } from "../versions.ts";
import { selectBackend } from "../../core/backend.ts";
import { BackendName } from "../../core/config/trainer.ts";
import { parseConfig } from "../../core/config/parse.ts";
import { argmaxClasses } from "../../core/train/metrics/classification.ts";
import { NotFoundError } from "../../core/errors.ts";

const flags = { run: { type: "string" }, input: { type: "string" }, out: { type: "string" }, runs: { type: "string" }, backend: { type: "string" }, json: { type: "boolean" } } as const;

/** Usage of `mf predict`. */
export const predictUsage = "mf predict --run RUN_DIR_OR_ID --input FILE.parquet --out PRED.parquet [--runs experiments/runs] [--backend auto|webgpu|wasm|cpu] [--json]";

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
    const backend = await selectBackend(parseConfig(BackendName, f.backend ?? "auto", "--backend"), { gpu: platformGpu() });
    const loaded = await loadRun(store, runId, registry);
    const { windows, probs, parquet } = await predictFile(loaded, input);
    loaded.model.dispose();
    await Deno.mkdir(dirname(out), { recursive: true });
    const temp = `${out}.tmp`;
    await Deno.writeFile(temp, parquet);
    await Deno.rename(temp, out);
    const counts = { short: 0, neutral: 0, long: 0 };
    for (const c of argmaxClasses(probs, windows.size)) counts[(["short", "neutral", "long"] as const)[c]]++;
    const summary = { run_id: runId, model: loaded.record.model, horizon: loaded.preprocess.horizon, input: input.name, output: out, rows: windows.size, skipped_symbols: windows.skippedSymbols, counts, backend: backend.name };
    if (f.json) console.log(JSON.stringify(summary));
    else console.log(`${out}: ${windows.size} predictions by ${loaded.record.model} (run ${runId}, h${loaded.preprocess.horizon}) on ${backend.name}: ${counts.short} short, ${counts.neutral} neutral, ${counts.long} long`);
  } finally {
    input.close();
  }
}
