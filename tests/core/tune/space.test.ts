import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../core/errors.ts";
import { applyParams, isActive, samplingOrder, spaceFromFile, validateSpace } from "../../../core/tune/space.ts";
import { MlpConfig } from "../../../models/mlp/mlp.ts";

/** The ConfigError `fn` throws (failing the test when it throws nothing or something else). */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("validateSpace", () => {
  it("accepts a space over the plugin's params and dataset and trainer settings", () => {
    const space = validateSpace(
      {
        "params.learning_rate": { type: "float", low: 1e-4, high: 1e-1, log: true },
        "params.hidden": { type: "categorical", choices: [[64], [128, 64]] },
        "params.dropout": { type: "float", low: 0, high: 0.5, step: 0.1 },
        "dataset.seq_len": { type: "int", low: 1, high: 8 },
        "trainer.batch_size": { type: "categorical", choices: [128, 256] },
      },
      "tune.json",
      MlpConfig,
    );
    expect(Object.keys(space)).toHaveLength(5);
  });

  it("rejects a parameter the model does not have, naming the key and the closest valid one", () => {
    const error = configError(() => validateSpace({ "params.learning_rat": { type: "float", low: 1e-4, high: 1e-1 } }, "tune.json", MlpConfig));
    expect(error.message).toContain('"params.learning_rat"');
    expect(error.message).toContain('did you mean "params.learning_rate"');
    expect(error.message).toContain("tune.json");
    expect(error.place.key).toBe("params.learning_rat");
  });

  it("rejects an unknown dataset or trainer setting and a path outside params/dataset/trainer", () => {
    expect(configError(() => validateSpace({ "dataset.seqlen": { type: "int", low: 1, high: 4 } }, "x")).message).toMatch(
      /"dataset.seqlen".*did you mean "dataset.seq_len"/,
    );
    expect(configError(() => validateSpace({ "trainer.lr": { type: "float", low: 0.1, high: 1 } }, "x")).message).toContain(
      '"trainer.lr" is not a trainer setting',
    );
    expect(configError(() => validateSpace({ "model.units": { type: "int", low: 1, high: 4 } }, "x")).message).toContain(
      "params.<key>, dataset.<key> or trainer.<key>",
    );
    expect(configError(() => validateSpace({ units: { type: "int", low: 1, high: 4 } }, "x")).place.key).toBe("units");
  });

  it("rejects low above high, naming the key and both bounds", () => {
    const error = configError(() => validateSpace({ "params.dropout": { type: "float", low: 0.5, high: 0.1 } }, "mlp's searchSpace", MlpConfig));
    expect(error.message).toBe('Invalid search space in mlp\'s searchSpace: "params.dropout" has low 0.5 above high 0.1');
    expect(error.place.key).toBe("params.dropout");
  });

  it("rejects a log range through 0 or below", () => {
    for (const low of [0, -1e-3]) {
      const error = configError(() => validateSpace({ "params.learning_rate": { type: "float", low, high: 0.1, log: true } }, "tune.json", MlpConfig));
      expect(error.message).toContain(`"params.learning_rate" is log-scaled, so low must be above 0 (got ${low})`);
    }
  });

  it("rejects a step that does not divide the range, log with a step, and a malformed entry", () => {
    expect(configError(() => validateSpace({ "params.dropout": { type: "float", low: 0, high: 0.5, step: 0.2 } }, "x")).message).toContain("does not divide");
    expect(validateSpace({ "params.dropout": { type: "float", low: 0, high: 0.5, step: 0.1 } }, "x")["params.dropout"]).toMatchObject({ step: 0.1 });
    expect(configError(() => validateSpace({ "params.units": { type: "int", low: 1, high: 64, log: true, step: 2 } }, "x")).message).toContain(
      "cannot be log-scaled with a step",
    );
    expect(configError(() => validateSpace({ "params.units": { type: "int", low: 1.5, high: 4 } }, "x")).message).toContain('"params.units.low"');
    expect(configError(() => validateSpace({ "params.units": { type: "normal", low: 1, high: 4 } }, "x")).message).toContain('"params.units');
    expect(configError(() => validateSpace({ "params.act": { type: "categorical", choices: [] } }, "x")).message).toContain("params.act");
  });

  it("rejects a `when` on a parameter not in the space, and circular ones", () => {
    const unknown = configError(() => validateSpace({ "params.width": { type: "int", low: 1, high: 4, when: { param: "params.kind", in: ["b"] } } }, "x"));
    expect(unknown.message).toContain('"params.width" depends on "params.kind", which is not in the space');
    const circular = configError(() =>
      validateSpace({
        "params.a": { type: "int", low: 1, high: 4, when: { param: "params.b", in: [1] } },
        "params.b": { type: "int", low: 1, high: 4, when: { param: "params.a", in: [1] } },
      }, "x")
    );
    expect(circular.message).toContain("circular");
  });
});

