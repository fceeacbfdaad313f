import { afterEach, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { Frame } from "../../../core/data/frame.ts";
import { Windows } from "../../../core/data/windows.ts";
import { predictionsParquet } from "../../../core/train/predictions.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import type { RunPage } from "../../../web/runs/run_page.ts";
import "../../../web/runs/run_page.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { deep, deepAll, rowTexts, waitFor } from "./dom.ts";
import { storedPredictionsCsv } from "../../../web/runs/prediction_files.ts";
import type { PredictionsCsv } from "../../../web/runs/prediction_paths.ts";

let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** One finished fake run, and an evaluation of it written as mf evaluate writes one. */
async function runWithEvaluation(store: MemoryRunStore) {
  const [id] = await writeFakeRuns(store, { count: 1, epochs: 3 });
  const metrics = {
    ...decode(await store.read(id, "metrics.json")).test,
    f1_macro: 0.4123,
    accuracy: 0.5,
    log_loss: 1.0456,
    sharpe: 2.25,
    max_drawdown: 0.125,
  };
  const data = {
    file: "/data/2025/q2/test-q2.parquet",
    bytes: 1234,
    rows: 12_345,
    samples: 12_000,
    symbols: ["SYM00"],
    skipped_symbols: [],
    label_column: "label_h5",
    fwd_returns: true,
    time: { start: "2025-04-01T00:00:00.000Z", end: "2025-06-30T23:55:00.000Z" },
  };
  const evaluation = {
    name: "test-q2",
    created_at: "2025-07-02T08:30:00.000Z",
    run_id: id,
    model: "linear:logistic",
    horizon: 5,
    data,
    backend: "cpu",
    metrics,
  };
  await store.write(id, "evaluations/test-q2.json", jsonText(evaluation));
  return id;
}

async function mount(reader: MemoryRunStore, runId: string, app = false, toCsv?: PredictionsCsv) {
  const page = document.createElement("mf-run-page") as RunPage;
  Object.assign(page, { reader, runId, app, toCsv });
  document.body.append(page);
  mounted.push(page);
  await waitFor(page, 'table[aria-label="Metrics"]');
  return page;
}

describe("run page evaluations", () => {
  it("lists a run's evaluations: name, data file, rows, samples, date and the headline metrics", async () => {
    const store = new MemoryRunStore();
    const page = await mount(store, await runWithEvaluation(store));
    const table = await waitFor<HTMLTableElement>(page, 'table[aria-label="Evaluations"]');
    expect(Array.from(table.tHead!.rows[0].cells).map((c) => c.textContent!.trim())).toEqual([
      "name",
      "data",
      "rows",
      "samples",
      "date",
      "macro-F1",
      "accuracy",
      "log loss",
      "Sharpe",
      "max drawdown",
    ]);
    expect(rowTexts(table)).toEqual(["test-q2\ttest-q2.parquet\t12,345\t12,000\t2025-07-02 08:30\t0.412\t0.500\t1.046\t2.250\t0.125"]);
  });

  it("shows no evaluations section for a run without any", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 3 });
    const page = await mount(store, id);
    expect(deepAll(page, "#evaluations-h")).toHaveLength(0);
  });

  it("a malformed evaluation file is an error in its section, and the rest of the run still shows", async () => {
    const store = new MemoryRunStore();
    const id = await runWithEvaluation(store);
    await store.write(id, "evaluations/broken.json", "{ not json");
    const page = await mount(store, id);
    await expect.poll(() => deepAll(page, '[aria-labelledby="evaluations-h"] [role="alert"]').map((e) => e.textContent)).toEqual([
      expect.stringMatching(/evaluations\/broken\.json is not valid JSON/),
    ]);
    expect(deepAll(page, 'table[aria-label="Metrics"]')).toHaveLength(1);
  });
});

/** Stored test predictions of three samples, as the trainer writes them. */
function testPredictions(): Uint8Array {
  const t0 = Date.UTC(2024, 0, 1);
  const frame: Frame = {
    source: "test.parquet",
    rows: 3,
    featureNames: ["f"],
    features: new Float32Array(3),
    time: Float64Array.from([t0, t0 + 60_000, t0]),
    symbols: ["A", "B"],
    symbol: Int32Array.from([0, 0, 1]),
  };
  return predictionsParquet(new Windows(frame, { seqLen: 1, requireLabel: false }), Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 0.3, 0.4, 0.3]), 5);
}

