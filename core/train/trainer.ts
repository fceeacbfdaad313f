import { LoadedDataset } from "../data/dataset.ts";
import { horizonColumns, type SplitSources } from "../data/splits.ts";
import { type FitHooks, fitRun, type RunRequest, type TrainEnv, type TrainResult } from "./fit_run.ts";
import { resolveRun } from "./resolve.ts";

export { type FitHooks, makeRunId, type RunRequest, type TrainEnv, type TrainResult } from "./fit_run.ts";

/** One run from its files: what to train, and where the data is. */
export interface TrainRequest extends RunRequest {
  sources: SplitSources;
}

/**
 * Reads the data a run needs (its horizon only) and fits one run on it: `mf train` and the app's Train page.
 * Many runs on the same data share one {@linkcode LoadedDataset} and call {@linkcode fitRun} instead.
 */
export async function train(request: TrainRequest, env: TrainEnv, hooks?: FitHooks): Promise<TrainResult> {
  const { dataset } = resolveRun(request);
  const t0 = env.clock.now();
  const { fwdReturn } = horizonColumns(dataset.horizon);
  const label = dataset.label_column ?? horizonColumns(dataset.horizon).label;
  const data = await LoadedDataset.load(request.sources, { ...dataset, labels: [{ label, fwdReturn }] }, env.progress);
  return fitRun(data, { ...request, loadSeconds: (env.clock.now() - t0) / 1000 }, env, hooks);
}
