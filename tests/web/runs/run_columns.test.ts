import { describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { dataId } from "../../../core/data/fingerprint_id.ts";
import { betterOf, cellText, columnsOf, columnTitle, compareCells, DEFAULT_COLUMNS, flattenRun, SHARPE_NOTE } from "../../../web/runs/run_columns.ts";
import { readRunRows } from "../../../web/runs/run_data.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";

describe("run columns", () => {
  it("flatten a run into record fields, val/test metrics and settings, and list every column once, numbers marked", async () => {
    const store = new MemoryRunStore();
    await writeFakeRuns(store, { count: 8, epochs: 2 });
    const runs = (await readRunRows(store)).map(flattenRun);
    const lstm = runs.find((r) => r.row.id.includes("lstm"))!;
    expect(lstm.cells).toMatchObject({ model: "neural:lstm", status: "finished", "trainer.patience": 5, "dataset.nan_policy": "error" });
    expect(typeof lstm.cells["params.units"]).toBe("number");
    expect(lstm.cells["test.accuracy"]).toBe(lstm.row.metrics!.test.accuracy);
    expect(lstm.text).toContain("units=");
    // the best epoch counted from 1, as mf train says it (run.json keeps it from 0)
    expect(lstm.cells.best_epoch).toBe(lstm.row.record!.best_epoch! + 1);
    const mlp = runs.find((r) => r.row.id.includes("mlp"))!;
    // arrays are shown as JSON
    expect(mlp.cells["params.hidden"]).toMatch(/^\[\d+(,\d+)*\]$/);
    const columns = columnsOf(runs);
    const keys = columns.map((c) => c.key);
    expect(keys.slice(0, 3)).toEqual(["model", "horizon", "seq_len"]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.indexOf("val.accuracy")).toBeLessThan(keys.indexOf("test.accuracy"));
    expect(keys.indexOf("test.turnover")).toBeLessThan(keys.indexOf("params.units"));
    expect(columns.find((c) => c.key === "params.units")).toMatchObject({ numeric: true, label: "params.units" });
    expect(columns.find((c) => c.key === "params.hidden")!.numeric).toBe(false);
    expect(columns.find((c) => c.key === "test.f1_macro")!.label).toBe("test f1_macro");
  });

  it("order cells: missing first, numbers by value, text naturally", () => {
    // (Array#sort puts undefined last without asking, so the cells are wrapped)
    const order = (cells: (string | number | undefined)[]) => cells.map((v) => ({ v })).sort((a, b) => compareCells(a.v, b.v)).map((c) => c.v);
    expect(order([3, undefined, 10, 2])).toEqual([undefined, 2, 3, 10]);
    expect(["run-10", "run-2", "Run-3"].sort(compareCells)).toEqual(["run-2", "Run-3", "run-10"]);
  });

  it("know which way each metric is better", () => {
    expect(betterOf("val.log_loss")).toBe("lower");
    expect(betterOf("test.max_drawdown")).toBe("lower");
    expect(betterOf("test.sharpe")).toBe("higher");
    expect(betterOf("test.n_trades")).toBeUndefined();
    expect(betterOf("params.learning_rate")).toBeUndefined();
  });

  it("have a data column (files, rows, symbols, data id), shown by default, and a run's data id finds it", async () => {
    const store = new MemoryRunStore();
    await writeFakeRuns(store, { count: 2, epochs: 1 });
    const [run] = (await readRunRows(store)).map(flattenRun);
    const id = dataId(run.row.record!.dataset);
    expect(run.cells.data).toBe(`train.parquet + val.parquet + test.parquet · 120,000 rows · 3 symbols · ${id}`);
    expect(run.text).toContain(id);
    expect(DEFAULT_COLUMNS.at(-1)).toBe("data");
    expect(columnsOf([run]).find((c) => c.key === "data")).toEqual({ key: "data", label: "data", numeric: false });
  });

  it("show whole metrics with thousands separators, fractions to 3 decimals, settings as typed", () => {
    expect(cellText("test.n_trades", 12345)).toBe("12,345");
    expect(cellText("test.sharpe", 1.23456)).toBe("1.235");
    expect(cellText("trainer.seed", 12345)).toBe("12345");
    expect(cellText("model", "trees:gbdt")).toBe("trees:gbdt");
    expect(cellText("test.accuracy", undefined)).toBe("-");
  });

  it("say in a Sharpe column's title that it is annualised, and how", () => {
    expect(columnTitle("test.sharpe")).toBe(SHARPE_NOTE);
    expect(SHARPE_NOTE).toMatch(/annualised: .*sqrt\(bars per year\)/);
    expect(columnTitle("test.accuracy")).toBeUndefined();
  });
});
