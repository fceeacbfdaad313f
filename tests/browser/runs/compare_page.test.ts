import { afterEach, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import type { ComparePage } from "../../../web/runs/compare_page.ts";
import "../../../web/runs/compare_page.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { choose, deep, deepAll, waitFor } from "./dom.ts";

let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** Three LSTM runs that differ only in units and learning rate, with known test metrics. */
async function store() {
  const s = new MemoryRunStore();
  const ids = (await writeFakeRuns(s, { count: 12, epochs: 4 })).filter((id) => id.includes("lstm")).slice(0, 3);
  const test = [{ accuracy: 0.5, log_loss: 0.9, max_drawdown: 0.2 }, { accuracy: 0.6, log_loss: 1.0, max_drawdown: 0.1 }, {
    accuracy: 0.4,
    log_loss: 1.1,
    max_drawdown: 0.3,
  }];
  for (const [i, id] of ids.entries()) {
    const record = decode(await s.read(id, "run.json"));
    const params = { units: [32, 64, 64][i], layers: 1, dropout: 0.2, learning_rate: [0.001, 0.001, 0.0003][i], note: "<b>bold?</b>" };
    const trainer = { ...record.config.trainer, seed: 1, batch_size: 256 };
    await s.write(
      id,
      "run.json",
      jsonText({
        ...record,
        horizon: 5,
        seq_len: 30,
        seed: 1,
        status: "finished",
        backend: { ...record.backend, name: "webgpu" },
        config: { params, dataset: { ...record.config.dataset, horizon: 5, seq_len: 30 }, trainer },
      }),
    );
    const metrics = decode(await s.read(id, "metrics.json"));
    await s.write(id, "metrics.json", jsonText({ ...metrics, test: { ...metrics.test, ...test[i] } }));
  }
  return { s, ids };
}

async function mount(reader: MemoryRunStore, runIds: string[]) {
  const page = document.createElement("mf-compare-page") as ComparePage;
  Object.assign(page, { reader, runIds });
  document.body.append(page);
  mounted.push(page);
  await waitFor(page, 'table[aria-label="Metrics compared"]');
  return page;
}

const rows = (page: HTMLElement, label: string) =>
  deepAll<HTMLTableRowElement>(page, `table[aria-label="${label}"] tbody tr`).map((r) => Array.from(r.cells).map((c) => c.textContent!.trim()));

describe("mf-compare-page", () => {
  it("marks the best run per metric: highest accuracy, lowest log loss and max drawdown", async () => {
    const { s, ids } = await store();
    const page = await mount(s, ids);
    const metric = (name: string) => rows(page, "Metrics compared").find((r) => r[0] === name)!.slice(1);
    expect(metric("test accuracy")).toEqual(["0.500", "0.600 ★", "0.400"]);
    expect(metric("test log_loss")).toEqual(["0.900 ★", "1.000", "1.100"]);
    expect(metric("test max_drawdown")).toEqual(["0.200", "0.100 ★", "0.300"]);
    // counts have no better side
    expect(metric("test n_trades").some((v) => v.includes("★"))).toBe(false);
    expect(deepAll(page, "td.best").length).toBeGreaterThan(4);
  });

  it("lists only the settings that differ, the shared ones folded apart, values as text", async () => {
    const { s, ids } = await store();
    const page = await mount(s, ids);
    expect(rows(page, "Settings compared").map((r) => r[0])).toEqual(["≠ params.units", "≠ params.learning_rate"]);
    expect(rows(page, "Settings compared")[0].slice(1)).toEqual(["32", "64", "64"]);
    const same = rows(page, "Settings the same");
    expect(same).toEqual(expect.arrayContaining([["horizon", "5"], ["params.note", "<b>bold?</b>"], ["trainer.seed", "1"]]));
    expect(deepAll(page, "b")).toHaveLength(0);
  });

  it("overlays the chosen per-epoch curve of every run and reports the choice as a query", async () => {
    const { s, ids } = await store();
    const page = await mount(s, ids);
    const chart = deep(page, "mf-chart") as HTMLElement & { series: string[]; data: (number | null)[][]; label: string };
    expect(chart.series).toEqual(ids);
    expect(chart.label).toBe("val_loss");
    expect(chart.data).toHaveLength(4);
    // epochs counted from 1 on the axis
    expect(chart.data[0]).toEqual([1, 2, 3, 4]);
    const queries: string[] = [];
    page.addEventListener("query", (e) => queries.push((e as CustomEvent<URLSearchParams>).detail.toString()));
    choose(deep(page, 'select[name="curve"]'), "train_accuracy");
    await page.updateComplete;
    expect(chart.label).toBe("train_accuracy");
    expect(queries).toEqual(["curve=train_accuracy"]);
    const epochs = new TextDecoder().decode(await s.read(ids[1], "metrics.jsonl")).trim().split("\n").map((l) => JSON.parse(l).train_accuracy);
    expect(chart.data[2]).toEqual(epochs);
  });

  it("warns, naming what differs, when the runs used different data or horizons; says nothing when they did not", async () => {
    const { s, ids } = await store();
    const same = await mount(s, ids);
    expect(deepAll(same, "#cmp-data")).toHaveLength(0);
    const record = decode(await s.read(ids[1], "run.json"));
    record.horizon = 20;
    record.dataset.files.test = { ...record.dataset.files.test, name: "test-2025.parquet", rows: 25_000 };
    await s.write(ids[1], "run.json", jsonText(record));
    const page = await mount(s, ids);
    const warning = await waitFor(page, '[role="alert"]:has(#cmp-data)');
    expect(warning.querySelector("p")!.textContent).toBe(
      "Different files, rows, horizon, data id: their metrics are not measured on the same samples, so they do not compare as equals.",
    );
    const data = rows(page, "Data compared");
    expect(data.map((r) => r[0])).toEqual(["≠ files", "≠ rows", "≠ horizon", "≠ data id"]);
    expect(data[1].slice(1)).toEqual([
      "train 80,000 · val 20,000 · test 20,000",
      "train 80,000 · val 20,000 · test 25,000",
      "train 80,000 · val 20,000 · test 20,000",
    ]);
    expect(data[2].slice(1)).toEqual(["5", "20", "5"]);
    expect(data[3][1]).toMatch(/^[0-9a-f]{8}$/);
    expect(data[3][2]).not.toBe(data[3][1]);
  });
});
