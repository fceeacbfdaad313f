import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import type { ModelPlugin } from "../../../core/model.ts";
import { createRegistry } from "../../../core/registry.ts";
import { registry } from "../../../models/index.ts";
import { BROWSER_HEARTBEAT_S, studyHeader, type TuneChoice } from "../../../web/studies/new_study.ts";

const choice: TuneChoice = {
  name: "logistic-h5",
  model: "logistic",
  horizon: 5,
  budget: 6,
  sampler: "tpe",
  pruner: "median",
  objective: "f1_macro",
  trainer: { epochs: 8, backend: "cpu" },
  files: ["train.parquet", "val.parquet", "test.parquet"],
};
const at = "2026-12-01T10:00:00.000Z";

describe("studyHeader", () => {
  it("makes the create_study line as mf tune does: the plugin's space, the median pruner's warm-up, the settings a worker follows", () => {
    const header = studyHeader(choice, registry, at);
    expect(header).toMatchObject({
      name: "logistic-h5",
      model: "linear:logistic",
      horizon: 5,
      direction: "maximize",
      objective: "f1_macro",
      sampler: "tpe",
      at,
    });
    expect(Object.keys(header.space).sort()).toEqual(["params.l2", "params.learning_rate"]);
    expect(header.pruner).toMatchObject({ name: "median", n_warmup_steps: 2 });
    // the trainer's default seed is the study's seed; the base settings carry the horizon and the trainer as given
    expect(header.settings).toEqual({
      seed: 42,
      heartbeat_s: BROWSER_HEARTBEAT_S,
      base: { params: {}, dataset: { horizon: 5 }, trainer: { epochs: 8, backend: "cpu" } },
      data: choice.files,
    });
    const split = { fractions: [0.6, 0.2, 0.2] as [number, number, number], purge: 5, embargo: 0 };
    const oneFile = studyHeader({ ...choice, split, pruner: "none", objective: "log_loss", trainer: { seed: 7 } }, registry, at);
    expect([oneFile.pruner, oneFile.direction, oneFile.settings.seed]).toEqual([null, "minimize", 7]);
    expect((oneFile.settings.base as { dataset: unknown }).dataset).toEqual({ horizon: 5, split });
  });

  it("refuses a bad study name, a budget below 1, a grid over floats and a budget past the grid, each naming the value", () => {
    expect(() => studyHeader({ ...choice, name: "../x" }, registry, at)).toThrow(/Study name "..\/x" is not allowed/);
    expect(() => studyHeader({ ...choice, budget: 0 }, registry, at)).toThrow(/Trials must be a whole number of at least 1, got 0/);
    expect(() => studyHeader({ ...choice, sampler: "grid" }, registry, at)).toThrow(ConfigError);
    expect(() => studyHeader({ ...choice, model: "trees:gbdt", sampler: "grid", budget: 1e6 }, registry, at)).toThrow(ConfigError);
  });

  it("refuses a model without a search space and a trainer setting out of range", () => {
    const plain = { ...registry.get("logistic"), name: "plain", searchSpace: undefined } as ModelPlugin;
    expect(() => studyHeader({ ...choice, model: "plain" }, createRegistry([plain]), at)).toThrow("Model plain declares no search space to tune");
    expect(() => studyHeader({ ...choice, trainer: { epochs: -1 } }, registry, at)).toThrow(/epochs/);
  });
});