describe("samplingOrder and isActive", () => {
  it("puts a conditional parameter after the one it depends on", () => {
    const space = validateSpace({
      "params.width": { type: "int", low: 1, high: 4, when: { param: "params.kind", in: ["b"] } },
      "params.lr": { type: "float", low: 0.1, high: 1 },
      "params.kind": { type: "categorical", choices: ["a", "b"] },
    }, "x");
    expect(samplingOrder(space)).toEqual(["params.kind", "params.width", "params.lr"]);
    expect(isActive(space["params.width"], { "params.kind": "b" })).toBe(true);
    expect(isActive(space["params.width"], { "params.kind": "a" })).toBe(false);
    expect(isActive(space["params.width"], {})).toBe(false);
    expect(isActive(space["params.lr"], {})).toBe(true);
  });
});

describe("applyParams", () => {
  it("sets each sampled value at its path and leaves the input untouched", () => {
    const settings = { params: { l2: 0 }, dataset: { horizon: 5, split: { embargo: 0 } }, trainer: { epochs: 3 } };
    const out = applyParams(settings, { "params.hidden": [64, 32], "dataset.seq_len": 4, "trainer.batch_size": 128, "dataset.split.embargo": 2 });
    expect(out).toEqual({
      params: { l2: 0, hidden: [64, 32] },
      dataset: { horizon: 5, seq_len: 4, split: { embargo: 2 } },
      trainer: { epochs: 3, batch_size: 128 },
    });
    expect(settings).toEqual({ params: { l2: 0 }, dataset: { horizon: 5, split: { embargo: 0 } }, trainer: { epochs: 3 } });
  });

  it("refuses a path outside params, dataset and trainer", () => {
    expect(configError(() => applyParams({ params: {}, dataset: {}, trainer: {} }, { "model.x": 1 })).place.key).toBe("model.x");
  });
});

describe("spaceFromFile", () => {
  const model = {
    "params.a": { type: "float", low: 0, high: 1 },
    "params.b": { type: "int", low: 1, high: 9 },
  } as const;
  it("narrows the model's space with extends: model (an entry replaces, null removes, new settings join); without it the file is the space", () => {
    const narrowed = spaceFromFile(
      { extends: "model", "params.a": { type: "float", low: 0.2, high: 0.4 }, "params.b": null, "dataset.seq_len": { type: "int", low: 1, high: 8 } },
      model,
      "s.json",
    );
    expect(narrowed).toEqual({ "params.a": { type: "float", low: 0.2, high: 0.4 }, "dataset.seq_len": { type: "int", low: 1, high: 8 } });
    const own = { "params.b": { type: "int", low: 2, high: 3 } };
    expect(spaceFromFile(own, model, "s.json")).toBe(own);
  });
  it("names what is wrong: another base, no model space, removing a key the model lacks", () => {
    expect(() => spaceFromFile({ extends: "gbdt" }, model, "s.json")).toThrow(/s\.json: "extends" must be "model", got "gbdt"/);
    expect(() => spaceFromFile({ extends: "model" }, undefined, "s.json")).toThrow(/the model declares no search space/);
    expect(() => spaceFromFile({ extends: "model", "params.zz": null }, model, "s.json")).toThrow(
      /"params\.zz": null removes a parameter, but the model's space has no "params\.zz"/,
    );
  });
});
