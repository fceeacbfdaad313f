import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../core/errors.ts";
import type { ModelPlugin } from "../../core/model.ts";
import { createRegistry } from "../../core/registry.ts";
import { plugins, registry } from "../../models/index.ts";

const fake = (family: string, name: string): ModelPlugin => ({
  family,
  name,
  description: "",
  input: "flat",
  wantsGpu: false,
  defaultSeqLen: 1,
  configSchema: z.strictObject({}),
  create: () => {
    throw new Error("unused");
  },
  load: () => Promise.reject(new Error("unused")),
});

describe("registry", () => {
  it("finds a model by family:name and by short name", () => {
    expect(registry.get("linear:logistic").name).toBe("logistic");
    expect(registry.get("mlp").family).toBe("neural");
    expect(registry.get("neural:mlp")).toBe(registry.get("mlp"));
  });

  it("reports an ambiguous short name with every match", () => {
    const r = createRegistry([fake("neural", "lstm"), fake("timeseries", "lstm")]);
    expect(() => r.get("lstm")).toThrow(/ambiguous: neural:lstm, timeseries:lstm/);
    expect(r.get("timeseries:lstm").family).toBe("timeseries");
  });

  it("lists the available models for an unknown name and suggests the closest", () => {
    expect(() => registry.get("logistc")).toThrow(ConfigError);
    expect(() => registry.get("logistc")).toThrow(/did you mean "logistic"\?.*available: linear:logistic, linear:svm, neural:gru, neural:lstm, neural:mlp/);
  });

  it("rejects a plugin listed twice", () => {
    expect(() => createRegistry([fake("a", "x"), fake("a", "x")])).toThrow(/listed twice/);
  });

  it("lists by family, sorted, and rejects an unknown family", () => {
    expect(registry.list().map((p) => p.name)).toEqual([
      "logistic",
      "svm",
      "gru",
      "lstm",
      "mlp",
      "rwkv",
      "transformer",
      "autoformer",
      "informer",
      "nhits",
      "patchtst",
      "tcn",
      "tft",
      "timesnet",
      "wavenet",
      "forest",
      "gbdt",
    ]);
    expect(registry.list("neural").map((p) => p.name)).toEqual(["gru", "lstm", "mlp", "rwkv", "transformer"]);
    expect(registry.list("timeseries").map((p) => p.name)).toEqual(["autoformer", "informer", "nhits", "patchtst", "tcn", "tft", "timesnet", "wavenet"]);
    expect(registry.list("trees").map((p) => p.name)).toEqual(["forest", "gbdt"]);
    expect(() => registry.list("quantum")).toThrow(/families: linear, neural/);
  });

  it("holds every plugin of models/index.ts with a description and a default window", () => {
    expect(registry.list()).toHaveLength(plugins.length);
    for (const p of plugins) {
      expect(p.description.length).toBeGreaterThan(10);
      expect(p.defaultSeqLen).toBeGreaterThanOrEqual(1);
    }
  });
});
