import { z } from "zod";
import { stackingProbs } from "./stacking.ts";

/** The family of every ensemble run (its model is `ensemble:<kind>`). */
export const ENSEMBLE_FAMILY = "ensemble";

/** How an ensemble combines its members: the mean of their probabilities, or a logistic meta-model on them. */
export const EnsembleKind = z.enum(["soft_voting", "stacking"]);
/** An ensemble kind. */
export type EnsembleKind = z.output<typeof EnsembleKind>;

/** One member of an ensemble: a finished run in the same runs folder. */
export const EnsembleMember = z.looseObject({
  run_id: z.string().min(1),
  model: z.string().min(1),
  family: z.string().min(1),
  /** The experiment label of the member's cell. */
  label: z.string(),
  seq_len: z.number().int().positive(),
});
/** An ensemble member. */
export type EnsembleMember = z.output<typeof EnsembleMember>;

/** The stacking meta-model: softmax(coefficients . [1, member probabilities]). */
export const StackingModel = z.looseObject({
  /** Three rows (short, neutral, long), each `features.length` numbers. */
  coefficients: z.array(z.array(z.number())).length(3),
  /** Names of the coefficients' columns: `intercept`, then `<run_id>:prob_short` etc. */
  features: z.array(z.string()),
  l2: z.number().min(0),
  /** Time blocks of validation for the out-of-fold validation probabilities. */
  folds: z.number().int().min(2),
});
/** A fitted stacking meta-model. */
export type StackingModel = z.output<typeof StackingModel>;

/** model/ensemble.json: what an ensemble run is, enough to run it on new data given its members. */
export const EnsembleSpec = z.looseObject({
  kind: EnsembleKind,
  horizon: z.number().int().positive(),
  /** The longest member window: the ensemble scores the rows every member can score. */
  seq_len: z.number().int().positive(),
  members: z.array(EnsembleMember).min(2),
  stacking: StackingModel.optional(),
}).refine((spec) => spec.kind !== "stacking" || spec.stacking, { message: "a stacking ensemble needs its meta-model (stacking)", path: ["stacking"] });
/** A parsed model/ensemble.json. */
export type EnsembleSpec = z.output<typeof EnsembleSpec>;

/** The ensemble's probabilities (n x 3) from its members' probabilities of the same samples, in the spec's member order. */
export function combineProbs(spec: Pick<EnsembleSpec, "kind" | "members" | "stacking">, memberProbs: readonly Float32Array[]): Float32Array {
  if (memberProbs.length !== spec.members.length) {
    throw new RangeError(`The ensemble has ${spec.members.length} members, got ${memberProbs.length} sets of probabilities`);
  }
  if (spec.kind === "stacking") return stackingProbs(spec.stacking!.coefficients, memberProbs);
  const n = memberProbs[0].length;
  for (const probs of memberProbs) if (probs.length !== n) throw new RangeError(`Members' probabilities differ in length: ${probs.length} and ${n}`);
  const out = new Float32Array(n);
  for (let q = 0; q < n; q++) {
    let sum = 0;
    for (const probs of memberProbs) sum += probs[q];
    out[q] = sum / memberProbs.length;
  }
  return out;
}
