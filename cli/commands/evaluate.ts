import { join, resolve } from "node:path";
import { z } from "zod";
import { BackendName } from "../../core/config/trainer.ts";
import { parseConfig } from "../../core/config/parse.ts";
import { ConfigError, DataError, NotFoundError } from "../../core/errors.ts";
import { assertEvaluationFree, checkEvaluationName, type Evaluation, evaluationName, saveEvaluation } from "../../core/evaluation.ts";
import { evaluateRun } from "../../core/evaluate_run.ts";
import { loadRun } from "../../core/predict.ts";
import type { SplitMetrics } from "../../core/train/evaluate.ts";
import { readRunJson } from "../../core/train/run_record.ts";
import { registry } from "../../models/index.ts";
import { parseFlags, required } from "../args.ts";
import type { DiskRunStore } from "../disk_store.ts";
import { checkFinished, openRunRef } from "../run_ref.ts";
import { openFile } from "../file_source.ts";
import { table } from "../summary.ts";
import { startBackend } from "../versions.ts";

const flags = {
  run: { type: "string" },
  runs: { type: "string" },
  data: { type: "string" },
  test: { type: "string" },
  name: { type: "string" },
  force: { type: "boolean" },
  "allow-unfinished": { type: "boolean" },
  backend: { type: "string" },
  json: { type: "boolean" },
} as const;

/** Usage of `mf evaluate`. */
export const evaluateUsage = `mf evaluate --run RUN_DIR_OR_ID (--data DIR | --test FILE.parquet) [--name NAME] [--force] [--runs experiments/runs]
         [--backend auto|webgpu|wasm|cpu] [--allow-unfinished] [--json]
   (scores the run's model on labelled data with the full metrics; stored in the run as evaluations/NAME.json,
    NAME the data file's name unless given; --data DIR takes its test*.parquet; a run that is not finished is
    refused unless --allow-unfinished, which scores its checkpoint)`;

/** `mf evaluate`: scores a stored run's model on other labelled data and keeps the result in the run. */
export async function evaluateCommand(args: string[]): Promise<Evaluation | undefined> {
  const f = parseFlags("evaluate", args, flags);
  if (f.help) return void console.log(evaluateUsage);
  const run = required("evaluate", "run", f.run);
  const backendName = parseConfig(BackendName, f.backend ?? "auto", "--backend");
  const { store, runId } = await openRunRef(run, f.runs); // a missing run is reported before the data is read
  const dataPath = await testFile(f);
  const name = f.name !== undefined ? checkEvaluationName(f.name) : evaluationName(dataPath);
  await checkFinished(store, runId, Boolean(f["allow-unfinished"]));
  if (!f.force) await assertEvaluationFree(store, runId, name);
  const source = await openFile(dataPath);
  try {
    const backend = await startBackend(backendName);
    const loaded = await loadRun(store, runId, registry, backend);
    let result;
    try {
      result = await evaluateRun(loaded, source);
    } finally {
      loaded.model.dispose();
    }
    const evaluation: Evaluation = {
      name,
      created_at: new Date().toISOString(),
      run_id: runId,
      model: loaded.record.model,
      horizon: loaded.preprocess.horizon,
      data: result.data,
      backend: backend.name,
      metrics: result.metrics,
    };
    const path = resolve(join(store.location(runId), await saveEvaluation(store, evaluation, { force: f.force })));
    if (f.json) console.log(JSON.stringify({ run_id: runId, name, path, metrics: result.metrics }));
    else console.log(await summary(store, evaluation, path));
    return evaluation;
  } finally {
    source.close();
  }
}

/** The labelled file to score: --test FILE, or the one test*.parquet in --data DIR. */
async function testFile(f: { data?: string; test?: string }): Promise<string> {
  if (f.data !== undefined && f.test !== undefined) throw new ConfigError("mf evaluate: give --data DIR or --test FILE, not both", { key: "data" });
  if (f.test !== undefined) return f.test;
  if (f.data === undefined) throw new ConfigError("mf evaluate: give --data DIR (its test*.parquet) or --test FILE.parquet", { key: "data" });
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(f.data)) if (entry.isFile) names.push(entry.name);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new DataError(`Data not found: ${f.data} (expected a directory holding test*.parquet)`, { file: f.data });
    if (error instanceof Deno.errors.NotADirectory) {
      throw new DataError(`--data ${f.data} is a file; give --test ${f.data} to score one file`, { file: f.data });
    }
    throw error;
  }
  const matches = names.filter((n) => n.startsWith("test") && n.endsWith(".parquet")).sort();
  if (matches.length !== 1) {
    throw new DataError(
      `${f.data}: expected one test*.parquet file, found ${matches.length ? matches.join(", ") : "none"} (files: ${names.sort().join(", ") || "none"})`,
      {
        file: f.data,
      },
    );
  }
  return join(f.data, matches[0]);
}

const KEYS = ["n", "accuracy", "f1_macro", "f1_weighted", "log_loss", "sharpe", "max_drawdown", "win_rate", "profit_factor", "n_trades", "turnover"] as const;
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "-" : Number.isInteger(v) ? String(v) : v.toFixed(4));

/** What was scored, the headline metrics beside the run's own test metrics (when it has them), and where the result is. */
async function summary(store: DiskRunStore, e: Evaluation, path: string): Promise<string> {
  const own = await readRunJson(store, e.run_id, "metrics.json", z.looseObject({ test: z.record(z.string(), z.unknown()).optional() })).then(
    (m) => m.test as SplitMetrics | undefined,
    (error) => {
      if (error instanceof NotFoundError) return undefined; // a run stopped before scoring has no metrics.json
      throw error;
    },
  );
  const { data } = e;
  const header = `${e.model} (run ${e.run_id}, h${e.horizon}) on ${data.file}: ${data.samples} samples of ${data.rows} rows, ${data.symbols.length} symbols, ${
    data.time.start ?? "-"
  } to ${data.time.end ?? "-"}${data.fwd_returns ? "" : " (no forward returns: trading metrics use the label as a unit payoff)"}, on ${e.backend}`;
  const rows = KEYS.map((k) => [k, fmt(e.metrics[k]), ...(own ? [fmt(own[k])] : [])]);
  return [header, "", table([["metric", e.name, ...(own ? ["run test"] : [])], ...rows]), "", `saved in ${path}`].join("\n");
}
