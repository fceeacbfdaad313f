import { afterEach, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import type { RunsTable } from "../../../web/runs/runs_table.ts";
import "../../../web/runs/runs_table.ts";
import { readRunRows } from "../../../web/runs/run_data.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { choose, deep, deepAll, rowTexts, settle, waitFor } from "./dom.ts";

// The runs table of the app and the viewer, mounted alone in Chromium over an in-memory store.
let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

async function mount(store: MemoryRunStore, query = new URLSearchParams()) {
  const table = document.createElement("mf-runs-table") as RunsTable;
  const queries: URLSearchParams[] = [];
  table.addEventListener("query", (e) => queries.push((e as CustomEvent<URLSearchParams>).detail));
  table.query = query;
  table.reader = store;
  document.body.append(table);
  mounted.push(table);
  await waitFor(table, "tbody tr[aria-rowindex]");
  await settle();
  const runs = deep<HTMLTableElement>(table, 'table[aria-label="Runs"]');
  return { table, runs, queries, header: () => Array.from(runs.tHead!.rows[0].cells).map((c) => c.textContent!.trim()) };
}

const headerButton = (table: HTMLElement, label: string) =>
  deepAll<HTMLButtonElement>(table, "th button").find((b) => b.textContent!.replace(/ [▲▼]$/, "") === label)!;
const column = (runs: HTMLTableElement, label: string) => {
  const index = Array.from(runs.tHead!.rows[0].cells).findIndex((c) => c.textContent!.trim().replace(/ [▲▼]$/, "") === label);
  return Array.from(runs.tBodies[0].rows).filter((r) => !r.hasAttribute("aria-hidden")).map((r) => r.cells[index].textContent!.trim());
};

async function fakeStore(count: number, epochs = 3) {
  const store = new MemoryRunStore();
  await writeFakeRuns(store, { count, epochs });
  return store;
}

describe("mf-runs-table", () => {
  it("sorts by a column: numbers descending first, then ascending, missing values last when descending", async () => {
    const { table, runs } = await mount(await fakeStore(12));
    headerButton(table, "test f1_macro").click();
    await table.updateComplete;
    const values = column(runs, "test f1_macro");
    const numbers = values.filter((v) => v !== "-").map(Number);
    expect(numbers.length).toBeGreaterThan(5);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(values.slice(numbers.length).every((v) => v === "-")).toBe(true);
    expect(deep(table, 'th[aria-sort="descending"]').textContent).toContain("test f1_macro ▼");
    headerButton(table, "test f1_macro").click();
    await table.updateComplete;
    const ascending = column(runs, "test f1_macro").filter((v) => v !== "-").map(Number);
    expect(ascending).toEqual([...numbers].reverse());
    headerButton(table, "model").click();
    await table.updateComplete;
    expect(column(runs, "model")).toEqual([...column(runs, "model")].sort());
  });

  it("filters by model, horizon, status and free text, counting what it shows", async () => {
    const { table, runs } = await mount(await fakeStore(24));
    const all = rowTexts(runs).length;
    expect(all).toBe(24);
    choose(deep(table, 'select[name="filter-model"]'), "neural:lstm");
    await table.updateComplete;
    expect(new Set(column(runs, "model"))).toEqual(new Set(["neural:lstm"]));
    choose(deep(table, 'select[name="filter-horizon"]'), "20");
    await table.updateComplete;
    const lstm20 = rowTexts(runs).length;
    expect(new Set(column(runs, "horizon"))).toEqual(new Set(["20"]));
    expect(deep(table, ".count").textContent).toBe(`${lstm20} of 24 runs`);
    choose(deep(table, 'select[name="filter-model"]'), "");
    choose(deep(table, 'select[name="filter-horizon"]'), "");
    choose(deep(table, 'select[name="filter-status"]'), "stopped");
    await table.updateComplete;
    expect(column(runs, "status")).toEqual(["stopped"]);
    choose(deep(table, 'select[name="filter-status"]'), "");
    // free text matches settings as key=value
    choose(deep(table, 'input[name="search"]'), "units=128");
    await table.updateComplete;
    const matched = column(runs, "run");
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.every((id) => id.includes("lstm"))).toBe(true);
  });

  it("shows the columns a person chooses, and the default set again on request", async () => {
    const { table, header, queries } = await mount(await fakeStore(8));
    expect(header()).toEqual([
      "compare",
      "run ▼",
      "model",
      "horizon",
      "window",
      "status",
      "epochs",
      "backend",
      "val f1_macro",
      "test accuracy",
      "test f1_macro",
      "test sharpe",
      "data",
    ]);
    // the column checkboxes exist only while the chooser is open
    expect(deepAll(table, "fieldset.chooser")).toHaveLength(0);
    deepAll<HTMLButtonElement>(table, "button").find((b) => b.textContent!.startsWith("Columns"))!.click();
    await table.updateComplete;
    const box = (label: string) =>
      deepAll<HTMLLabelElement>(table, "fieldset.chooser label").find((l) => l.textContent!.trim() === label)!.querySelector("input")!;
    box("backend").click();
    box("params.units").click();
    box("test max_drawdown").click();
    await table.updateComplete;
    expect(header().slice(-4)).toEqual(["test sharpe", "data", "params.units", "test max_drawdown"]);
    expect(header()).not.toContain("backend");
    expect(queries.at(-1)!.getAll("cols")).toEqual([
      "model",
      "horizon",
      "seq_len",
      "status",
      "epochs",
      "val.f1_macro",
      "test.accuracy",
      "test.f1_macro",
      "test.sharpe",
      "data",
      "params.units",
      "test.max_drawdown",
    ]);
    deepAll<HTMLButtonElement>(table, "button").find((b) => b.textContent === "Default columns")!.click();
    await table.updateComplete;
    expect(header()).toContain("backend");
    expect(queries.at(-1)!.has("cols")).toBe(false);
  });

  it("ticks runs to compare and restores sort, filters, columns and ticks from the query it emitted", async () => {
    const store = await fakeStore(10);
    const first = await mount(store);
    headerButton(first.table, "test accuracy").click();
    choose(deep(first.table, 'select[name="filter-horizon"]'), "5");
    await first.table.updateComplete;
    const boxes = deepAll<HTMLInputElement>(first.runs, 'tbody input[type="checkbox"]');
    boxes[0].click();
    boxes[2].click();
    await first.table.updateComplete;
    const compare = deepAll<HTMLButtonElement>(first.table, "button").find((b) => b.textContent!.startsWith("Compare selected"))!;
    expect(compare.textContent).toBe("Compare selected (2)");
    expect(compare.disabled).toBe(false);
    const query = first.queries.at(-1)!;
    expect(query.get("sort")).toBe("-test.accuracy");
    expect(query.get("horizon")).toBe("5");
    expect(query.getAll("sel")).toHaveLength(2);
    const again = await mount(store, new URLSearchParams(query.toString()));
    expect(rowTexts(again.runs)).toEqual(rowTexts(first.runs));
    expect(again.header()).toEqual(first.header());
    expect(deepAll<HTMLInputElement>(again.runs, 'tbody input[type="checkbox"]').map((b) => b.checked)).toEqual(boxes.map((b) => b.checked));
    expect(deep<HTMLSelectElement>(again.table, 'select[name="filter-horizon"]').value).toBe("5");
  });

  it("draws only the rows in view of 1,000 runs and the rest as the box scrolls, also after a sort", async () => {
    const store = await fakeStore(1000, 2);
    const { table, runs } = await mount(store);
    const drawn = () => rowTexts(runs).length;
    expect(drawn()).toBeLessThan(150);
    expect(runs.getAttribute("aria-rowcount")).toBe("1001");
    const box = deep(table, ".scroll");
    box.scrollTop = box.scrollHeight;
    box.dispatchEvent(new Event("scroll"));
    await table.updateComplete;
    // newest first: the last row drawn is the oldest run
    expect(column(runs, "run").at(-1)).toMatch(/-000000-logistic-/);
    box.scrollTop = 0;
    box.dispatchEvent(new Event("scroll"));
    headerButton(table, "val f1_macro").click();
    await table.updateComplete;
    expect(drawn()).toBeLessThan(150);
    const best = Math.max(...(await readRunRows(store)).map((r) => r.metrics?.val.f1_macro ?? -1));
    expect(column(runs, "val f1_macro")[0]).toBe(best.toFixed(3));
  });

  it("says so when there are no runs, and still shows its children (where an import starts)", async () => {
    const table = document.createElement("mf-runs-table") as RunsTable;
    table.empty = "There are no runs in this bundle.";
    table.innerHTML = "<button>Import</button>";
    table.reader = new MemoryRunStore();
    document.body.append(table);
    mounted.push(table);
    await waitFor(table, "p.empty");
    expect(deep(table, "p.empty").textContent).toBe("There are no runs in this bundle.");
    expect(deep<HTMLSlotElement>(table, "slot").assignedElements().map((e) => e.textContent)).toEqual(["Import"]);
  });

  it("keeps a run whose run.json cannot be read as a one-line row, the reason in its title", async () => {
    const store = await fakeStore(3);
    await store.write("broken-run", "run.json", "{ not json");
    const { table, runs } = await mount(store);
    const row = Array.from(runs.tBodies[0].rows).find((r) => r.textContent!.includes("broken-run"))!;
    expect(row.cells[5].textContent).toBe("unreadable");
    const mark = row.querySelector<HTMLElement>(".error")!;
    expect(mark.textContent).toBe("cannot be read");
    expect(mark.title).toMatch(/^Run broken-run: run\.json is not valid JSON/);
    // a run without a model offers no "undefined" model to filter by
    expect(deepAll<HTMLOptionElement>(table, 'select[name="filter-model"] option').map((o) => o.value)).toEqual([
      "",
      "linear:logistic",
      "neural:lstm",
      "neural:mlp",
    ]);
    choose(deep(table, 'select[name="filter-status"]'), "unreadable");
    await table.updateComplete;
    expect(column(runs, "run")).toEqual(["broken-runcannot be read"]);
  });

  it("renders data strings as text, never as HTML", async () => {
    const store = new MemoryRunStore();
    const [id] = await writeFakeRuns(store, { count: 1, epochs: 2 });
    const evil = "<img src=x onerror=alert(1)>";
    const record = JSON.parse(new TextDecoder().decode(await store.read(id, "run.json")));
    await store.write(id, "run.json", jsonText({ ...record, model: evil, config: { ...record.config, params: { note: evil } } }));
    const { table, runs } = await mount(store);
    expect(column(runs, "model")).toEqual([evil]);
    expect(deepAll(table, "img")).toHaveLength(0);
    choose(deep(table, 'input[name="search"]'), "note=<img");
    await table.updateComplete;
    expect(rowTexts(runs)).toHaveLength(1);
  });

  it("shows each run's data in its data column, runs on other data told apart, and says in the Sharpe header's title that it is annualised", async () => {
    const store = await fakeStore(3);
    const [other] = await store.list();
    const record = JSON.parse(new TextDecoder().decode(await store.read(other, "run.json")));
    record.dataset.files.train = { ...record.dataset.files.train, name: "train-2025.parquet", rows: 1_234_567 };
    await store.write(other, "run.json", jsonText(record));
    const { runs } = await mount(store);
    const ids = column(runs, "run");
    const data = column(runs, "data");
    expect(data[ids.indexOf(other)]).toMatch(/^train-2025\.parquet \+ val\.parquet \+ test\.parquet · 1,274,567 rows · 3 symbols · [0-9a-f]{8}$/);
    const rest = data.filter((_, i) => ids[i] !== other);
    expect(rest[0]).toMatch(/^train\.parquet \+ val\.parquet \+ test\.parquet · 120,000 rows · 3 symbols · [0-9a-f]{8}$/);
    expect(new Set(rest).size).toBe(1);
    const sharpe = Array.from(runs.tHead!.rows[0].cells).find((c) => c.textContent!.trim() === "test sharpe")!;
    expect(sharpe.title).toMatch(/^Sharpe ratio, annualised: /);
  });
});
