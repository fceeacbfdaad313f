import { afterEach, describe, expect, it } from "vitest";
import { MemoryRunStore } from "../../../core/memory_store.ts";
import type { ParallelCoords } from "../../../web/runs/parallel_coords.ts";
import "../../../web/runs/parallel_coords.ts";
import { columnsOf, flattenRun } from "../../../web/runs/run_columns.ts";
import { readRunRows } from "../../../web/runs/run_data.ts";
import { writeFakeRuns } from "../../fixtures/fake_runs.ts";
import { choose, deep, deepAll } from "./dom.ts";

let mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.forEach((m) => m.remove());
  mounted = [];
});

/** A plot of `count` fake runs in a box `width` pixels wide (wide enough for every axis at full spacing by default). */
async function mount(count: number, metric = "", width = 3000) {
  const store = new MemoryRunStore();
  await writeFakeRuns(store, { count, epochs: 2 });
  const runs = (await readRunRows(store)).map(flattenRun);
  const plot = document.createElement("mf-parallel-coords") as ParallelCoords;
  Object.assign(plot, { runs, columns: columnsOf(runs), metric });
  plot.style.width = `${width}px`;
  document.body.append(plot);
  mounted.push(plot);
  // the plot follows its box's width once a ResizeObserver reports it
  await expect.poll(() => plot.available).toBe(width);
  await plot.updateComplete;
  return { plot, runs };
}

const axisNames = (plot: HTMLElement) => deepAll<SVGTextElement>(plot, "text.name").map((t) => t.textContent);

describe("mf-parallel-coords", () => {
  it("draws one line per run, each titled with its run id", async () => {
    const { plot, runs } = await mount(40);
    const lines = deepAll<SVGPathElement>(plot, "path.run");
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.querySelector("title")!.textContent))).toEqual(new Set(runs.map((r) => r.row.id)));
    // a line visits every axis its run has a value on: at least model, horizon and the metric
    for (const line of lines) expect(line.getAttribute("d")!.split("L").length).toBeGreaterThanOrEqual(3);
  });

  it("has an axis for each setting that differs (numbers and categories) and the metric last", async () => {
    const { plot } = await mount(40);
    const names = axisNames(plot);
    expect(names.slice(0, 2)).toEqual(["model", "horizon"]);
    expect(names).toEqual(expect.arrayContaining(["units", "learning_rate", "trainer.batch_size"]));
    expect(names).not.toContain("seed");
    expect(names).not.toContain("dataset.standardize");
    expect(names.at(-1)).toBe("val f1_macro");
    const ticks = deepAll<SVGTextElement>(plot, "text:not(.name)").map((t) => t.textContent);
    expect(ticks).toEqual(expect.arrayContaining(["linear:logistic", "neural:lstm", "trees:gbdt", "5", "20"]));
    // small settings keep their digits: the learning-rate axis runs from 0.0003 to 0.1
    expect(ticks).toEqual(expect.arrayContaining(["0.0003", "0.1"]));
  });

  it("colours lines by the metric, better runs blue whichever way the metric is better", async () => {
    for (const metric of ["test.sharpe", "test.max_drawdown"]) {
      const { plot, runs } = await mount(30, metric);
      expect(axisNames(plot).at(-1)).toBe(metric.replace(".", " "));
      const hue = (id: string) =>
        Number(
          /hsl\((\d+)/.exec(deepAll<SVGPathElement>(plot, "path.run").find((l) => l.querySelector("title")!.textContent === id)!.getAttribute("stroke")!)![1],
        );
      const scored = runs.filter((r) => typeof r.cells[metric] === "number").sort((a, b) => (a.cells[metric] as number) - (b.cells[metric] as number));
      const [low, high] = [hue(scored[0].row.id), hue(scored.at(-1)!.row.id)];
      // hue 215 is blue (best), 25 orange (worst)
      expect(metric === "test.sharpe" ? [low, high] : [high, low]).toEqual([25, 215]);
      plot.remove();
    }
  });

  it("fires metric with the column a person picks", async () => {
    const { plot } = await mount(10);
    const picked: string[] = [];
    plot.addEventListener("metric", (e) => picked.push((e as CustomEvent<string>).detail));
    choose(deep(plot, 'select[name="metric"]'), "test.log_loss");
    expect(picked).toEqual(["test.log_loss"]);
  });

  it("says so when the runs share every setting", async () => {
    const { plot } = await mount(1);
    expect(deep(plot, "p.empty").textContent).toMatch(/share every setting/);
    expect(deepAll(plot, "path.run")).toHaveLength(0);
  });

  it("is as wide as what it draws: no axis name or tick label runs past its edges", async () => {
    // a long metric name centred on the last axis ran past the right edge
    for (const metric of ["test.profit_factor", "test.max_drawdown"]) {
      const { plot } = await mount(40, metric);
      const svgEl = deep<SVGSVGElement>(plot, "svg");
      const [left, , width] = svgEl.getAttribute("viewBox")!.split(" ").map(Number);
      expect(Number(svgEl.getAttribute("width"))).toBe(width);
      for (const text of deepAll<SVGTextElement>(plot, "text")) {
        const box = text.getBBox();
        expect(box.x, text.textContent!).toBeGreaterThanOrEqual(left);
        expect(box.x + box.width, text.textContent!).toBeLessThanOrEqual(left + width);
      }
      plot.remove();
    }
  });

  it("fits a narrower box by drawing the axes closer, down to 100 px apart, long categories cut with their whole text in a tooltip", async () => {
    const wide = await mount(40, "", 3000);
    const names = axisNames(wide.plot).length;
    const full = Number(deep(wide.plot, "svg").getAttribute("width"));
    wide.plot.remove();
    const { plot } = await mount(40, "", 100 * (names - 1) + 140);
    const svgEl = deep<SVGSVGElement>(plot, "svg");
    const width = Number(svgEl.getAttribute("width"));
    expect(width).toBeLessThanOrEqual(100 * (names - 1) + 140);
    expect(width).toBeLessThan(full);
    const [left] = svgEl.getAttribute("viewBox")!.split(" ").map(Number);
    for (const text of deepAll<SVGTextElement>(plot, "text")) {
      const box = text.getBBox();
      expect(box.x + box.width, text.textContent!).toBeLessThanOrEqual(left + width);
    }
    const cut = deepAll<SVGTextElement>(plot, "text:not(.name)").filter((t) => t.querySelector("title"));
    expect(cut.length).toBeGreaterThan(0);
    for (const t of cut) {
      const whole = t.querySelector("title")!.textContent!;
      const shown = t.textContent!.replace(whole, "");
      expect(shown.endsWith("…") && whole.startsWith(shown.slice(0, -1)), `${shown} of ${whole}`).toBe(true);
    }
  });
});
