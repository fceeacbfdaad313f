import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DatasetConfig } from "../../../core/config/dataset.ts";
import { configFields, rangeText } from "../../../core/config/fields.ts";
import { TrainerConfig } from "../../../core/config/trainer.ts";
import { plugins } from "../../../models/index.ts";

describe("configFields", () => {
  it("reads kinds, defaults and bounds from the schema", () => {
    const fields = configFields(
      z.strictObject({
        lr: z.number().positive().max(10).default(1e-3),
        hidden: z.array(z.number().int().min(1).max(512)).min(1).max(4).default([64, 32]),
        act: z.enum(["relu", "tanh"]).default("relu"),
        on: z.boolean().default(true),
        seq: z.number().int().min(1).max(4096).optional(),
        cols: z.array(z.string()).optional(),
      }).refine(() => true),
    );
    expect(fields).toEqual([
      { key: "lr", optional: true, default: 1e-3, kind: "number", integer: false, min: 0, minInclusive: false, max: 10, maxInclusive: true },
      {
        key: "hidden",
        optional: true,
        default: [64, 32],
        kind: "number_list",
        minItems: 1,
        maxItems: 4,
        integer: true,
        min: 1,
        max: 512,
        minInclusive: true,
        maxInclusive: true,
      },
      { key: "act", optional: true, default: "relu", kind: "enum", options: ["relu", "tanh"] },
      { key: "on", optional: true, default: true, kind: "boolean" },
      { key: "seq", optional: true, kind: "number", integer: true, min: 1, max: 4096, minInclusive: true, maxInclusive: true },
      { key: "cols", optional: true, kind: "string_list" },
    ]);
  });

  it("describes ranges in words", () => {
    expect(rangeText({ integer: true, min: 1, max: 4096, minInclusive: true, maxInclusive: true })).toBe("integer from 1 to 4096");
    expect(rangeText({ integer: false, min: 0, max: 10, minInclusive: false, maxInclusive: true })).toBe("> 0 and <= 10");
    expect(rangeText({ integer: false, min: 0, minInclusive: true, maxInclusive: true })).toBe(">= 0");
  });

  it("understands every shipped model's settings and the dataset and trainer settings", () => {
    for (const schema of [DatasetConfig, TrainerConfig, ...plugins.map((p) => p.configSchema)]) {
      const fields = configFields(schema);
      expect(fields.length).toBeGreaterThan(0);
      // every field with a default must parse back to that default
      const defaults = Object.fromEntries(fields.filter((f) => f.default !== undefined).map((f) => [f.key, f.default]));
      expect(schema.parse({})).toMatchObject(defaults);
    }
    expect(configFields(TrainerConfig).find((f) => f.key === "backend")).toMatchObject({
      kind: "enum",
      options: ["auto", "webgpu", "wasm", "cpu"],
      default: "auto",
    });
  });
});
