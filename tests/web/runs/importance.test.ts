import { describe, expect, it } from "vitest";
import { importanceKind } from "../../../web/runs/importance.ts";
import { significant } from "../../../web/runs/metric_tables.ts";

describe("feature importance", () => {
  it("is named by the kind the model reported, recorded in run.json", () => {
    const kind = { label: "permutation", detail: "drop in accuracy when the feature is shuffled" };
    expect(importanceKind({ model: "trees:gbdt", family: "trees", importance_kind: kind })).toEqual(kind);
  });

  it("in runs stored before run.json recorded the kind, is named after the model that wrote it", () => {
    expect(importanceKind({ model: "trees:gbdt", family: "trees" }).label).toBe("gain");
    expect(importanceKind({ model: "trees:forest", family: "trees" }).detail).toMatch(/^total split gain/);
    expect(importanceKind({ model: "timeseries:tft", family: "timeseries" }).label).toBe("selection weight");
    expect(importanceKind({ model: "neural:mlp", family: "neural" })).toEqual({ label: "importance", detail: "as neural:mlp reports it" });
  });

  it("values read to 3 significant digits with thousands separators", () => {
    expect(significant(12345.678)).toBe("12,300");
    expect(significant(0.0012345)).toBe("0.00123");
    expect(significant(0.5)).toBe("0.5");
    expect(significant(Number.NaN)).toBe("-");
  });
});
