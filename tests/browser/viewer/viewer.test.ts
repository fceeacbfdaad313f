import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import { decodeBundle } from "../../../core/bundle/decode.ts";
import { encodeBundle } from "../../../core/bundle/encode.ts";
import { BundleExperimentReader } from "../../../core/bundle/experiments.ts";
import { BundleRunReader } from "../../../core/bundle/reader.ts";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import { jsonText } from "../../../core/train/run_record.ts";
import type { Viewer } from "../../../web/viewer/viewer.ts";
import "../../../web/viewer/viewer.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { choose, deep, deepAll, rowTexts, settle, waitFor } from "../runs/dom.ts";

// The static viewer over an in-memory reader in Chromium: its screens, the URL-hash round trip, no
// delete, no network, data as text. Screenshots go to tests/web/screenshots/ with the app's.
const shots = "../../web/screenshots";
const evil = "<img src=x onerror=alert(1)>";
const store = new MemoryRunStore();
let ids: string[] = [];
let mounted: HTMLElement[] = [];
const requests: string[] = [];
const observer = new PerformanceObserver((list) => requests.push(...list.getEntries().map((e) => e.name)));

beforeAll(async () => {
  await page.viewport(1300, 1000);
  ids = await writeFakeRuns(store, { count: 40, epochs: 30, symbols: 4, equityPoints: 300 });
  const record = JSON.parse(new TextDecoder().decode(await store.read(ids[2], "run.json")));
  await store.write(ids[2], "run.json", jsonText({ ...record, config: { ...record.config, params: { ...record.config.params, note: evil } } }));
  observer.observe({ type: "resource" });
});
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});
afterAll(() => {
  observer.disconnect();
  history.replaceState(null, "", "#");
});

async function open(hash: string) {
  history.replaceState(null, "", hash);
  const viewer = document.createElement("mf-viewer") as Viewer;
  viewer.reader = store;
  document.body.append(viewer);
  mounted.push(viewer);
  await viewer.updateComplete;
  return viewer;
}

/** Saves the whole viewer (the page around it scrolls) for a person to look at. */
async function shot(name: string) {
  await settle();
  const viewer = mounted.at(-1)!;
  await page.screenshot({ path: `${shots}/${name}`, element: viewer });
}

/** Follows a link as a person would: the hash changes and the viewer routes. */
async function go(viewer: HTMLElement, hash: string) {
  location.hash = hash;
  await new Promise((resolve) => addEventListener("hashchange", resolve, { once: true }));
  await (viewer as Viewer).updateComplete;
}

describe("mf-viewer", () => {
  it("opens on the runs table with the parameter plot, read-only", async () => {
    const viewer = await open("");
    const runs = await waitFor<HTMLTableElement>(viewer, 'table[aria-label="Runs"]');
    await waitFor(viewer, "tbody tr[aria-rowindex]");
    expect(rowTexts(runs)).toHaveLength(40);
    expect(deepAll(viewer, "path.run")).toHaveLength(40);
    expect(deepAll<HTMLButtonElement>(viewer, "button").map((b) => b.textContent)).not.toContain("Delete run");
    await settle();
    await shot("component-viewer-1-runs.png");
  });

  it("keeps sort, filters, columns, ticked runs and the plot's metric in the hash, and a new viewer opens the same view from it", async () => {
    const viewer = await open("#/runs?horizon=5");
    const runs = await waitFor<HTMLTableElement>(viewer, 'table[aria-label="Runs"]');
    await waitFor(viewer, "tbody tr[aria-rowindex]");
    expect(deep<HTMLSelectElement>(viewer, 'select[name="filter-horizon"]').value).toBe("5");
    deepAll<HTMLButtonElement>(viewer, "th button").find((b) => b.textContent === "test sharpe")!.click();
    choose(deep(viewer, 'select[name="filter-model"]'), "neural:lstm");
    choose(deep(viewer, 'select[name="metric"]'), "test.sharpe");
    await settle();
    deepAll<HTMLButtonElement>(viewer, "button").find((b) => b.textContent!.startsWith("Columns"))!.click();
    await settle();
    deepAll<HTMLLabelElement>(viewer, "fieldset.chooser label").find((l) => l.textContent!.trim() === "params.units")!.querySelector("input")!.click();
    await settle();
    for (const box of deepAll<HTMLInputElement>(runs, 'tbody input[type="checkbox"]').slice(0, 2)) box.click();
    await settle();
    const hash = location.hash;
    const query = new URLSearchParams(hash.split("?")[1]);
    expect(hash.startsWith("#/runs?")).toBe(true);
    expect(Object.fromEntries(["sort", "horizon", "model", "metric"].map((k) => [k, query.get(k)]))).toEqual({
      sort: "-test.sharpe",
      horizon: "5",
      model: "neural:lstm",
      metric: "test.sharpe",
    });
    expect(query.getAll("cols").at(-1)).toBe("params.units");
    expect(query.getAll("sel")).toHaveLength(2);
    const before = {
      rows: rowTexts(runs),
      plot: deepAll(viewer, "path.run").map((p) => p.getAttribute("d")),
      axis: deepAll(viewer, "text.name").at(-1)!.textContent,
    };
    viewer.remove();

    const again = await open(hash);
    const table = await waitFor<HTMLTableElement>(again, 'table[aria-label="Runs"]');
    await waitFor(again, "tbody tr[aria-rowindex]");
    await settle();
    expect(rowTexts(table)).toEqual(before.rows);
    expect(deepAll<HTMLInputElement>(table, 'tbody input[type="checkbox"]').filter((b) => b.checked)).toHaveLength(2);
    expect(deepAll(again, "path.run").map((p) => p.getAttribute("d"))).toEqual(before.plot);
    expect(deepAll(again, "text.name").at(-1)!.textContent).toBe("test sharpe");
    expect(location.hash).toBe(hash);
    await shot("component-viewer-2-filtered.png");

    // Compare selected opens the comparison of the ticked runs; "all runs" leads back to this view
    deepAll<HTMLButtonElement>(again, "button").find((b) => b.textContent === "Compare selected (2)")!.click();
    await new Promise((resolve) => addEventListener("hashchange", resolve, { once: true }));
    await waitFor(again, 'table[aria-label="Metrics compared"]');
    expect(location.hash).toBe(`#/compare/${query.getAll("sel").map(encodeURIComponent).join(",")}`);
    expect(deep<HTMLAnchorElement>(again, 'a[href^="#/runs?"]').getAttribute("href")).toBe(hash);
  });

  it("shows a run page without Delete: curves, metrics, confusion, equity, config as text", async () => {
    const viewer = await open("#/runs");
    await go(viewer, `#/runs/${encodeURIComponent(ids[2])}`);
    await waitFor(viewer, 'table[aria-label="Confusion matrix, test"]');
    expect(deep(viewer, "h2#run-h").textContent).toBe(ids[2]);
    expect(deepAll(viewer, "mf-chart")).toHaveLength(6);
    expect(deepAll<HTMLTableElement>(viewer, 'table[aria-label="Per symbol, test"]')[0].tBodies[0].rows).toHaveLength(4);
    expect(deepAll<HTMLTableCellElement>(viewer, 'table[aria-label="params"] td').map((c) => c.textContent)).toContain(evil);
    expect(deepAll(viewer, "img")).toHaveLength(0);
    expect(deepAll<HTMLButtonElement>(viewer, "button").map((b) => b.textContent)).not.toContain("Delete run");
    await settle();
    await shot("component-viewer-3-run.png");
  });

  it("opens a comparison with its curve from the hash and writes a new choice back", async () => {
    const viewer = await open(`#/compare/${ids.slice(0, 3).map(encodeURIComponent).join(",")}?curve=val_accuracy`);
    await waitFor(viewer, 'table[aria-label="Metrics compared"]');
    const chart = deep(viewer, "mf-chart") as HTMLElement & { label: string; series: string[] };
    expect(chart.label).toBe("val_accuracy");
    expect(chart.series).toEqual(ids.slice(0, 3));
    expect(deepAll(viewer, "img")).toHaveLength(0);
    choose(deep(viewer, 'select[name="curve"]'), "train_loss");
    await settle();
    expect(location.hash).toBe(`#/compare/${ids.slice(0, 3).map(encodeURIComponent).join(",")}?curve=train_loss`);
    await shot("component-viewer-4-compare.png");
  });

  it("made no network request while showing all of that", () => {
    expect(requests).toEqual([]);
  });
});

