import { type Evaluation, readEvaluations } from "../../core/evaluation.ts";
import type { RunReader } from "../../core/platform.ts";
import type { EpochReport } from "../../core/model.ts";
import type { SplitMetrics } from "../../core/train/evaluate.ts";
import { effectiveRecord } from "../../core/train/liveness.ts";
import { readRunJson, RunRecord } from "../../core/train/run_record.ts";
import { tabProbe } from "../tab_process.ts";
import { z } from "zod";

/** metrics.json as the views read it: loose, so newer fields do not break them. */
const MetricsFile = z.looseObject({ val: z.record(z.string(), z.unknown()), test: z.record(z.string(), z.unknown()) });

/** A run as the runs table shows it: its record and final metrics, or why it could not be read. */
export interface RunRow {
  id: string;
  record?: RunRecord;
  metrics?: { val: SplitMetrics; test: SplitMetrics };
  error?: string;
}

/** Reads run.json and (when present) metrics.json of every stored run; a malformed run becomes a row with its error. */
export async function readRunRows(reader: RunReader): Promise<RunRow[]> {
  return Promise.all((await reader.list()).map((id) => readRunRow(reader, id)));
}

/**
 * One run's row. A run whose run.json says `running` but whose worker is gone (its Web Lock released: web/tab_process.ts)
 * or whose heartbeat went stale shows as `interrupted`; a run.json naming another id than its run is an error row.
 */
export async function readRunRow(reader: RunReader, id: string): Promise<RunRow> {
  try {
    const record = await effectiveRecord(reader, await readRunJson(reader, id, "run.json", RunRecord), { now: Date.now(), probe: tabProbe() });
    if (record.id !== id) return { id, error: `Run ${id}: run.json says its id is ${JSON.stringify(record.id)}` };
    const files = await reader.files(id);
    const metrics = files.includes("metrics.json") ? await readRunJson(reader, id, "metrics.json", MetricsFile) as unknown as RunRow["metrics"] : undefined;
    return { id, record, metrics };
  } catch (error) {
    return { id, error: (error as Error).message };
  }
}

/** Per-epoch lines of metrics.jsonl (empty when the run has none yet). */
export async function readEpochs(reader: RunReader, id: string): Promise<(EpochReport & { best?: boolean })[]> {
  if (!(await reader.files(id)).includes("metrics.jsonl")) return [];
  const text = new TextDecoder().decode(await reader.read(id, "metrics.jsonl"));
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/** A split's portfolio equity curve, as the trainer stores it in equity.json (time in ms). */
export const EquityCurveFile = z.object({ time: z.array(z.number()), equity: z.array(z.number()), drawdown: z.array(z.number()) });
/** The val and test curves of equity.json. */
export type EquityCurves = Partial<Record<"val" | "test", z.output<typeof EquityCurveFile>>>;

/** equity.json (val and test equity and drawdown); empty when the run has none (older or unfinished runs). */
export async function readEquity(reader: RunReader, id: string): Promise<EquityCurves> {
  if (!(await reader.files(id)).includes("equity.json")) return {};
  return z.object({ val: EquityCurveFile.optional(), test: EquityCurveFile.optional() }).parse(
    JSON.parse(new TextDecoder().decode(await reader.read(id, "equity.json"))),
  );
}

/** feature_importance.json as [feature, importance] pairs, largest first; empty when the model has none. */
export async function readImportance(reader: RunReader, id: string): Promise<[string, number][]> {
  if (!(await reader.files(id)).includes("feature_importance.json")) return [];
  const parsed = z.record(z.string(), z.number().nullable()).parse(JSON.parse(new TextDecoder().decode(await reader.read(id, "feature_importance.json"))));
  return Object.entries(parsed).map(([k, v]): [string, number] => [k, v ?? 0]).sort((a, b) => b[1] - a[1]);
}

/** A run's evaluations (evaluations/<name>.json, by name), or why they could not be read, so one bad file does not hide the run. */
export async function readRunEvaluations(reader: RunReader, id: string): Promise<{ evaluations: Evaluation[]; error?: string }> {
  try {
    return { evaluations: await readEvaluations(reader, id) };
  } catch (error) {
    return { evaluations: [], error: (error as Error).message };
  }
}
