import { describe, expect, it } from "vitest";
import type { DatasetFingerprint } from "../../../core/data/fingerprint.ts";
import { dataId } from "../../../core/data/fingerprint_id.ts";

const base: DatasetFingerprint = {
  files: {
    train: { name: "train.parquet", bytes: 1000, rows: 800, samples: 790 },
    val: { name: "val.parquet", bytes: 300, rows: 200, samples: 190 },
    test: { name: "test.parquet", bytes: 300, rows: 200, samples: 190 },
  },
  symbols: ["A", "B"],
  features: ["f1", "f2"],
  label_column: "label_h5",
};
const changed = (patch: (f: DatasetFingerprint) => void) => {
  const copy = structuredClone(base);
  patch(copy);
  return dataId(copy);
};

describe("dataId", () => {
  it("is 8 hex digits, the same for the same data whatever the key order", () => {
    expect(dataId(base)).toMatch(/^[0-9a-f]{8}$/);
    const reordered: DatasetFingerprint = { label_column: "label_h5", features: ["f1", "f2"], symbols: ["A", "B"], files: { ...base.files } };
    expect(dataId(reordered)).toBe(dataId(base));
  });

  it("ignores samples and the label column, which follow the window and the horizon, not the data", () => {
    expect(changed((f) => (f.files.train.samples = 10))).toBe(dataId(base));
    expect(changed((f) => (f.files.train.samples_available = 5000))).toBe(dataId(base));
    expect(changed((f) => (f.label_column = "label_h20"))).toBe(dataId(base));
  });

  it("changes with a file's name, size or rows, the symbols, the features or the time split", () => {
    const ids = [
      changed((f) => (f.files.test.name = "other.parquet")),
      changed((f) => (f.files.val.bytes = 301)),
      changed((f) => (f.files.train.rows = 801)),
      changed((f) => (f.symbols = ["A"])),
      changed((f) => (f.features = ["f1"])),
      changed((f) => {
        f.split = {
          file: "all.parquet",
          val_start: "2024-01-02T00:00:00.000Z",
          test_start: "2024-01-03T00:00:00.000Z",
          purge: 5,
          embargo: 0,
          rows: { train: 1, val: 1, test: 1 },
          dropped: 0,
        };
      }),
    ];
    expect(new Set([dataId(base), ...ids]).size).toBe(ids.length + 1);
  });
});