describe("mf-viewer with a bundle's experiments", () => {
  it("lists the experiments, opens a report from the hash, and its run links open the viewer's run pages", async () => {
    const xp = await fakeExperiment({ labels: ["logistic", evil], failing: { label: evil, error: evil } });
    const bundle = decodeBundle(
      await encodeBundle(xp.runs, xp.runIds, { createdBy: "test", experiments: { reader: xp.experiments, names: [xp.name] } }),
      "runs.mfbundle",
    );
    history.replaceState(null, "", "#/experiments");
    const viewer = document.createElement("mf-viewer") as Viewer;
    viewer.reader = new BundleRunReader(bundle);
    viewer.experiments = new BundleExperimentReader(bundle);
    document.body.append(viewer);
    mounted.push(viewer);
    const list = await waitFor<HTMLTableElement>(viewer, 'table[aria-label="Experiments"]');
    expect(rowTexts(list)).toEqual([
      `baseline\tThree models on fake data\t${xp.report.cells.filter((c) => c.status === "finished").length} / ${xp.report.cells.length}\tH5: ${
        xp.report.horizons[0].best!.label
      }H20: ${xp.report.horizons[1].best!.label}\t${xp.report.generated_at}`,
    ]);
    expect(deepAll(viewer, 'nav a[aria-current="page"]').map((a) => a.textContent)).toEqual(["Experiments (1)"]);

    await go(viewer, "#/experiments/baseline");
    const report = await waitFor(viewer, "mf-experiment-report");
    await waitFor(report, "section.horizon");
    expect(deepAll(viewer, "section.horizon > h2").map((h) => h.textContent)).toEqual(["Horizon 5", "Horizon 20"]);
    expect(deepAll(viewer, "img")).toHaveLength(0);
    const best = xp.report.horizons[0].best!;
    const link = deep<HTMLAnchorElement>(deep(viewer, 'section.horizon[data-horizon="5"]'), ".best-model a.run");
    expect(link.getAttribute("href")).toBe(`#/runs/${encodeURIComponent(best.run_id!)}`);
    await settle();
    await shot("component-viewer-5-experiment.png");

    link.click();
    await new Promise((resolve) => addEventListener("hashchange", resolve, { once: true }));
    await waitFor(viewer, 'table[aria-label="Confusion matrix, test"]');
    expect(deep(viewer, "h2#run-h").textContent).toBe(best.run_id);

    await go(viewer, "#/experiments/nope");
    expect((await waitFor(viewer, '[role="alert"]')).textContent).toBe("No experiment nope in runs.mfbundle");
  });

  it("shows no experiments link for a bundle without experiments", async () => {
    const viewer = await open("#/runs");
    viewer.experiments = new BundleExperimentReader(decodeBundle(await encodeBundle(store, ids.slice(0, 2), { createdBy: "test" })));
    await viewer.updateComplete;
    await waitFor(viewer, 'table[aria-label="Runs"]');
    expect(deepAll(viewer, "nav")).toHaveLength(0);
  });
});
