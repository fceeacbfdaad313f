import type { LoadedDataset } from "../data/dataset.ts";
import { DataError } from "../errors.ts";
import { contentId } from "../experiment/cell_id.ts";
import { cellRun, type ExperimentRuns } from "../experiment/collect.ts";
import type { AfterCellsContext } from "../experiment/runner.ts";
import type { Clock, RunReader, RunStore } from "../platform.ts";
import { makeRunId } from "../train/fit_run.ts";
import { jsonText, type Preprocess, type RunRecord } from "../train/run_record.ts";
import { alignmentConfig, alignPredictions, readMemberPredictions } from "./align.ts";
import { type Candidate, chooseMembers, findCandidates } from "./members.ts";
import { combineProbs, ENSEMBLE_FAMILY, type EnsembleKind, type EnsembleMember, type EnsembleSpec } from "./spec.ts";
import { fitStacking, outOfFoldProbs, STACKING_FOLDS, STACKING_L2, stackingFeatures } from "./stacking.ts";
import { type EnsembleFiles, writeEnsembleFiles } from "./write.ts";

/** What building ensembles needs of the platform: the runs store (members are read from it, ensembles written to it) and a clock. */
export interface EnsembleEnv {
  store: RunStore;
  clock: Clock;
  /** Library versions recorded in run.json. */
  versions?: Record<string, string>;
}

/** Every note the ensembles put in the report starts with this, so a rebuild can replace them. */
export const ENSEMBLE_NOTE = "Ensembles: ";

/** A run that joins an ensemble, and its experiment label. */
export type MemberRun = Pick<Candidate, "record" | "label">;

/**
 * The experiment's ensembles, as its `afterCells` hook (`afterCells: (c) => buildEnsembles(c, env)`): at each
 * horizon, the best finished run of each family on validation macro-F1 becomes a member; with two or more members,
 * each enabled kind (soft voting, stacking) is computed from the members' stored predictions and written as a run
 * of family `ensemble` tagged with the experiment. An ensemble whose members have not changed is not built again;
 * an ensemble of this experiment that no longer matches its members loses its experiment tag (the run stays, and
 * `mf predict` still runs it). Why a horizon has no ensemble, or why one failed, goes into the report's notes.
 */
export async function buildEnsembles(context: AfterCellsContext, env: EnsembleEnv): Promise<void> {
  const { plan, runs, notes } = context;
  for (const note of [...notes]) if (note.startsWith(ENSEMBLE_NOTE)) notes.delete(note);
  const kinds = (["soft_voting", "stacking"] as const).filter((kind) => plan.config.ensembles[kind]);
  const current = new Set<string>();
  if (kinds.length > 0) {
    const byHorizon = chooseMembers(await findCandidates(env.store, plan.cells, runs));
    for (const horizon of plan.config.horizons) {
      const members = byHorizon.get(horizon) ?? [];
      if (members.length < 2) {
        const which = members.length ? `only one model family (${members[0].record.family}) has` : "no model family has";
        notes.add(`${ENSEMBLE_NOTE}none at h${horizon}: ${which} a finished run there, and an ensemble needs two`);
        continue;
      }
      try {
        alignmentConfig(members.map((m) => m.record));
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        notes.add(`${ENSEMBLE_NOTE}none at h${horizon}: ${error.message}`);
        continue;
      }
      for (const kind of kinds) {
        const cellId = ensembleCellId(kind, horizon, members);
        current.add(cellId);
        if (cellRun(runs.get(cellId))?.status === "finished") continue;
        try {
          // the report groups runs by label: an ensemble must not share one with a model entry
          const label = plan.cells.some((c) => c.label === kind) ? `ensemble-${kind}` : kind;
          await buildEnsembleRun(kind, members, context.data, env, { name: plan.config.experiment.name, cell_id: cellId, label });
        } catch (error) {
          // the run (when it got one) is already marked failed with this message; the others go on
          notes.add(`${ENSEMBLE_NOTE}${kind} at h${horizon} failed: ${String((error as Error)?.message ?? error)}`);
        }
      }
    }
    if (current.size > 0) {
      const stacking = plan.config.ensembles.stacking
        ? `; stacking's meta-model is fitted on validation, so its validation metrics are out of fold (${STACKING_FOLDS} time blocks), its test metrics from the meta-model fitted on all of validation`
        : "";
      notes.add(`${ENSEMBLE_NOTE}members are the best run of each model family at the horizon on validation macro-F1${stacking}`);
    }
  }
  await untagStale(env.store, runs, current);
}

/** The cell id of an ensemble: its kind, horizon, members and (for stacking) the meta-model's settings. */
export function ensembleCellId(kind: EnsembleKind, horizon: number, members: readonly MemberRun[]): string {
  const settings = kind === "stacking" ? { l2: STACKING_L2, folds: STACKING_FOLDS } : {};
  return contentId({ ensemble: kind, horizon, members: members.map((m) => m.record.id), settings });
}

/** An ensemble computed from its members' stored predictions, ready to write. */
export interface ComputedEnsemble extends EnsembleFiles {
  fingerprint: RunRecord["dataset"];
  dataset: RunRecord["config"]["dataset"];
}

/**
 * Computes an ensemble on the samples of the members' longest window: each member's stored val and test
 * predictions are looked up by (symbol, time) on those samples, then averaged (soft voting) or fed to the
 * meta-model. The meta-model is fitted on validation probabilities and validation labels only: test labels are
 * never passed to it, so they cannot change the ensemble (only its test metrics, computed when it is written).
 */
