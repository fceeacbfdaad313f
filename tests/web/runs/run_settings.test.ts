import { describe, expect, it } from "vitest";
import type { RunRecord } from "../../../core/train/run_record.ts";
import { retrainSettings } from "../../../web/runs/run_settings.ts";

describe("retrainSettings", () => {
  it("gives the run's model, params, dataset and trainer settings, leaving out the time split to choose with the data", () => {
    const config = {
      params: { hidden: [64], learning_rate: 0.003 },
      dataset: { horizon: 20, seq_len: 8, nan_policy: "ffill" as const, split: { fractions: [0.6, 0.2, 0.2] as [number, number, number], embargo: 0 } },
      trainer: { epochs: 7, batch_size: 128, seed: 3 },
    };
    const settings = retrainSettings({ model: "neural:mlp", config } as Pick<RunRecord, "model" | "config">);
    expect(settings).toEqual({
      model: "neural:mlp",
      params: { hidden: [64], learning_rate: 0.003 },
      dataset: { horizon: 20, seq_len: 8, nan_policy: "ffill" },
      trainer: { epochs: 7, batch_size: 128, seed: 3 },
    });
    // a copy: the forms may change it without touching the record
    settings.trainer.epochs = 1;
    expect(config.trainer.epochs).toBe(7);
  });
});
