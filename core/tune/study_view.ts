/**
 * What the study views draw, as plain data computed from a replayed study: the optimisation history with its
 * best-so-far line, the intermediate values per trial, one slice per parameter, parallel-coordinates rows, the
 * parameter importances and the trials table. The app, the static viewer and `mf study show` read the same figures.
 * @module
 */
import { DataError } from "../errors.ts";
import { type ParamImportances, paramImportances } from "./importance.ts";
import type { Study, StudyTrial } from "./journal.ts";
import type { Direction, TrialState } from "./sampler.ts";
import { applyParams, type Distribution, type RunSettings, sameValue, SearchSpace } from "./space.ts";
import { bestTrial } from "./study.ts";

/** The complete trials' values in trial order, and the best value so far after each (in the study's direction). */
export interface HistoryData {
  numbers: number[];
  values: number[];
  best: number[];
}

/** Intermediate values aligned on their steps: one series per trial that reported any, null where it reported none. */
export interface IntermediateData {
  steps: number[];
  trials: { number: number; state: TrialState; values: (number | null)[] }[];
}

/** A parameter's axis: numbers (on a log scale when the space says so) from min to max, or choices in the space's order. */
export interface ParamAxis {
  key: string;
  /** The key without its `params.` prefix. */
  label: string;
  kind: "numeric" | "categorical";
  log: boolean;
  /** The range shown: the space's bounds, widened to any value seen outside them. */
  min: number;
  max: number;
  /** Categorical choices as text, in the space's order (then any value seen that the space lacks). */
  choices: string[];
}

/** One parameter against the objective: a point per complete trial that sampled it (x is a choice index for categoricals). */
export interface SliceData {
  axis: ParamAxis;
  points: { number: number; x: number; value: number }[];
}

/** Parallel coordinates: an axis per parameter then the objective; a row per complete trial, positions 0 (bottom) to 1 (top), null when absent. */
export interface ParallelData {
  axes: ParamAxis[];
  objective: { label: string; min: number; max: number; direction: Direction };
  rows: { number: number; value: number; positions: (number | null)[] }[];
}

/** One row of the trials table. */
export interface TrialRow {
  number: number;
  state: TrialState;
  value: number | null;
  /** Whether this is the best complete trial. */
  best: boolean;
  /** How many intermediate values it reported. */
  steps: number;
  /** Each sampled value as text, by path. */
  params: Record<string, string>;
  run_id: string | null;
  reason: string | null;
  /** Seconds from creation to finish, null while running. */
  seconds: number | null;
}

/** Everything the study views show. */
export interface StudyViewData {
  name: string;
  model: string;
  objective: string;
  direction: Direction;
  counts: Record<TrialState, number>;
  best: StudyTrial | undefined;
  history: HistoryData;
  intermediate: IntermediateData;
  slices: SliceData[];
  parallel: ParallelData;
  importances: ParamImportances;
  rows: TrialRow[];
}

/** The view data of a study (see the module doc). */
export function studyView(study: Study): StudyViewData {
  const best = bestTrial(study);
  const counts: Record<TrialState, number> = { complete: 0, pruned: 0, failed: 0, running: 0 };
  for (const t of study.trials) counts[t.state] += 1;
  const axes = paramAxes(study);
  return {
    name: study.name,
    model: study.header.model,
    objective: study.header.objective,
    direction: study.direction,
    counts,
    best,
    history: history(study),
    intermediate: intermediate(study),
    slices: axes.map((axis) => slice(study, axis)),
    parallel: parallel(study, axes),
    importances: importancesOf(study),
    rows: study.trials.map((t) => trialRow(t, best)),
  };
}

/** The study's parameter importances; a trial value its space cannot hold becomes the reason there are none, so the other views still show. */
export function importancesOf(study: Study): ParamImportances {
  try {
    return paramImportances(study);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    return { importances: {}, trials: study.trials.filter((t) => t.state === "complete").length, reason: error.message };
  }
}

/** Complete trials in number order with the running best. */
export function history(study: Pick<Study, "trials" | "direction">): HistoryData {
  const out: HistoryData = { numbers: [], values: [], best: [] };
  const better = study.direction === "maximize" ? Math.max : Math.min;
  for (const t of completeTrials(study.trials)) {
    out.numbers.push(t.number);
    out.values.push(t.value!);
    out.best.push(out.best.length ? better(out.best[out.best.length - 1], t.value!) : t.value!);
  }
  return out;
}

/** Every trial that reported an intermediate value, its values aligned on the union of steps. */
export function intermediate(study: Pick<Study, "trials">): IntermediateData {
  const reporting = study.trials.filter((t) => Object.keys(t.intermediate).length);
  const steps = [...new Set(reporting.flatMap((t) => Object.keys(t.intermediate).map(Number)))].sort((a, b) => a - b);
  return {
    steps,
    trials: reporting.map((t) => ({ number: t.number, state: t.state, values: steps.map((s) => t.intermediate[s] ?? null) })),
  };
}

/** An axis per parameter that any trial sampled: the space's order first, then others by name. */
export function paramAxes(study: Pick<Study, "trials" | "header">): ParamAxis[] {
  const parsed = SearchSpace.safeParse(study.header.space);
  const space: SearchSpace = parsed.success ? parsed.data : {};
  const seen = new Set(study.trials.flatMap((t) => Object.keys(t.params)));
  const keys = [...Object.keys(space).filter((k) => seen.has(k)), ...[...seen].filter((k) => !(k in space)).sort()];
  return keys.map((key) => axisOf(key, space[key], study.trials.filter((t) => key in t.params).map((t) => t.params[key])));
}

