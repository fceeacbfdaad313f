import { describe, expect, it } from "vitest";
import { dataId } from "../../../core/data/fingerprint_id.ts";
import type { RunRecord } from "../../../core/train/run_record.ts";
import { dataDifferences, dataSummary } from "../../../web/runs/data_column.ts";

const fingerprint: RunRecord["dataset"] = {
  files: {
    train: { name: "train.parquet", bytes: 9000, rows: 1200, samples: 1190 },
    val: { name: "val.parquet", bytes: 3000, rows: 300, samples: 290 },
    test: { name: "test.parquet", bytes: 3000, rows: 300, samples: 290 },
  },
  symbols: ["A", "B"],
  features: ["f1", "f2", "f3", "f4", "f5"],
  label_column: "label_h5",
};
const record = (patch: Partial<RunRecord> = {}, data: Partial<RunRecord["dataset"]> = {}) =>
  ({ horizon: 5, dataset: { ...structuredClone(fingerprint), ...data }, ...patch }) as RunRecord;

describe("data column", () => {
  it("sums a run's data in one line: files, rows over all splits with separators, symbols and data id", () => {
    expect(dataSummary(fingerprint)).toBe(`train.parquet + val.parquet + test.parquet · 1,800 rows · 2 symbols · ${dataId(fingerprint)}`);
    // one file cut by time serves every split: named once
    const one = { ...fingerprint, files: Object.fromEntries(Object.entries(fingerprint.files).map(([s, f]) => [s, { ...f, name: "bars.parquet" }])) };
    expect(dataSummary({ ...one, symbols: ["A"] })).toMatch(/^bars\.parquet · 1,800 rows · 1 symbol · [0-9a-f]{8}$/);
  });

  it("finds no difference between runs on the same data and horizon, whatever their windows and samples", () => {
    const other = record({ seq_len: 30 } as Partial<RunRecord>);
    other.dataset.files.train.samples = 10;
    expect(dataDifferences([record(), other])).toEqual([]);
  });

  it("names what differs, with each run's value: files, rows, symbols, the data id", () => {
    const b = record({}, { symbols: ["A", "B", "C"] });
    b.dataset.files.test = { name: "test-2025.parquet", bytes: 3000, rows: 450, samples: 440 };
    const differences = dataDifferences([record(), b]);
    expect(differences.map((d) => d.what)).toEqual(["files", "rows", "symbols", "data id"]);
    expect(differences[0].values).toEqual(["train.parquet, val.parquet, test.parquet", "train.parquet, val.parquet, test-2025.parquet"]);
    expect(differences[1].values).toEqual(["train 1,200 · val 300 · test 300", "train 1,200 · val 300 · test 450"]);
    expect(differences[3].values).toEqual([dataId(fingerprint), dataId(b.dataset)]);
  });

  it("warns of a different horizon alone, and of files alike but for their size", () => {
    expect(dataDifferences([record(), record({ horizon: 20 })])).toEqual([{ what: "horizon", values: ["5", "20"] }]);
    const bigger = record();
    bigger.dataset.files.val.bytes = 3001;
    expect(dataDifferences([record(), bigger]).map((d) => d.what)).toEqual(["file sizes", "data id"]);
  });
});
