import { describe, expect, it } from "vitest";
import { intermediateValue, OBJECTIVE_DIRECTION, objectiveValue } from "../../../core/tune/objective.ts";
import type { SplitMetrics } from "../../../core/train/evaluate.ts";

describe("objectives", () => {
  it("maximise F1 and Sharpe, minimise log loss", () => {
    expect(OBJECTIVE_DIRECTION).toEqual({ f1_macro: "maximize", log_loss: "minimize", sharpe: "maximize" });
  });

  it("read the validation metric, NaN where it could not be computed", () => {
    const val = { f1_macro: 0.41, log_loss: 1.02, sharpe: null } as unknown as SplitMetrics;
    expect(objectiveValue("f1_macro", val)).toBe(0.41);
    expect(objectiveValue("log_loss", val)).toBe(1.02);
    expect(objectiveValue("sharpe", val)).toBeNaN();
  });

  it("report the val loss per epoch, negated for a maximising study so that higher is better", () => {
    const report = { epoch: 3, train_loss: 1.1, train_accuracy: 0.4, val_loss: 1.05, val_accuracy: 0.38 };
    expect(intermediateValue(report, "minimize")).toBe(1.05);
    expect(intermediateValue(report, "maximize")).toBe(-1.05);
  });
});