/** The run page's actions element, once the run is read. */
const actions = (page: HTMLElement) => waitFor(page, "mf-run-actions");
/** The buttons of the actions (in its shadow root), by their text. */
const buttons = async (page: HTMLElement) => {
  const el = await actions(page);
  await waitFor(el, "button");
  return deepAll<HTMLButtonElement>(el, "button");
};

describe("run page actions", () => {
  it("offers the stored predictions as Parquet only in the viewer, with no Predict or Train again", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 2 });
    await store.write(id, "predictions/test.parquet", testPredictions());
    const page = await mount(store, id);
    const shown = await buttons(page);
    expect(shown.map((b) => b.textContent!.trim())).toEqual(["Download test predictions (Parquet)"]);
    expect(deepAll(page, 'a[href^="#/predict"]')).toHaveLength(0);
  });

  it("offers them as CSV too where the app hands in its converter", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 2 });
    await store.write(id, "predictions/test.parquet", testPredictions());
    const page = await mount(store, id, true, storedPredictionsCsv);
    const shown = (await buttons(page)).filter((b) => b.textContent!.includes("predictions"));
    expect(shown.map((b) => b.textContent!.trim())).toEqual(["Download test predictions (Parquet)", "Download test predictions (CSV)"]);
    // the CSV download: the blob handed to the page's download link
    const blobs: Blob[] = [];
    const create = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => (blobs.push(blob), "blob:null/0");
    try {
      shown[1].click();
      await expect.poll(() => blobs.length).toBe(1);
    } finally {
      URL.createObjectURL = create;
    }
    expect((await blobs[0].text()).split("\n")).toEqual([
      "datetime,symbol,horizon,prediction,prob_short,prob_neutral,prob_long",
      '2024-01-01T00:00:00.000Z,"A",5,1,0.200000,0.300000,0.500000',
      '2024-01-01T00:01:00.000Z,"A",5,-1,0.600000,0.300000,0.100000',
      '2024-01-01T00:00:00.000Z,"B",5,0,0.300000,0.400000,0.300000',
      "",
    ]);
  });

  it("shows nothing to do in the viewer for a run without predictions", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 2 });
    const page = await mount(store, id);
    expect(deepAll(page, "#next-h")).toHaveLength(0);
  });

  it("in the app, links Predict with this run and sends the run's settings with Train again", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 2 });
    const page = await mount(store, id, true);
    const shown = await buttons(page);
    const record = decode(await store.read(id, "run.json"));
    expect(deep<HTMLAnchorElement>(await actions(page), "a").getAttribute("href")).toBe(`#/predict?run=${encodeURIComponent(id)}`);
    const sent: unknown[] = [];
    document.body.addEventListener("mf-train-with", (e) => sent.push((e as CustomEvent).detail), { once: true });
    shown.find((b) => b.textContent === "Train again with these settings")!.click();
    // (as read back: the record's sections after their schemas' defaults)
    expect(sent).toEqual([expect.objectContaining({ model: record.model, params: record.config.params })]);
    expect(sent[0]).toMatchObject({ dataset: record.config.dataset, trainer: record.config.trainer });
  });

  it("names the kind of feature importance and rounds its values", async () => {
    const store = new MemoryRunStore();
    const ids = await writeFakeRuns(store, { count: 12, epochs: 2 });
    const id = ids.find((i) => i.includes("gbdt"))!;
    await store.write(id, "feature_importance.json", jsonText({ ret_1: 12345.678, vol_12: 0.0012345 }));
    const page = await mount(store, id);
    const table = await waitFor<HTMLTableElement>(page, 'table[aria-label="Feature importance"]');
    expect(Array.from(table.tHead!.rows[0].cells).map((c) => c.textContent!.trim())).toEqual(["feature", "gain", "share", ""]);
    expect(rowTexts(table)).toEqual(["ret_1\t12,300\t100.0%\t", "vol_12\t0.00123\t0.0%\t"]);
    expect(deep(page, '[data-testid="importance-kind"]').textContent).toMatch(/^gain: total split gain/);
  });
});