export async function computeEnsemble(kind: EnsembleKind, members: readonly MemberRun[], reader: RunReader, data: LoadedDataset): Promise<ComputedEnsemble> {
  const records = members.map((m) => m.record);
  const dataset = alignmentConfig(records);
  const splits = data.splits(dataset);
  const memberProbs = (split: "val" | "test") =>
    Promise.all(records.map(async (r) => {
      const columns = await readMemberPredictions(reader, r.id, split, dataset.horizon);
      return alignPredictions(splits[split], columns, `run ${r.id} predictions/${split}.parquet`);
    }));
  const val = await memberProbs("val"), test = await memberProbs("test");
  const spec: EnsembleSpec = {
    kind,
    horizon: dataset.horizon,
    seq_len: dataset.seq_len,
    members: members.map(({ record, label }): EnsembleMember => ({
      run_id: record.id,
      model: record.model,
      family: record.family,
      label,
      seq_len: record.seq_len,
    })),
  };
  let valProbs: Float32Array;
  if (kind === "stacking") {
    const classes = splits.val.classes(); // the only labels the meta-model sees
    const times = Float64Array.from(splits.val.ends, (row) => splits.val.frame.time[row]);
    const coefficients = fitStacking(val, classes, STACKING_L2);
    spec.stacking = { coefficients, features: stackingFeatures(records.map((r) => r.id)), l2: STACKING_L2, folds: STACKING_FOLDS };
    valProbs = outOfFoldProbs(val, classes, times, { folds: STACKING_FOLDS, l2: STACKING_L2, start: coefficients });
  } else valProbs = combineProbs(spec, val);
  const preprocess: Preprocess = {
    features: [...splits.featureNames],
    horizon: dataset.horizon,
    seq_len: dataset.seq_len,
    label_column: splits.labelColumn,
    nan_policy: dataset.nan_policy,
    // no scaler: each member scales the input with its own when the ensemble runs
  };
  return {
    spec,
    preprocess,
    val: { windows: splits.val, probs: valProbs },
    test: { windows: splits.test, probs: combineProbs(spec, test) },
    attachments: await commonPrepare(reader, records),
    fingerprint: splits.fingerprint,
    dataset,
  };
}

/**
 * Writes one ensemble as a run: run.json `running` first, then its files, then run.json `finished` with the
 * members and (stacking) the meta-model in `config.params`; on an error, run.json `failed` with it, rethrown.
 */
export async function buildEnsembleRun(
  kind: EnsembleKind,
  members: readonly MemberRun[],
  data: () => Promise<LoadedDataset>,
  env: EnsembleEnv,
  tag: NonNullable<RunRecord["experiment"]>,
): Promise<RunRecord> {
  const { store, clock } = env;
  const t0 = clock.now();
  const dataset = alignmentConfig(members.map((m) => m.record));
  const longest = members.map((m) => m.record).find((r) => r.seq_len === dataset.seq_len)!;
  let runId = makeRunId(t0, kind, dataset.horizon);
  while (await store.files(runId).then((files) => files.length > 0, () => false)) runId = makeRunId(clock.now(), kind, dataset.horizon);
  const memberList = members.map(({ record, label }) => ({ run_id: record.id, model: record.model, family: record.family, label, seq_len: record.seq_len }));
  const record: RunRecord = {
    id: runId,
    model: `${ENSEMBLE_FAMILY}:${kind}`,
    family: ENSEMBLE_FAMILY,
    horizon: dataset.horizon,
    seq_len: dataset.seq_len,
    config: { params: { kind, members: memberList }, dataset, trainer: {} },
    dataset: longest.dataset,
    backend: { name: "cpu", requested: "cpu", reason: "an ensemble combines its members' stored probabilities on the CPU" },
    versions: env.versions ?? {},
    seed: 0,
    status: "running",
    created_at: new Date(t0).toISOString(),
    timings: {},
    experiment: tag,
  };
  await store.write(runId, "run.json", jsonText(record));
  try {
    const computed = await computeEnsemble(kind, members, store, await data());
    await writeEnsembleFiles(store, runId, computed);
    const stacking = computed.spec.stacking;
    Object.assign(record, {
      status: "finished",
      config: { params: { kind, members: memberList, ...(stacking ? { stacking } : {}) }, dataset: computed.dataset, trainer: {} },
      dataset: computed.fingerprint,
      timings: { total_s: (clock.now() - t0) / 1000 },
    });
    await store.write(runId, "run.json", jsonText(record));
    return record;
  } catch (error) {
    await store.write(runId, "run.json", jsonText({ ...record, status: "failed", error: String((error as Error)?.message ?? error) }));
    throw error;
  }
}

/** The members' prepare.json when every member has the same one (so `mf predict --raw` can rebuild features for the ensemble). */
async function commonPrepare(reader: RunReader, records: readonly RunRecord[]): Promise<Record<string, Uint8Array>> {
  let first: Uint8Array | undefined;
  for (const record of records) {
    if (!(await reader.files(record.id)).includes("prepare.json")) return {};
    const bytes = await reader.read(record.id, "prepare.json");
    if (first && (bytes.length !== first.length || bytes.some((b, i) => b !== first![i]))) return {};
    first ??= bytes;
  }
  return first ? { "prepare.json": first } : {};
}

/** Ensemble runs of the experiment that are not its current ones lose their tag (kept as `former_experiment`), so the report lists only current ensembles. */
async function untagStale(store: RunStore, runs: ExperimentRuns, current: ReadonlySet<string>): Promise<void> {
  for (const [cellId, list] of runs) {
    if (current.has(cellId)) continue;
    for (const run of list) {
      if (run.family !== ENSEMBLE_FAMILY) continue;
      const raw = JSON.parse(new TextDecoder().decode(await store.read(run.id, "run.json")));
      const { experiment, ...rest } = raw;
      await store.write(run.id, "run.json", jsonText({ ...rest, former_experiment: experiment }));
    }
  }
}
