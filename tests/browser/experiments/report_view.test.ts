import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import type { ExperimentReport } from "../../../core/experiment/report.ts";
import type { ExperimentReportView } from "../../../web/experiments/report_view.ts";
import "../../../web/experiments/report_view.ts";
import { fakeExperiment } from "../../fixtures/fake_experiment.ts";
import { deep, deepAll, settle } from "../runs/dom.ts";

// The experiment report component in Chromium, on a report that buildReport made from fake runs: its
// tables, charts and heatmaps read back from the DOM, and strings from the file shown as text.
const shots = "../../web/screenshots";
const evil = "<img src=x onerror=alert(1)>";
let report: ExperimentReport;
let mounted: HTMLElement[] = [];
const href = (id: string) => `#/runs/${encodeURIComponent(id)}`;

beforeAll(async () => {
  await page.viewport(1300, 1000);
  const xp = await fakeExperiment({ labels: ["logistic", evil, "lstm"], failing: { label: "lstm", error: `Out of memory ${evil}\n  at fit()` } });
  report = xp.report;
});
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

async function mount(withLinks = true) {
  const view = document.createElement("mf-experiment-report") as ExperimentReportView;
  view.report = report;
  if (withLinks) view.href = href;
  document.body.append(view);
  mounted.push(view);
  await view.updateComplete;
  return view;
}

const texts = (els: Element[]) => els.map((e) => e.textContent!.replace(/\s+/g, " ").trim());
const section = (view: HTMLElement, horizon: number) => deep(view, `section.horizon[data-horizon="${horizon}"]`);

