import { afterEach, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import type { RunPage } from "../../../web/runs/run_page.ts";
import "../../../web/runs/run_page.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { deepAll, rowTexts, waitFor } from "./dom.ts";

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

async function mount(reader: MemoryRunStore, runId: string) {
  const page = document.createElement("mf-run-page") as RunPage;
  Object.assign(page, { reader, runId });
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
