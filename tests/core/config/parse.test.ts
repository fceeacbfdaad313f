import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { RunConfig } from "../../../core/config/run_config.ts";
import { closest, parseConfig } from "../../../core/config/parse.ts";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { ConfigError } from "../../../core/errors.ts";
import { registry } from "../../../models/index.ts";

describe("parseConfig", () => {
  it("applies defaults in one place", () => {
    const t = parseConfig(TrainerConfig, {}, "trainer");
    expect(t).toMatchObject({ epochs: 20, batch_size: 256, patience: 5, backend: "auto", restore_best: true });
    expect(parseConfig(DatasetConfig, {}, "dataset")).toMatchObject({ horizon: 5, exclude_neutrals: false, nan_policy: "error" });
  });

  it("rejects an unknown key and suggests the nearest valid one", () => {
    expect(() => parseConfig(TrainerConfig, { epoch: 3 }, "trainer config")).toThrow(/unknown key "epoch" \(did you mean "epochs"\?\)/);
    expect(() => parseConfig(DatasetConfig, { horizn: 5 }, "dataset")).toThrow(/did you mean "horizon"/);
  });

  it("names the key, the value and the allowed range of an invalid value", () => {
    try {
      parseConfig(TrainerConfig, { epochs: 0 }, "trainer config");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/epochs: expected an integer from 1 to 100000 \(got 0\)/);
      expect((error as ConfigError).place.key).toBe("epochs");
    }
    expect(() => parseConfig(TrainerConfig, { backend: "tpu" }, "trainer")).toThrow(/backend: .*"webgpu".*\(got "tpu"\)/);
  });

  it("accepts any positive integer horizon, not just 5 and 20", () => {
    expect(parseConfig(DatasetConfig, { horizon: 7 }, "dataset").horizon).toBe(7);
    expect(() => parseConfig(DatasetConfig, { horizon: 0 }, "dataset")).toThrow(/horizon/);
    expect(() => parseConfig(DatasetConfig, { horizon: 2.5 }, "dataset")).toThrow(/horizon/);
  });

  it("validates model params with each plugin's strict schema", () => {
    const mlp = registry.get("mlp");
    expect(parseConfig(mlp.configSchema, {}, "mlp")).toMatchObject({ hidden: [128, 64] });
    expect(() => parseConfig(mlp.configSchema, { hiden: [8] }, "mlp config")).toThrow(/did you mean "hidden"/);
    expect(() => parseConfig(mlp.configSchema, { dropout: 1.5 }, "mlp config")).toThrow(/dropout: expected a number from 0 to 0.9 \(got 1.5\)/);
  });

  it("closest() returns nothing when no candidate is near", () => {
    expect(closest("zzzzzz", ["epochs", "seed"])).toBeUndefined();
    expect(closest("sed", ["epochs", "seed"])).toBe("seed");
  });
});

describe("config/models/*.json", () => {
  const dir = new URL("../../../config/models/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));

  it("has a config for every registered model (and may hold more, e.g. the boosting styles of trees:gbdt)", () => {
    for (const p of registry.list()) expect(files).toContain(`${p.name}.json`);
  });

  for (const file of files) {
    it(`${file} validates against the experiment, dataset, trainer and model schemas`, () => {
      const experiment = parseConfig(RunConfig, JSON.parse(readFileSync(new URL(file, dir), "utf8")), file);
      const plugin = registry.get(experiment.model!);
      parseConfig(plugin.configSchema, experiment.params, file);
      parseConfig(DatasetConfig, experiment.dataset, file);
      parseConfig(TrainerConfig, experiment.trainer, file);
    });
  }
});