describe("mf-experiment-report", () => {
  it("shows every model and every horizon, the bar verdicts, notes and wall time", async () => {
    const view = await mount();
    expect(report.horizons.map((h) => h.horizon)).toEqual([5, 20]);
    expect(deep(view, "h2#xp-h").textContent!.replace(/\s+/g, " ").trim()).toBe("Experiment baseline");
    expect(texts(deepAll(view, "section.horizon > h2"))).toEqual(["Horizon 5", "Horizon 20"]);
    const summary = deep<HTMLTableElement>(view, 'table[aria-label="Summary"]');
    expect(Array.from(summary.tBodies[0].rows).map((r) => r.dataset.label)).toEqual(["logistic", evil, "lstm"]);
    expect(texts(Array.from(summary.tHead!.rows[0].cells))).toEqual(["model", "family", "H5", "H20", "meets the bar"]);
    for (const h of report.horizons) {
      const classification = deep<HTMLTableElement>(section(view, h.horizon), `table[aria-label="Classification, horizon ${h.horizon}"]`);
      const rows = Array.from(classification.tBodies[0].rows);
      expect(rows.map((r) => r.dataset.label)).toEqual(["logistic", evil, "lstm"]);
      expect(rows.map((r) => r.querySelector(".label")!.textContent)).toEqual(["logistic", evil, "lstm"]);
      // val | test macro-F1 as report.md writes them: mean ± sample std over the two seeds
      const row = h.rows[0];
      const f1 = (s: typeof row.val) => `${s.f1_macro.mean!.toFixed(3)} ± ${s.f1_macro.std!.toFixed(3)}`;
      expect(texts(Array.from(rows[0].cells).slice(1, 3))).toEqual([f1(row.val), f1(row.test)]);
      expect(rows.map((r) => r.cells[r.cells.length - 1].textContent!.trim())).toEqual(
        h.rows.map((r) => (r.meets_bar === true ? "✔ pass" : r.meets_bar === false ? "✘ fail" : "—")),
      );
      for (const label of ["Trading", "Cost"]) expect(deepAll(view, `table[aria-label="${label}, horizon ${h.horizon}"] tbody tr`)).toHaveLength(3);
    }
    expect(texts(deepAll(view, "ul.notes li"))).toEqual(report.notes);
    expect(deep(view, ".wall").textContent).toBe("1 h 02 min");
    expect(deep(view, "p.meta").textContent).toContain(`${report.cells.filter((c) => c.status === "finished").length} of 12 cells finished, 2 failed`);
  });

  it("marks the model chosen on validation, with its DSR and a link to its run", async () => {
    const view = await mount();
    for (const h of report.horizons) {
      const best = h.best!;
      const s = section(view, h.horizon);
      const marked = deepAll<HTMLTableRowElement>(s, `table[aria-label="Classification, horizon ${h.horizon}"] tr.best`);
      expect(marked.map((r) => r.dataset.label)).toEqual([best.label]);
      expect(marked[0].querySelector(".star")).not.toBeNull();
      expect(deep(s, ".best-label").textContent).toBe(best.label);
      expect(deep(s, ".dsr").textContent).toBe(best.dsr.dsr === null ? "not available" : best.dsr.dsr.toFixed(3));
      const link = deepAll<HTMLAnchorElement>(s, ".best-model a.run");
      expect(link.map((a) => [a.getAttribute("href"), a.textContent])).toEqual([[href(best.run_id!), best.run_id]]);
      expect(deepAll(s, "svg.bars text.label.best").map((t) => t.getAttribute("x") !== null && t.textContent!.startsWith("★"))).toEqual([true, true]);
    }
  });

  it("draws val and test bars per model with their values over seeds in the tooltips", async () => {
    const view = await mount();
    for (const h of report.horizons) {
      const chart = deep(section(view, h.horizon), `figure[aria-label="Macro-F1 per model, horizon ${h.horizon}"] svg`);
      const bars = deepAll<SVGRectElement>(chart, "rect.bar");
      expect(bars.map((b) => b.dataset.series)).toEqual(["val", "test", "val", "test", "val", "test"]);
      const stat = (s: { mean: number | null; std: number | null; n: number }) => `${s.mean!.toFixed(3)} ± ${s.std!.toFixed(3)} (${s.n} seeds)`;
      // the failing label has one finished seed at each horizon: no std
      const one = (s: { mean: number | null }) => `${s.mean!.toFixed(3)} (1 seed)`;
      expect(bars.map((b) => b.querySelector("title")!.textContent)).toEqual(
        h.rows.flatMap((r) =>
          (["val", "test"] as const).map((split) =>
            `${r.label} · ${split} macro-F1: ${r[split].f1_macro.n > 1 ? stat(r[split].f1_macro) : one(r[split].f1_macro)}`
          )
        ),
      );
      // bars grow with the value: widths are proportional to the means (all positive here)
      const widths = bars.map((b) => Number(b.getAttribute("width")));
      const means = h.rows.flatMap((r) => [r.val.f1_macro.mean!, r.test.f1_macro.mean!]);
      for (let i = 1; i < widths.length; i++) expect(widths[i] / widths[0]).toBeCloseTo(means[i] / means[0], 1);
      expect(deepAll(chart, "line.reference")).toHaveLength(1);
    }
  });

  it("draws the correlation and agreement heatmaps as n x n labelled cells with their values", async () => {
    const view = await mount();
    for (const h of report.horizons) {
      const d = h.diversity!;
      const n = d.labels.length;
      expect(n).toBe(3);
      const corr = deep(section(view, h.horizon), `figure[aria-label="Correlation of test signals, horizon ${h.horizon}"] svg`);
      const cells = deepAll<SVGGElement>(corr, "g.cell");
      expect(cells).toHaveLength(n * n);
      for (const cell of cells) {
        const [i, j] = [Number(cell.dataset.row), Number(cell.dataset.col)];
        const v = d.correlation[i][j]!;
        expect(cell.querySelector("text")!.textContent).toBe(v.toFixed(2));
        expect(cell.querySelector("title")!.textContent).toBe(
          `${d.labels[i]} (run ${d.run_ids[i]}, seed ${d.seeds[i]}) × ${d.labels[j]} (run ${d.run_ids[j]}, seed ${d.seeds[j]}): correlation ${v.toFixed(3)}`,
        );
      }
      // the diagonal is 1 and red; the labels are on both axes
      expect(cells.filter((c) => c.dataset.row === c.dataset.col).map((c) => c.querySelector("rect")!.getAttribute("fill"))).toEqual(
        Array(n).fill("rgb(178, 24, 43)"),
      );
      expect(deepAll(corr, "text.row-label title").map((t) => t.textContent)).toEqual(d.labels);
      expect(deepAll(corr, "text.col-label title").map((t) => t.textContent)).toEqual(d.labels);
      const agree = deep(section(view, h.horizon), `figure[aria-label="Agreement of predicted classes, horizon ${h.horizon}"] svg`);
      expect(deepAll(agree, "g.cell text").map((t) => t.textContent)).toEqual(d.agreement.flat().map((v) => v!.toFixed(2)));
    }
  });

  it("lists failed cells with their errors, the best model per symbol, and links every run", async () => {
    const view = await mount();
    const h = report.horizons[0];
    expect(texts(deepAll(section(view, 5), "ul.failed li strong"))).toEqual(["lstm"]);
    expect(deep(section(view, 5), "ul.failed .error-text").textContent).toBe(`Out of memory ${evil}`);
    expect(deep(section(view, 5), "ul.failed .error-text").getAttribute("title")).toBe(`Out of memory ${evil}\n  at fit()`);
    const perSymbol = deep<HTMLTableElement>(section(view, 5), 'table[aria-label="Per symbol, horizon 5"]');
    expect(Array.from(perSymbol.tBodies[0].rows).map((r) => r.cells[0].textContent)).toEqual(h.per_symbol!.rows.map((r) => r.symbol));
    const runIds = report.cells.flatMap((c) => (c.run_id ? [c.run_id] : []));
    const links = deepAll<HTMLAnchorElement>(view, 'table[aria-label="Cells"] a.run');
    expect(links.map((a) => a.getAttribute("href"))).toEqual(runIds.map(href));
  });

  it("shows run ids as plain text when the host gives no way to link them", async () => {
    const view = await mount(false);
    expect(deepAll(view, "a")).toHaveLength(0);
    expect(deepAll(view, 'table[aria-label="Cells"] code').map((c) => c.textContent)).toEqual(report.cells.flatMap((c) => (c.run_id ? [c.run_id] : [])));
  });

  it("renders a hostile label and error as text, never as markup", async () => {
    const view = await mount();
    expect(deepAll(view, "img")).toHaveLength(0);
    const hostile = deepAll(view, "*").filter((e) => e.childElementCount === 0 && e.textContent === evil);
    expect(hostile.length).toBeGreaterThan(5);
    await settle();
    await page.screenshot({ path: `${shots}/component-experiment-report-1.png`, element: deep(view, "section#overview") });
    await page.screenshot({ path: `${shots}/component-experiment-report-2-horizon.png`, element: section(view, 5) });
    const diversity = deep(section(view, 5), ".diversity");
    diversity.scrollIntoView();
    await settle();
    await page.screenshot({ path: `${shots}/component-experiment-report-3-diversity.png`, element: diversity });
  });
});
