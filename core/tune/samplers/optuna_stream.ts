/**
 * Optuna's random streams for TPE's `stream: "numpy"` mode. `TPESampler(seed=s)` holds two numpy RandomStates seeded
 * with s: its startup `RandomSampler`'s, which draws the first trials' values, and its own, which draws the Parzen
 * candidates afterwards. Both are read in sequence, so a trial's draws start where the earlier trials' ended. Here that
 * position is worked out from the history (how many words each earlier trial took, given the trials finished before
 * it), so a sample still depends only on the space, the trials and the seed: a study run one trial after another gives
 * Optuna's draws whether or not it was resumed on the way.
 * @module
 */
import { type NumpyRandomState, numpyRandomState } from "../../random_numpy.ts";
import type { FrozenTrial } from "../sampler.ts";
import type { Distribution, SearchSpace } from "../space.ts";
import { singleValue } from "./random.ts";

const scratch = new DataView(new ArrayBuffer(8));

/** The largest double below `x` (numpy's nextafter(x, x - 1)), for finite x. */
function nextBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  scratch.setFloat64(0, x);
  const bits = scratch.getBigUint64(0);
  scratch.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n);
  return scratch.getFloat64(0);
}

/** numpy's and Python's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * One value of `dist` as Optuna's `RandomSampler.sample_independent` draws it: a uniform over the transformed range
 * (log space for log parameters, widened by half a step for stepped ones; one uniform per choice for categoricals, the
 * largest taken), mapped back as Optuna's `_SearchSpaceTransform.untransform` does.
 */
export function optunaRandomValue(dist: Distribution, rs: NumpyRandomState): unknown {
  if (dist.type === "categorical") {
    const u = dist.choices.map(() => rs.uniform(0, 1));
    let best = 0;
    for (let i = 1; i < u.length; i++) if (u[i] > u[best]) best = i;
    return dist.choices[best];
  }
  const { low, high } = dist;
  if (dist.type === "int") {
    const step = dist.step ?? 1, half = 0.5 * step;
    if (dist.log) return Math.min(Math.max(roundHalfEven(Math.exp(rs.uniform(Math.log(low - half), Math.log(high + half)))), low), high);
    const index = Math.floor((rs.uniform(low - half, high + half) - low) / step + 0.5);
    return Math.min(Math.max(index * step + low, low), high);
  }
  if (dist.log) {
    const v = Math.exp(rs.uniform(Math.log(low), Math.log(high)));
    return low === high ? v : Math.min(Math.max(v, low), nextBelow(high));
  }
  if (dist.step !== undefined) {
    const v = roundHalfEven((rs.uniform(low - 0.5 * dist.step, high + 0.5 * dist.step) - low) / dist.step) * dist.step + low;
    return Math.min(Math.max(v, low), high);
  }
  const v = rs.uniform(low, high);
  return low === high ? v : Math.min(v, nextBelow(high));
}

/** How a TPE study samples, as far as the number of random draws goes. */
export interface StreamSettings {
  nStartupTrials: number;
  nEiCandidates: number;
  multivariate: boolean;
}

/** Trials TPE learns from: pruned ones, and complete ones with a finite value. */
export function isFinished(t: FrozenTrial): boolean {
  return t.state === "pruned" || (t.state === "complete" && Number.isFinite(t.value));
}

/**
 * The parameters of `space` sampled jointly given the `finished` trials: those every one of them has, single-valued
 * ones left out (Optuna's intersection search space), in Optuna's order, by name.
 */
export function jointKeys(space: SearchSpace, finished: readonly FrozenTrial[]): string[] {
  // The intersection over no trials is empty in Optuna: with no history every parameter is sampled on its own.
  if (finished.length === 0) return [];
  return Object.keys(space).filter((k) => !singleValue(space[k]) && finished.every((t) => k in t.params)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The two streams positioned for trial `number`: each earlier trial (by number) took its draws from the startup stream
 * while fewer than `nStartupTrials` trials before it had finished (one double per numeric parameter it has, one per
 * choice of a categorical), else from the TPE stream (one double per candidate for the kernel choice and per candidate
 * and parameter, for the joint group and for each other parameter on its own). Seeds are taken mod 2^32, numpy's range.
 */
export function optunaStreams(
  seed: number,
  space: SearchSpace,
  trials: readonly FrozenTrial[],
  number: number,
  settings: StreamSettings,
): { startup: NumpyRandomState; tpe: NumpyRandomState } {
  let startupWords = 0, tpeWords = 0, nFinished = 0;
  // The parameters every finished trial so far has (Optuna's intersection space), kept as the trials go by so a long
  // study costs one pass; undefined until a trial has finished.
  let common: Set<string> | undefined;
  const earlier = trials.filter((t) => t.number < number).sort((a, b) => a.number - b.number);
  for (const trial of earlier) {
    const drawn = Object.keys(trial.params).filter((k) => k in space && !singleValue(space[k]));
    if (nFinished < settings.nStartupTrials) {
      for (const k of drawn) startupWords += 2 * (space[k].type === "categorical" ? (space[k] as { choices: unknown[] }).choices.length : 1);
    } else {
      const joint = settings.multivariate && common ? Object.keys(space).filter((k) => !singleValue(space[k]) && common!.has(k)) : [];
      const perGroup = (n: number) => 2 * settings.nEiCandidates * (1 + n);
      if (joint.length) tpeWords += perGroup(joint.length);
      for (const k of drawn) if (!joint.includes(k)) tpeWords += perGroup(1);
    }
    if (isFinished(trial)) {
      nFinished++;
      common = new Set(common ? [...common].filter((k) => k in trial.params) : Object.keys(trial.params));
    }
  }
  const modSeed = ((seed % 2 ** 32) + 2 ** 32) % 2 ** 32;
  const startup = numpyRandomState(modSeed), tpe = numpyRandomState(modSeed);
  startup.skip(startupWords);
  tpe.skip(tpeWords);
  return { startup, tpe };
}
