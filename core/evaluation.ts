import { z } from "zod";
import { ConfigError } from "./errors.ts";
import type { RunReader, RunStore } from "./platform.ts";
import type { SplitMetrics } from "./train/evaluate.ts";
import { jsonText, readRunJson } from "./train/run_record.ts";

/** Where a run keeps its evaluations: `evaluations/<name>.json`. */
export const EVALUATIONS_DIR = "evaluations/";

/** What identifies the data an evaluation scored. */
export const EvaluationData = z.looseObject({
  /** The file as it was named (a path on the CLI, a file name in the browser). */
  file: z.string(),
  bytes: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  symbols: z.array(z.string()),
  /** Symbols with fewer rows than the run's window, which gave no sample. */
  skipped_symbols: z.array(z.string()),
  label_column: z.string(),
  /** Whether trading metrics used the file's forward returns (else the label as a unit payoff). */
  fwd_returns: z.boolean(),
  /** First and last bar of the rows read (ISO), null for a file without rows. */
  time: z.object({ start: z.string().nullable(), end: z.string().nullable() }),
});
/** A parsed evaluation's data section. */
export type EvaluationData = z.output<typeof EvaluationData>;

/** evaluations/<name>.json: a stored model scored on other data, with the full metrics of a split (fields added later are dropped on read). */
export const Evaluation = z.object({
  name: z.string().min(1),
  created_at: z.string(),
  run_id: z.string().min(1),
  model: z.string().min(1),
  horizon: z.number().int().positive(),
  data: EvaluationData,
  backend: z.string(),
  // read loosely, like metrics.json: its shape is evaluate()'s SplitMetrics
  metrics: z.looseObject({ per_symbol: z.record(z.string(), z.unknown()) }),
});
/** A parsed evaluation file (its metrics typed as the evaluator writes them). */
export type Evaluation = Omit<z.output<typeof Evaluation>, "metrics"> & { metrics: SplitMetrics };

/** An evaluation name from a file name: its base name without extension, every character but letters, digits, `_ - .` made `_`. */
export function evaluationName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const stem = base.includes(".") ? base.slice(0, base.lastIndexOf(".")) : base;
  return checkEvaluationName(stem.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "_") || "evaluation");
}

/** `name` when it is safe as a file name (letters, digits, `_ - .`, not starting with a dot); a ConfigError otherwise. */
export function checkEvaluationName(name: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/.test(name)) {
    throw new ConfigError(`Evaluation name "${name}" must be 1-128 letters, digits, "_", "-" or "." and not start with "."`, { key: "name", value: name });
  }
  return name;
}

/** Where an evaluation of that name lives in its run: `evaluations/<name>.json`. */
export function evaluationPath(name: string): string {
  return `${EVALUATIONS_DIR}${checkEvaluationName(name)}.json`;
}

/** Resolves when the run has no evaluation named `name`; a ConfigError naming it otherwise (checked before scoring, so no work is wasted). */
export async function assertEvaluationFree(reader: RunReader, runId: string, name: string): Promise<void> {
  const path = evaluationPath(name);
  if ((await reader.files(runId)).includes(path)) {
    throw new ConfigError(`Run ${runId} already has an evaluation named "${name}" (${path}); give --force to replace it, or another --name`, {
      key: "name",
      value: name,
    });
  }
}

/**
 * Writes `evaluations/<name>.json` into its run (atomically, as every store write is); an existing
 * evaluation of that name is replaced only with `force`, else a ConfigError naming it. Returns the path in the run.
 */
export async function saveEvaluation(store: RunStore, evaluation: Evaluation, options: { force?: boolean } = {}): Promise<string> {
  if (!options.force) await assertEvaluationFree(store, evaluation.run_id, evaluation.name);
  const path = evaluationPath(evaluation.name);
  await store.write(evaluation.run_id, path, jsonText(evaluation));
  return path;
}

/** Every evaluation stored in a run, by name; a malformed file is a DataError naming it. */
export async function readEvaluations(reader: RunReader, runId: string): Promise<Evaluation[]> {
  const paths = (await reader.files(runId)).filter((p) =>
    p.startsWith(EVALUATIONS_DIR) && p.endsWith(".json") && !p.slice(EVALUATIONS_DIR.length).includes("/")
  );
  const found = await Promise.all(paths.map((p) => readRunJson(reader, runId, p, Evaluation) as Promise<unknown> as Promise<Evaluation>));
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
