import { z } from "zod";
import { cellRun, type ExperimentRuns } from "../experiment/collect.ts";
import type { Cell } from "../experiment/plan.ts";
import type { RunReader } from "../platform.ts";
import { readRunJson, type RunRecord } from "../train/run_record.ts";
import { ENSEMBLE_FAMILY } from "./spec.ts";

/** A finished run of an experiment cell that may join an ensemble, with its validation macro-F1 (its test score is never read). */
export interface Candidate {
  record: RunRecord;
  /** The cell's label. */
  label: string;
  valF1: number;
  /** The cell's position in the plan: the earlier cell wins a tie. */
  order: number;
}

// Only the validation section is declared: choosing members must not depend on test.
const ValidationF1 = z.looseObject({ val: z.looseObject({ f1_macro: z.number().nullable() }) });

/**
 * The plan's cells that have a finished run, each with its validation macro-F1 from metrics.json. Runs whose
 * validation macro-F1 is not a number are left out; ensembles are never candidates.
 */
export async function findCandidates(
  reader: RunReader,
  cells: readonly Pick<Cell, "cellId" | "index" | "label">[],
  runs: ExperimentRuns,
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const cell of cells) {
    const record = cellRun(runs.get(cell.cellId));
    if (record?.status !== "finished" || record.family === ENSEMBLE_FAMILY) continue;
    const { val } = await readRunJson(reader, record.id, "metrics.json", ValidationF1);
    if (typeof val.f1_macro === "number" && Number.isFinite(val.f1_macro)) out.push({ record, label: cell.label, valF1: val.f1_macro, order: cell.index });
  }
  return out;
}

/**
 * The members at each horizon: the best candidate of each family on validation macro-F1 (over labels and seeds;
 * a tie goes to the earlier cell), families in name order so the same runs always make the same ensemble.
 */
export function chooseMembers(candidates: readonly Candidate[]): Map<number, Candidate[]> {
  const best = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = `${c.record.horizon}\u0000${c.record.family}`;
    const held = best.get(key);
    if (!held || c.valF1 > held.valF1 || (c.valF1 === held.valF1 && c.order < held.order)) best.set(key, c);
  }
  const out = new Map<number, Candidate[]>();
  for (const c of best.values()) out.set(c.record.horizon, [...(out.get(c.record.horizon) ?? []), c]);
  for (const list of out.values()) list.sort((a, b) => (a.record.family < b.record.family ? -1 : a.record.family > b.record.family ? 1 : 0));
  return out;
}
