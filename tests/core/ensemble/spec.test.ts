import { describe, expect, it } from "vitest";
import { combineProbs, EnsembleSpec } from "../../../core/ensemble/spec.ts";
import { stackingProbs } from "../../../core/ensemble/stacking.ts";

const member = (run_id: string, seq_len: number) => ({ run_id, model: "linear:logistic", family: "linear", label: run_id, seq_len });
const a = Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1]);
const b = Float32Array.from([0.4, 0.4, 0.2, 0.1, 0.1, 0.8]);
const c = Float32Array.from([0.3, 0.5, 0.2, 0.3, 0.3, 0.4]);

describe("ensemble spec", () => {
  it("soft voting is the mean of the members' probabilities", () => {
    const spec = { kind: "soft_voting" as const, members: [member("a", 1), member("b", 2), member("c", 3)] };
    const out = combineProbs(spec, [a, b, c]);
    for (let q = 0; q < 6; q++) expect(out[q]).toBeCloseTo((a[q] + b[q] + c[q]) / 3, 7);
    expect(() => combineProbs(spec, [a, b])).toThrow(/3 members, got 2/);
  });

  it("stacking applies its meta-model", () => {
    const coefficients = [[0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0.5, 0, 0, 0, 0, 0, 2]];
    const spec = { kind: "stacking" as const, members: [member("a", 1), member("b", 1)], stacking: { coefficients, features: [], l2: 0, folds: 5 } };
    expect(combineProbs(spec, [a, b])).toEqual(stackingProbs(coefficients, [a, b]));
  });

  it("model/ensemble.json needs two members, and a stacking ensemble its meta-model", () => {
    const base = { kind: "soft_voting", horizon: 5, seq_len: 2, members: [member("a", 1), member("b", 2)] };
    expect(EnsembleSpec.safeParse(base).success).toBe(true);
    expect(EnsembleSpec.safeParse({ ...base, members: [member("a", 1)] }).success).toBe(false);
    const stacking = EnsembleSpec.safeParse({ ...base, kind: "stacking" });
    expect(stacking.success).toBe(false);
    expect(stacking.error?.issues[0].message).toMatch(/needs its meta-model/);
  });
});