function axisOf(key: string, dist: Distribution | undefined, values: unknown[]): ParamAxis {
  const label = key.replace(/^params\./, "");
  const numeric = dist ? dist.type !== "categorical" : values.every((v) => typeof v === "number" && Number.isFinite(v));
  if (!numeric) {
    const choices = dist?.type === "categorical" ? [...dist.choices] : [];
    for (const v of values) if (!choices.some((c) => sameValue(c, v))) choices.push(v as never);
    return { key, label, kind: "categorical", log: false, min: 0, max: Math.max(0, choices.length - 1), choices: choices.map(choiceText) };
  }
  const nums = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const bounds = dist && dist.type !== "categorical" ? [dist.low, dist.high] : [];
  return {
    key,
    label,
    kind: "numeric",
    log: Boolean(dist && dist.type !== "categorical" && dist.log),
    min: Math.min(...bounds, ...nums),
    max: Math.max(...bounds, ...nums),
    choices: [],
  };
}

/** A choice as text: strings as they are, anything else (numbers, lists, null) as JSON. */
export function choiceText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Where a trial's value falls on an axis: the number itself, or the index of its choice; undefined when absent. */
function xOf(axis: ParamAxis, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (axis.kind === "categorical") return axis.choices.indexOf(choiceText(value));
  return typeof value === "number" ? value : undefined;
}

/** The complete trials that sampled the axis's parameter: its value against the objective. */
export function slice(study: Pick<Study, "trials">, axis: ParamAxis): SliceData {
  const points: SliceData["points"] = [];
  for (const t of completeTrials(study.trials)) {
    const x = xOf(axis, t.params[axis.key]);
    if (x !== undefined) points.push({ number: t.number, x, value: t.value! });
  }
  return { axis, points };
}

/** A position from 0 to 1 on an axis (log axes in log space); a one-value axis puts everything in the middle. */
export function axisPosition(axis: Pick<ParamAxis, "kind" | "log" | "min" | "max">, x: number): number {
  const [lo, hi, v] = axis.log ? [Math.log(axis.min), Math.log(axis.max), Math.log(x)] : [axis.min, axis.max, x];
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

/** Rows of parallel coordinates over the complete trials, the objective as the last axis. */
export function parallel(study: Pick<Study, "trials" | "direction" | "header">, axes: ParamAxis[]): ParallelData {
  const complete = completeTrials(study.trials);
  const values = complete.map((t) => t.value!);
  const objective = { label: study.header.objective, min: Math.min(...values), max: Math.max(...values), direction: study.direction };
  const rows = complete.map((t) => ({
    number: t.number,
    value: t.value!,
    positions: [
      ...axes.map((axis) => {
        const x = xOf(axis, t.params[axis.key]);
        return x === undefined ? null : axisPosition(axis, x);
      }),
      axisPosition({ kind: "numeric", log: false, min: objective.min, max: objective.max }, t.value!),
    ],
  }));
  return { axes, objective, rows };
}

/** A trial as a table row. */
export function trialRow(t: StudyTrial, best: StudyTrial | undefined): TrialRow {
  const finished = t.finished_at ? Date.parse(t.finished_at) : NaN;
  return {
    number: t.number,
    state: t.state,
    value: t.value ?? null,
    best: t === best,
    steps: Object.keys(t.intermediate).length,
    params: Object.fromEntries(Object.entries(t.params).map(([k, v]) => [k, valueText(v)])),
    run_id: t.run_id ?? null,
    reason: t.reason ?? null,
    seconds: Number.isFinite(finished) ? (finished - Date.parse(t.created_at)) / 1000 : null,
  };
}

/** A sampled value as short text: 4 significant digits for fractions (a learning rate of 0.0001 must not read 0.000). */
export function valueText(value: unknown): string {
  if (typeof value === "number" && !Number.isInteger(value)) return String(Number(value.toPrecision(4)));
  return choiceText(value);
}

/** What "train with best" and "add to an experiment" carry: the model and the best trial's run settings. */
export interface BestSettings extends RunSettings {
  model: string;
}

/**
 * The run settings of the best complete trial: the study's base settings with its sampled values set on top, the
 * same settings `mf tune` writes to best_config.json; undefined when no trial completed.
 */
export function bestSettings(study: Pick<Study, "trials" | "direction" | "header">): BestSettings | undefined {
  const best = bestTrial(study);
  if (!best) return undefined;
  const base = (study.header.settings.base ?? {}) as Partial<RunSettings>;
  const settings = applyParams({ params: base.params ?? {}, dataset: base.dataset ?? {}, trainer: base.trainer ?? {} }, best.params);
  return { model: study.header.model, ...settings };
}

function completeTrials<T extends { state: TrialState; value?: number; number: number }>(trials: readonly T[]): T[] {
  return trials.filter((t) => t.state === "complete" && Number.isFinite(t.value)).sort((a, b) => a.number - b.number);
}

/** An experiment's model entry (core/experiment/config.ts ExperimentModel) for the best settings, labelled after the study. */
export function experimentEntry(settings: BestSettings, study: string): Record<string, unknown> {
  // an experiment sets the horizon from its horizons and the seed from its seeds
  const { horizon: _h, ...dataset } = settings.dataset;
  const { seed: _s, ...trainer } = settings.trainer;
  const label = `tuned-${study}`.slice(0, 100).replace(/[^A-Za-z0-9_.-]/g, "-");
  return {
    name: settings.model,
    label,
    ...(Object.keys(settings.params).length ? { params: settings.params } : {}),
    ...(Object.keys(dataset).length ? { dataset } : {}),
    ...(Object.keys(trainer).length ? { trainer } : {}),
  };
}
